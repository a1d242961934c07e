import type { Csr } from '../data/types.js';
import { topK } from '../recommend/top-k.js';

/**
 * Root mean squared error.
 * @remarks RMSE = √( (1/N) Σ_j (pred_j − actual_j)² ); NaN for N = 0.
 */
export function rmse(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < pred.length; j++) s += (pred[j] - actual[j]) ** 2;
  return Math.sqrt(s / pred.length);
}

/**
 * Mean absolute error.
 * @remarks MAE = (1/N) Σ_j |pred_j − actual_j|; NaN for N = 0.
 */
export function mae(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < pred.length; j++) s += Math.abs(pred[j] - actual[j]);
  return s / pred.length;
}

/**
 * RMSE and MAE of `predict` over every entry of a held-out matrix.
 * @param predict - the model's prediction for (user row, item column)
 * @param test - held-out ratings, users × items
 */
export function ratingMetrics(predict: (u: number, i: number) => number, test: Csr): { rmse: number; mae: number; count: number } {
  let se = 0;
  let ae = 0;
  let count = 0;
  for (let u = 0; u < test.rows; u++) {
    for (let p = test.indptr[u]; p < test.indptr[u + 1]; p++) {
      const e = predict(u, test.indices[p]) - test.values[p];
      se += e * e;
      ae += Math.abs(e);
      count++;
    }
  }
  return { rmse: Math.sqrt(se / count), mae: ae / count, count };
}

/** Inputs of {@link rankingMetrics}. */
export interface RankingInput {
  /** Fills `out` with the scores of every item for user row `u`. */
  score: (u: number, out: Float64Array) => void;
  /** Number of items. */
  numItems: number;
  /** Training interactions, users × items: left out of each user's ranking. */
  train: Csr;
  /** Held-out interactions, users × items: entries with value > 0 are the positives. */
  test: Csr;
  /** Cut-off k of the @k metrics. */
  k: number;
  /** Restrict to these user rows (default: all). */
  users?: Int32Array;
}

/** Ranking quality, averaged over users with at least one held-out positive. */
export interface RankingMetrics {
  /** The cut-off. */
  k: number;
  /** precision@k. */
  precision: number;
  /** recall@k. */
  recall: number;
  /** MAP@k. */
  map: number;
  /** NDCG@k. */
  ndcg: number;
  /** AUC over all items outside the user's training set. */
  auc: number;
  /** Mean percentile rank (0 = top, 0.5 = random, lower is better). */
  mpr: number;
  /** Users evaluated. */
  users: number;
}

/**
 * Top-k ranking metrics with the user's training items excluded from the ranking.
 *
 * @remarks
 * For a user u with held-out positives T_u (test value > 0 and not in train), the ranked list
 * R_u = the candidates (all items outside u's training set) by descending score, rel_j = [R_u[j] ∈ T_u]:
 * - precision@k = Σ_{j≤k} rel_j / min(k, |T_u|)  (benfred/implicit's denominator, so 1 is reachable)
 * - recall@k = Σ_{j≤k} rel_j / |T_u|
 * - MAP@k: AP@k = (1 / min(k, |T_u|)) Σ_{j≤k} P@j · rel_j, averaged over users
 * - NDCG@k = DCG/IDCG, DCG = Σ_{j≤k} rel_j / log2(j + 1), IDCG = Σ_{j ≤ min(k, |T_u|)} 1 / log2(j + 1)
 * - AUC = the fraction of (positive, negative) candidate pairs where the positive scores higher
 *   (ties count ½), over all candidates — not only the top k; users without negatives are skipped
 * - MPR (Hu, Koren & Volinsky 2008 "expected percentile rank") = Σ_{u,i∈T_u} r_ui·rank_ui / Σ r_ui,
 *   rank_ui ∈ [0, 1] the item's percentile in R_u (0 = first; ties take their mean position).
 * The @k metrics and AUC are averages over users; MPR is weighted over held-out pairs.
 */
export function rankingMetrics(input: RankingInput): RankingMetrics {
  const { numItems, train, test, k } = input;
  const scores = new Float64Array(numItems);
  const inTrain = new Uint8Array(numItems);
  const isPositive = new Uint8Array(numItems);
  let users = 0;
  let precision = 0;
  let recall = 0;
  let map = 0;
  let ndcg = 0;
  let aucSum = 0;
  let aucUsers = 0;
  let mprNum = 0;
  let mprDen = 0;
  const rows = input.users ?? Int32Array.from({ length: test.rows }, (_, u) => u);
  for (let t = 0; t < rows.length; t++) {
    const u = rows[t];
    for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) inTrain[train.indices[p]] = 1;
    const positives: number[] = [];
    const weights: number[] = [];
    for (let p = test.indptr[u]; p < test.indptr[u + 1]; p++) {
      const i = test.indices[p];
      if (test.values[p] > 0 && !inTrain[i] && !isPositive[i]) {
        isPositive[i] = 1;
        positives.push(i);
        weights.push(test.values[p]);
      }
    }
    if (positives.length > 0) {
      users++;
      input.score(u, scores);
      const top = topK(scores, k, (i) => inTrain[i] === 1);
      let hits = 0;
      let ap = 0;
      let dcg = 0;
      for (let j = 0; j < top.indices.length; j++) {
        if (isPositive[top.indices[j]]) {
          hits++;
          ap += hits / (j + 1);
          dcg += 1 / Math.log2(j + 2);
        }
      }
      const denom = Math.min(k, positives.length);
      let idcg = 0;
      for (let j = 0; j < denom; j++) idcg += 1 / Math.log2(j + 2);
      precision += hits / denom;
      recall += hits / positives.length;
      map += ap / denom;
      ndcg += dcg / idcg;

      // Full-rank metrics from sorted candidate scores.
      const candidates: number[] = [];
      const negatives: number[] = [];
      for (let i = 0; i < numItems; i++) {
        if (inTrain[i]) continue;
        candidates.push(scores[i]);
        if (!isPositive[i]) negatives.push(scores[i]);
      }
      const cand = Float64Array.from(candidates).sort();
      const neg = Float64Array.from(negatives).sort();
      if (neg.length > 0) {
        let pairs = 0;
        for (const i of positives) {
          const s = scores[i];
          pairs += lowerBound(neg, s) + 0.5 * (upperBound(neg, s) - lowerBound(neg, s));
        }
        aucSum += pairs / (positives.length * neg.length);
        aucUsers++;
      }
      const span = Math.max(1, cand.length - 1);
      for (let j = 0; j < positives.length; j++) {
        const s = scores[positives[j]];
        const above = cand.length - upperBound(cand, s);
        const ties = upperBound(cand, s) - lowerBound(cand, s);
        const rank = above + 0.5 * (ties - 1);
        mprNum += weights[j] * (rank / span);
        mprDen += weights[j];
      }
    }
    for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) inTrain[train.indices[p]] = 0;
    for (let p = test.indptr[u]; p < test.indptr[u + 1]; p++) isPositive[test.indices[p]] = 0;
  }
  const avg = (x: number) => (users > 0 ? x / users : NaN);
  return {
    k,
    precision: avg(precision),
    recall: avg(recall),
    map: avg(map),
    ndcg: avg(ndcg),
    auc: aucUsers > 0 ? aucSum / aucUsers : NaN,
    mpr: mprDen > 0 ? mprNum / mprDen : NaN,
    users,
  };
}

/** First index with a[j] ≥ x (a ascending). */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with a[j] > x (a ascending). */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
