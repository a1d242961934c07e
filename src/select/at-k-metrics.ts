/**
 * The @k metrics of implicit feedback for one user: precision, recall, average precision and
 * NDCG of the top k (binary gains).
 * see: benfred/implicit `evaluation.pyx` (ranking_metrics_at_k); the definitions are under
 * `rankingMetrics` (ranking.ts).
 */

/** One user's @k metrics, before averaging over users. */
export interface UserAtK {
  /** hits / min(k, |T_u|). */
  precision: number;
  /** hits / |T_u|. */
  recall: number;
  /** AP@k. */
  averagePrecision: number;
  /** DCG@k / IDCG@k. */
  ndcg: number;
}

/**
 * The @k metrics of one user's ranking.
 *
 * @param top - the user's top items, best first (at most k)
 * @param isPositive - 1 at the user's held-out positives
 * @param k - the cut-off
 * @param npos - the number of held-out positives (≥ 1)
 */
export function userAtK(top: Int32Array, isPositive: Uint8Array, k: number, npos: number): UserAtK {
  let hits = 0;
  let ap = 0;
  let dcg = 0;
  for (let j = 0; j < top.length; j++) {
    if (isPositive[top[j]]) {
      hits++;
      ap += hits / (j + 1); // P@(j+1)·rel
      dcg += 1 / Math.log2(j + 2); // rank j+1 → log2(rank + 1)
    }
  }
  const denom = Math.min(k, npos);
  let idcg = 0;
  for (let j = 0; j < denom; j++) idcg += 1 / Math.log2(j + 2);
  return { precision: hits / denom, recall: hits / npos, averagePrecision: ap / denom, ndcg: dcg / idcg };
}
