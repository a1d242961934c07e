/**
 * Row renumbering for memory locality. Each half-step gathers, for every row, the factor rows
 * of the other side that it touches, at random. With the rows of each side numbered by
 * descending interaction count, the factor rows touched most often sit together at the front
 * of their matrix, so more of the gathers hit cache and fewer miss the TLB (at MovieLens-20M
 * scale the user factors are 71 MB; bench/experiments/locality.mjs measures the item half-step
 * both ways). Training renumbers internally and maps every result, message and hook back to the
 * caller's rows.
 */

/**
 * Rows by descending count (ties by row index): order[new] = old. A counting sort, O(rows + max count).
 * @param indptr - CSR offsets of `rows` rows
 */
export function heavyFirstOrder(indptr: Int32Array, rows: number): Int32Array {
  let most = 0;
  for (let r = 0; r < rows; r++) most = Math.max(most, indptr[r + 1] - indptr[r]);
  // start[c] = first position of the rows with count c, counts taken from the largest down.
  const start = new Int32Array(most + 2);
  for (let r = 0; r < rows; r++) start[most - (indptr[r + 1] - indptr[r]) + 1]++;
  for (let c = 1; c <= most + 1; c++) start[c] += start[c - 1];
  const order = new Int32Array(rows);
  for (let r = 0; r < rows; r++) order[start[most - (indptr[r + 1] - indptr[r])]++] = r;
  return order;
}

/** The inverse permutation: rank[order[i]] = i. */
export function inversePermutation(order: Int32Array): Int32Array {
  const rank = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) rank[order[i]] = i;
  return rank;
}

/** CSR offsets of the rows taken in `order` (row i of the result is row order[i] of the input). */
export function permutedIndptr(indptr: Int32Array, order: Int32Array): Int32Array {
  const out = new Int32Array(order.length + 1);
  for (let i = 0; i < order.length; i++) out[i + 1] = out[i] + (indptr[order[i] + 1] - indptr[order[i]]);
  return out;
}

/**
 * Rows of a row-major matrix (`width` per row) back in the caller's numbering:
 * out[order[i]] = inside[i].
 */
export function unpermuteRows(inside: Float64Array, order: Int32Array, width: number): Float64Array {
  const out = new Float64Array(order.length * width);
  for (let i = 0; i < order.length; i++) out.set(inside.subarray(i * width, (i + 1) * width), order[i] * width);
  return out;
}
