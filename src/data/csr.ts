import { badOption } from '../errors.js';
import type { Csr, Interactions, RatingMatrix } from './types.js';

/** How repeated (row, column) pairs combine: add, keep the last in input order, or keep the largest. */
export type Duplicates = 'sum' | 'last' | 'max';

/** Options of {@link buildMatrix}. */
export interface BuildMatrixOptions {
  /** Repeated (user, item) pairs. Default `sum`. */
  duplicates?: Duplicates;
  /** Per-event-type weights: each entry's value becomes weight[event] × value. */
  eventWeights?: Record<string, number>;
}

/**
 * Builds CSR (by row) from triplets in O(nnz + rows + cols): two stable counting sorts (by
 * column, then by row) give rows with ascending columns and, within a repeated pair, input
 * order — so merging is one pass and `last` means last in input order.
 *
 * @param rows - number of rows
 * @param cols - number of columns
 * @param r - row per entry
 * @param c - column per entry
 * @param v - value per entry
 * @param duplicates - how repeated pairs combine
 * @param t - optional timestamp per entry (a merged pair keeps the latest)
 * @returns the CSR, with `merged` = entries folded into an earlier one and `timestamps` if `t` was given
 * @throws RangeError if an index is out of range
 */
export function csrFromTriplets(
  rows: number,
  cols: number,
  r: Int32Array,
  c: Int32Array,
  v: Float64Array,
  duplicates: Duplicates,
  t?: Float64Array,
): Csr & { merged: number; timestamps?: Float64Array } {
  const n = r.length;
  const colCount = new Int32Array(cols + 1);
  for (let j = 0; j < n; j++) {
    const cc = c[j];
    if (!(cc >= 0 && cc < cols)) throw new RangeError(`column ${cc} out of range [0, ${cols})`);
    colCount[cc + 1]++;
  }
  for (let k = 0; k < cols; k++) colCount[k + 1] += colCount[k];
  const byCol = new Int32Array(n);
  for (let j = 0; j < n; j++) byCol[colCount[c[j]]++] = j;

  const rowStart = new Int32Array(rows + 1);
  for (let j = 0; j < n; j++) {
    const rr = r[j];
    if (!(rr >= 0 && rr < rows)) throw new RangeError(`row ${rr} out of range [0, ${rows})`);
    rowStart[rr + 1]++;
  }
  for (let k = 0; k < rows; k++) rowStart[k + 1] += rowStart[k];
  const fill = rowStart.slice(0, rows);
  const order = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const j = byCol[p];
    order[fill[r[j]]++] = j;
  }

  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(n);
  const values = new Float64Array(n);
  const ts = t ? new Float64Array(n) : undefined;
  let out = 0;
  for (let row = 0; row < rows; row++) {
    indptr[row] = out;
    let lastCol = -1;
    for (let p = rowStart[row]; p < rowStart[row + 1]; p++) {
      const j = order[p];
      const col = c[j];
      if (col === lastCol) {
        const o = out - 1;
        values[o] = duplicates === 'sum' ? values[o] + v[j] : duplicates === 'max' ? Math.max(values[o], v[j]) : v[j];
        if (ts) ts[o] = Math.max(ts[o], t![j]);
      } else {
        indices[out] = col;
        values[out] = v[j];
        if (ts) ts[out] = t![j];
        out++;
        lastCol = col;
      }
    }
  }
  indptr[rows] = out;
  return {
    rows,
    cols,
    indptr,
    indices: out === n ? indices : indices.slice(0, out),
    values: out === n ? values : values.slice(0, out),
    merged: n - out,
    timestamps: ts ? (out === n ? ts : ts.slice(0, out)) : undefined,
  };
}

/**
 * The transpose of a CSR (i.e. its CSC as a CSR), in O(nnz + rows + cols); rows of the result
 * have ascending column indices because the input rows are visited in order.
 */
export function transpose(a: Csr): Csr {
  const nnz = a.indptr[a.rows];
  const indptr = new Int32Array(a.cols + 1);
  for (let p = 0; p < nnz; p++) indptr[a.indices[p] + 1]++;
  for (let k = 0; k < a.cols; k++) indptr[k + 1] += indptr[k];
  const fill = indptr.slice(0, a.cols);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let row = 0; row < a.rows; row++) {
    for (let p = a.indptr[row]; p < a.indptr[row + 1]; p++) {
      const q = fill[a.indices[p]]++;
      indices[q] = row;
      values[q] = a.values[p];
    }
  }
  return { rows: a.cols, cols: a.rows, indptr, indices, values };
}

/** The largest number of entries in one row. */
export function maxRowNnz(a: Csr): number {
  let best = 0;
  for (let r = 0; r < a.rows; r++) best = Math.max(best, a.indptr[r + 1] - a.indptr[r]);
  return best;
}

/**
 * The rating matrix of parsed interactions, by user and by item, with repeated pairs merged.
 * @param data - parsed interactions
 * @param opts - duplicate policy and event weights
 * @throws AlsError `BAD_OPTION` when `eventWeights` is given without an event column or lacks an event that occurs
 * @example
 * const { byUser, byItem } = buildMatrix(data, { duplicates: 'sum', eventWeights: { view: 1, purchase: 10 } });
 */
export function buildMatrix(data: Interactions, opts: BuildMatrixOptions = {}): RatingMatrix {
  let values = data.value;
  if (opts.eventWeights) {
    if (!data.event || !data.events) throw badOption('eventWeights', Object.keys(opts.eventWeights), 'used only with data that has an event column');
    const w = new Float64Array(data.events.size);
    for (let e = 0; e < data.events.size; e++) {
      const name = String(data.events.id(e));
      const weight = opts.eventWeights[name];
      if (weight === undefined) throw badOption('eventWeights', Object.keys(opts.eventWeights), `an object with a weight for every event in the data (missing "${name}")`);
      w[e] = weight;
    }
    values = new Float64Array(data.length);
    for (let j = 0; j < data.length; j++) values[j] = w[data.event[j]] * data.value[j];
  }
  const n = data.length;
  const byUser = csrFromTriplets(data.users.size, data.items.size, data.user.subarray(0, n), data.item.subarray(0, n), values.subarray(0, n), opts.duplicates ?? 'sum', data.timestamp?.subarray(0, n));
  const { merged, timestamps, ...csr } = byUser;
  return { byUser: csr, byItem: transpose(csr), nnz: csr.indptr[csr.rows], duplicatesMerged: merged, timestamps };
}
