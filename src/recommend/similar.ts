import { topK, type TopK } from './top-k.js';

/** Euclidean norm of each of the n rows of M (n×f, row-major). */
export function rowNorms(M: Float64Array, n: number, f: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < f; a++) s += M[i * f + a] * M[i * f + a];
    out[i] = Math.sqrt(s);
  }
  return out;
}

/**
 * The k items most similar to `item` by cosine similarity of their factor rows, the item
 * itself left out. A zero-norm row has similarity 0 (never NaN).
 * @param Y - item factors, n×f row-major
 * @param n - items
 * @param f - factors
 * @param item - the query row
 * @param k - how many
 * @param norms - cached {@link rowNorms} of Y
 */
export function similarItems(Y: Float64Array, n: number, f: number, item: number, k: number, norms = rowNorms(Y, n, f)): TopK {
  const scores = new Float64Array(n);
  const q = item * f;
  const nq = norms[item];
  for (let i = 0; i < n; i++) {
    const d = nq * norms[i];
    if (d === 0) continue;
    let s = 0;
    for (let a = 0; a < f; a++) s += Y[q + a] * Y[i * f + a];
    scores[i] = s / d;
  }
  return topK(scores, k, (i) => i === item);
}
