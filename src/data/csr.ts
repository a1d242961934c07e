/**
 * Sparse matrices from interactions: CSR by user and its transpose (CSC by item, stored as the
 * CSR of the transpose), built with counting sorts in O(nnz + rows + cols) — no comparison sort.
 */
import { badOption, checkOptions } from '../errors.js';
import type { Csr, Interactions, RatingMatrix } from './types.js';

/** How repeated (row, column) pairs combine: add, keep the last in input order, or keep the largest. */
export type DuplicatePolicy = 'sum' | 'last' | 'max';

/** Every {@link DuplicatePolicy}, in the order error messages list them. */
export const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ['sum', 'last', 'max'];

/** @throws AlsError `BAD_OPTION` unless `duplicates` is a {@link DuplicatePolicy} */
function checkDuplicatePolicy(duplicates: DuplicatePolicy): void {
  if (!DUPLICATE_POLICIES.includes(duplicates)) throw badOption('duplicates', duplicates, '"sum", "last" or "max"');
}

/** Every option of {@link BuildMatrixOptions} (typed: a new option fails to compile until listed). */
const BUILD_MATRIX_OPTION_NAMES = Object.keys({ duplicates: 1, eventWeights: 1, dropZeros: 1 } satisfies Record<keyof BuildMatrixOptions, 1>);

/** Options of {@link buildMatrix}. */
export interface BuildMatrixOptions {
  /** Repeated (user, item) pairs: `sum` (default; implicit counts), `last` in input order (explicit re-ratings), or `max`. */
  duplicates?: DuplicatePolicy;
  /** Per-event-type weights: each entry's value becomes weight[event] × value, before merging. */
  eventWeights?: Record<string, number>;
  /** Drop stored entries whose merged value is exactly 0 (default false). */
  dropZeros?: boolean;
}

/**
 * Builds a CSR from triplets in O(nnz + rows + cols). Two stable counting sorts — by column,
 * then by row — leave each row's entries in ascending column order and, within a repeated
 * pair, in input order; so merging is one linear pass and `last` means last in input order.
 *
 * @param rows - number of rows
 * @param cols - number of columns
 * @param r - row per entry
 * @param c - column per entry
 * @param v - value per entry
 * @param duplicates - how repeated pairs combine
 * @param t - optional timestamp per entry (a merged pair keeps the latest)
 * @param dropZeros - drop stored entries whose merged value is 0
 * @returns the CSR with `merged` (entries folded into an earlier one of the same pair) and,
 *   when `t` was given, `timestamps` per stored entry
 * @throws RangeError if an index is out of range or the arrays differ in length
 * @example
 * const a = csrFromTriplets(2, 3, Int32Array.of(1, 0, 1), Int32Array.of(2, 1, 2), Float64Array.of(1, 5, 2), 'sum');
 * // a.indptr = [0, 1, 2], a.indices = [1, 2], a.values = [5, 3], a.merged = 1
 */
export function csrFromTriplets(
  rows: number,
  cols: number,
  r: Int32Array,
  c: Int32Array,
  v: Float64Array,
  duplicates: DuplicatePolicy,
  t?: Float64Array,
  dropZeros = false,
): Csr & { merged: number; timestamps?: Float64Array } {
  const n = r.length;
  if (c.length !== n || v.length !== n || (t && t.length !== n)) throw new RangeError(`triplet arrays differ in length (${n}, ${c.length}, ${v.length}${t ? `, ${t.length}` : ''})`);
  checkDuplicatePolicy(duplicates);

  // Counting sort by column (stable: input order within a column).
  const colStart = new Int32Array(cols + 1);
  for (let j = 0; j < n; j++) {
    const cc = c[j];
    if (!(cc >= 0 && cc < cols)) throw new RangeError(`column ${cc} of entry ${j} out of range [0, ${cols})`);
    colStart[cc + 1]++;
  }
  for (let k = 0; k < cols; k++) colStart[k + 1] += colStart[k];
  const byCol = new Int32Array(n);
  for (let j = 0; j < n; j++) byCol[colStart[c[j]]++] = j;

  // Stable counting sort of that order by row: rows come out with ascending columns.
  const rowStart = new Int32Array(rows + 1);
  for (let j = 0; j < n; j++) {
    const rr = r[j];
    if (!(rr >= 0 && rr < rows)) throw new RangeError(`row ${rr} of entry ${j} out of range [0, ${rows})`);
    rowStart[rr + 1]++;
  }
  for (let k = 0; k < rows; k++) rowStart[k + 1] += rowStart[k];
  const fill = rowStart.slice(0, rows);
  const order = byCol; // reuse: byCol is read in sequence while `sorted` is written
  const sorted = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const j = order[p];
    sorted[fill[r[j]]++] = j;
  }

  // One pass merges runs of the same column within a row.
  const mode = duplicates === 'sum' ? 0 : duplicates === 'last' ? 1 : 2;
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(n);
  const values = new Float64Array(n);
  const ts = t ? new Float64Array(n) : undefined;
  let out = 0;
  let merged = 0;
  for (let row = 0; row < rows; row++) {
    const rowBegin = out;
    let lastCol = -1;
    for (let p = rowStart[row], end = rowStart[row + 1]; p < end; p++) {
      const j = sorted[p];
      const col = c[j];
      if (col === lastCol) {
        const o = out - 1;
        const x = v[j];
        values[o] = mode === 0 ? values[o] + x : mode === 1 ? x : Math.max(values[o], x);
        if (ts && t![j] > ts[o]) ts[o] = t![j];
        merged++;
      } else {
        indices[out] = col;
        values[out] = v[j];
        if (ts) ts[out] = t![j];
        out++;
        lastCol = col;
      }
    }
    if (dropZeros) {
      let keep = rowBegin;
      for (let o = rowBegin; o < out; o++) {
        if (values[o] === 0) continue;
        indices[keep] = indices[o];
        values[keep] = values[o];
        if (ts) ts[keep] = ts[o];
        keep++;
      }
      out = keep;
    }
    indptr[row + 1] = out;
  }
  const fit = <T extends Int32Array | Float64Array>(a: T): T => (out === n ? a : (a.slice(0, out) as T));
  return { rows, cols, indptr, indices: fit(indices), values: fit(values), merged, timestamps: ts ? fit(ts) : undefined };
}

