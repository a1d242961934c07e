/**
 * Item-to-item similarity on the learned item factors ("people who liked this also liked").
 * see: benfred/implicit `similar_items` (cosine, with a guard for zero norms).
 */
import { badOption } from '../errors.js';
import { topK, type TopK } from './top-k.js';

/**
 * The Euclidean norm of each row of a row-major matrix, to cache for {@link similarItems}.
 *
 * @param M - the matrix, n×f row-major
 * @param n - rows
 * @param f - columns
 * @returns ‖m_i‖₂ for i = 0..n-1
 * @throws RangeError if M has fewer than n·f elements
 * @remarks ‖m_i‖ = √(Σ_a M[i,a]²), accumulated in f64.
 */
export function rowNorms(M: Float64Array, n: number, f: number): Float64Array {
  checkShape(M, n, f);
  const out = new Float64Array(n);
  for (let i = 0, row = 0; i < n; i++, row += f) {
    let s = 0;
    for (let a = 0; a < f; a++) s += M[row + a] * M[row + a];
    out[i] = Math.sqrt(s);
  }
  return out;
}

/**
 * The `k` items most similar to `item` by cosine similarity of their factor rows, the item
 * itself left out.
 *
 * @param Y - item factors, n×f row-major
 * @param n - items
 * @param f - factors
 * @param item - the query row, 0 ≤ item < n
 * @param k - how many (an integer ≥ 0)
 * @param norms - cached {@link rowNorms} of Y (computed when omitted)
 * @param filter - rows to leave out (`exclude`) and the only rows to rank (`candidates`), any order
 * @returns item indices and their similarities, most similar first (ties: lower index)
 * @throws RangeError if `item` is out of range or Y / norms are too short
 * @throws AlsError `BAD_OPTION` if k is not an integer ≥ 0
 * @remarks
 * sim(q, i) = y_qᵀy_i / (‖y_q‖·‖y_i‖), clamped to [−1, 1] (rounding can overshoot by an ulp).
 * A zero-norm row (an item never trained, or the query itself) has similarity 0 — never NaN
 * — so it neither tops nor vanishes from the list. Rows containing NaN give NaN, which
 * {@link topK} never returns. Entries are assumed to be of ordinary magnitude (|y| between
 * about 1e-150 and 1e150), where squares neither underflow nor overflow. O(n·f + n log k).
 */
export function similarItems(
  Y: Float64Array,
  n: number,
  f: number,
  item: number,
  k: number,
  norms?: Float64Array,
  filter?: { exclude?: Int32Array; candidates?: Int32Array },
): TopK {
  checkShape(Y, n, f);
  if (!Number.isInteger(item) || item < 0 || item >= n) throw new RangeError(`item ${item} out of range [0, ${n})`);
  if (!Number.isInteger(k) || k < 0) throw badOption('k', k, 'an integer ≥ 0');
  const nrm = norms ?? rowNorms(Y, n, f);
  if (nrm.length < n) throw new RangeError(`norms has ${nrm.length} entries, expected ${n}`);
  const scores = new Float64Array(n); // zeros: the similarity of zero-norm rows
  const q = item * f;
  const nq = nrm[item];
  if (nq !== 0) {
    for (let i = 0, row = 0; i < n; i++, row += f) {
      const ni = nrm[i];
      if (ni === 0) continue;
      let s = 0;
      for (let a = 0; a < f; a++) s += Y[q + a] * Y[row + a];
      const c = s / nq / ni; // two divisions: the product of two norms could overflow
      scores[i] = c > 1 ? 1 : c < -1 ? -1 : c; // NaN passes through unchanged
    }
  }
  // The query joins the sorted exclusions (a merge with the scan, not a lookup per row).
  const excluded = filter?.exclude ? Int32Array.from(new Set([...filter.exclude, item])).sort() : Int32Array.of(item);
  return topK(scores, k, excluded, filter?.candidates);
}

function checkShape(M: Float64Array, n: number, f: number): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(f) || f < 0 || M.length < n * f) {
    throw new RangeError(`matrix of ${M.length} elements cannot be ${n}×${f}`);
  }
}