/**
 * The transpose of a CSR (its CSC, stored as a CSR), in O(nnz + rows + cols): a counting sort
 * by column; visiting rows in order leaves each result row's indices ascending.
 * @param a - the matrix
 * @returns a new CSR with `rows` and `cols` swapped
 * @example
 * const byItem = transpose(byUser);
 */
export function transpose(a: Csr): Csr {
  const nnz = a.indptr[a.rows];
  const indptr = columnOffsets(a);
  const fill = indptr.slice(0, a.cols);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let row = 0; row < a.rows; row++) {
    for (let p = a.indptr[row], end = a.indptr[row + 1]; p < end; p++) {
      const q = fill[a.indices[p]]++;
      indices[q] = row;
      values[q] = a.values[p];
    }
  }
  return { rows: a.cols, cols: a.rows, indptr, indices, values };
}

/**
 * The largest number of entries in one row (sizes per-row scratch buffers).
 * @param a - the matrix
 * @returns max over rows of indptr[r+1] − indptr[r]; 0 for no rows
 */
export function maxRowNnz(a: Pick<Csr, 'indptr' | 'rows'>): number {
  let best = 0;
  for (let r = 0; r < a.rows; r++) {
    const d = a.indptr[r + 1] - a.indptr[r];
    if (d > best) best = d;
  }
  return best;
}

/**
 * The CSR offsets of the transpose of `a` without building it: entries per column, as prefix
 * sums (the first pass of {@link transpose}).
 * @param a - the matrix
 * @returns `a.cols + 1` offsets
 */
export function columnOffsets(a: Csr): Int32Array {
  const nnz = a.indptr[a.rows];
  const out = new Int32Array(a.cols + 1);
  for (let p = 0; p < nnz; p++) out[a.indices[p] + 1]++;
  for (let c = 0; c < a.cols; c++) out[c + 1] += out[c];
  return out;
}

/**
 * The rating matrix of parsed interactions: CSR by user (sorted item indices) and CSR by item
 * (the transpose), repeated (user, item) pairs merged.
 *
 * @remarks
 * `duplicates: 'last'` keeps the last entry **in input order** (not the one with the latest
 * timestamp); `timestamps`, when the data has them, holds the latest timestamp of each pair.
 * Event weights apply per entry before merging, so `sum` gives Σ weight[event] × value.
 *
 * @param data - parsed interactions
 * @param opts - duplicate policy, event weights, dropping zeros
 * @returns both orientations, `nnz` and `duplicatesMerged`
 * @throws AlsError `BAD_OPTION` for an unknown `duplicates`, a non-finite weight, `eventWeights`
 *   without an event column, or `eventWeights` lacking an event that occurs (named)
 * @example
 * const data = parseText('user,item,event\nann,tea,view\nann,tea,purchase\n');
 * const m = buildMatrix(data, { duplicates: 'sum', eventWeights: { view: 1, purchase: 10 } });
 * m.byUser.values; // Float64Array [11]
 */
export function buildMatrix(data: Interactions, opts: BuildMatrixOptions = {}): RatingMatrix {
  checkOptions(opts, BUILD_MATRIX_OPTION_NAMES);
  const duplicates = opts.duplicates ?? 'sum';
  checkDuplicatePolicy(duplicates);
  if (opts.dropZeros !== undefined && typeof opts.dropZeros !== 'boolean') throw badOption('dropZeros', opts.dropZeros, 'true or false');
  const n = data.length;
  let values = data.value.subarray(0, n);
  const weights = opts.eventWeights;
  if (weights !== undefined) {
    if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) throw badOption('eventWeights', weights, 'an object mapping event names to finite weights');
    if (!data.event || !data.events) throw badOption('eventWeights', Object.keys(weights), `used only with data that has an event column (${data.source} has none)`);
    const w = new Float64Array(data.events.size);
    for (let e = 0; e < data.events.size; e++) {
      const name = String(data.events.id(e));
      const x = Object.prototype.hasOwnProperty.call(weights, name) ? weights[name] : undefined;
      if (x === undefined) throw badOption('eventWeights', Object.keys(weights), `an object with a weight for every event in the data (missing "${name}")`);
      if (typeof x !== 'number' || !Number.isFinite(x)) throw badOption(`eventWeights.${name}`, x, 'a finite number');
      w[e] = x;
    }
    const ev = data.event;
    values = new Float64Array(n);
    for (let j = 0; j < n; j++) values[j] = w[ev[j]] * data.value[j];
  }
  const { merged, timestamps, ...byUser } = csrFromTriplets(
    data.users.size,
    data.items.size,
    data.user.subarray(0, n),
    data.item.subarray(0, n),
    values,
    duplicates,
    data.timestamp?.subarray(0, n),
    opts.dropZeros ?? false,
  );
  // The item orientation is built on first use: training transposes its own WASM copy instead.
  let byItem: Csr | undefined;
  return {
    byUser,
    get byItem(): Csr {
      return (byItem ??= transpose(byUser));
    },
    nnz: byUser.indptr[byUser.rows],
    duplicatesMerged: merged,
    timestamps,
  };
}
