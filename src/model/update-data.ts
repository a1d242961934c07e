/**
 * The bookkeeping of an incremental update: new interactions appended to a model's stored ones
 * (new users and items get rows at the end), repeated pairs combined by the model's duplicate
 * policy, and the rows that changed. No maths here: see update.ts and update-solve.ts.
 */
import { buildMatrix, csrFromTriplets } from '../data/csr.js';
import { idMapFromIds, type DenseIdMap } from '../data/id-map.js';
import type { Csr, IdMap, Interactions } from '../data/types.js';
import type { ResolvedTrainOptions } from '../train/options.js';

/** What a model keeps that an update extends. */
export interface StoredInteractions {
  /** The options the model was trained with (`duplicates`, `eventWeights` are used). */
  options: ResolvedTrainOptions;
  /** User ids ↔ rows. */
  users: IdMap;
  /** Item ids ↔ rows. */
  items: IdMap;
  /** Aggregated interactions by user (the model's `seen`). */
  seen: Csr;
}

/** The stored interactions after an update, and what changed. */
export interface MergedInteractions {
  /** The model's user ids, then the new ones. */
  users: DenseIdMap;
  /** The model's item ids, then the new ones. */
  items: DenseIdMap;
  /** Aggregated interactions by user, old and new combined. */
  seen: Csr;
  /** Rows of the users that have a new interaction, ascending. */
  touchedUsers: Int32Array;
  /** Rows of the items that have a new interaction, ascending. */
  touchedItems: Int32Array;
  /** (user, item) pairs that were not stored before. */
  pairsAdded: number;
  /** New pairs combined with one already stored (summed, replaced or kept by the larger value). */
  pairsMerged: number;
}

/**
 * Appends `data` to a model's stored interactions. Event weights apply when `data` has an event
 * column (without one the values are taken as strengths, as fold-in takes them); repeated pairs
 * within `data` and with the stored ones combine by `options.duplicates`, the new value last
 * (`sum`: added, `last`: the new one, `max`: the larger) — what training on all the rows would
 * have stored. Rows that did not change are copied, not recomputed.
 * @param stored - the model's options, id maps and interactions
 * @param data - the new interactions
 * @returns the combined interactions and the touched rows
 * @throws AlsError `BAD_OPTION` when `data` has events the model's `eventWeights` lack
 */
export function mergeInteractions(stored: StoredInteractions, data: Interactions): MergedInteractions {
  const { options, seen } = stored;
  const weights = options.eventWeights && data.event ? options.eventWeights : undefined;
  const batch = buildMatrix(data, { duplicates: options.duplicates, ...(weights ? { eventWeights: weights } : {}) }).byUser;
  const users = idMapFromIds(stored.users.ids());
  const items = idMapFromIds(stored.items.ids());
  const m0 = seen.rows;
  const itemRow = new Int32Array(batch.cols);
  for (let b = 0; b < batch.cols; b++) itemRow[b] = items.intern(data.items.id(b));
  // Touched users in ascending row order (new users come after every old one).
  const byRow = new Map<number, number>();
  for (let b = 0; b < batch.rows; b++) if (batch.indptr[b + 1] > batch.indptr[b]) byRow.set(users.intern(data.users.id(b)), b);
  const touchedUsers = Int32Array.from([...byRow.keys()].sort((a, b) => a - b));
  const m = users.size;
  const n = items.size;

  // The touched rows, old entries first and new ones after, merged by the duplicate policy.
  const t = touchedUsers.length;
  let count = 0;
  for (const u of touchedUsers) count += rowLength(seen, u, m0) + rowLength(batch, byRow.get(u)!, batch.rows);
  const r = new Int32Array(count);
  const c = new Int32Array(count);
  const v = new Float64Array(count);
  let o = 0;
  for (let k = 0; k < t; k++) {
    const u = touchedUsers[k];
    for (let j = u < m0 ? seen.indptr[u] : 0, end = u < m0 ? seen.indptr[u + 1] : 0; j < end; j++, o++) {
      r[o] = k;
      c[o] = seen.indices[j];
      v[o] = seen.values[j];
    }
    const b = byRow.get(u)!;
    for (let j = batch.indptr[b]; j < batch.indptr[b + 1]; j++, o++) {
      r[o] = k;
      c[o] = itemRow[batch.indices[j]];
      v[o] = batch.values[j];
    }
  }
  const rows = csrFromTriplets(t, n, r, c, v, options.duplicates);

  // The full matrix: untouched rows copied as they are, touched ones from `rows`.
  const indptr = new Int32Array(m + 1);
  let k = 0;
  for (let u = 0; u < m; u++) {
    const touched = k < t && touchedUsers[k] === u;
    const len = touched ? rows.indptr[k + 1] - rows.indptr[k] : rowLength(seen, u, m0);
    if (touched) k++;
    indptr[u + 1] = indptr[u] + len;
  }
  const indices = new Int32Array(indptr[m]);
  const values = new Float64Array(indptr[m]);
  k = 0;
  let from = 0; // start of a run of untouched old rows, copied in one go
  const copyOld = (until: number) => {
    const end = Math.min(until, m0);
    if (end > from) {
      indices.set(seen.indices.subarray(seen.indptr[from], seen.indptr[end]), indptr[from]);
      values.set(seen.values.subarray(seen.indptr[from], seen.indptr[end]), indptr[from]);
    }
  };
  for (; k < t; k++) {
    const u = touchedUsers[k];
    copyOld(u);
    indices.set(rows.indices.subarray(rows.indptr[k], rows.indptr[k + 1]), indptr[u]);
    values.set(rows.values.subarray(rows.indptr[k], rows.indptr[k + 1]), indptr[u]);
    from = u + 1;
  }
  copyOld(m0);

  const itemSeen = new Uint8Array(n);
  for (let b = 0; b < batch.cols; b++) itemSeen[itemRow[b]] = 1;
  const touchedItems: number[] = [];
  for (let i = 0; i < n; i++) if (itemSeen[i]) touchedItems.push(i);
  // The batch's pairs are distinct, so every merge is with a stored pair.
  const pairsAdded = indptr[m] - seen.indptr[m0];
  return { users, items, seen: { rows: m, cols: n, indptr, indices, values }, touchedUsers, touchedItems: Int32Array.from(touchedItems), pairsAdded, pairsMerged: rows.merged };
}

/**
 * The given rows of a CSR as a compact CSR (row k is `csr`'s row `rows[k]`), for the solves.
 * @param csr - the full matrix
 * @param rows - rows to take
 */
export function takeRows(csr: Csr, rows: Int32Array): Csr {
  const indptr = new Int32Array(rows.length + 1);
  for (let k = 0; k < rows.length; k++) indptr[k + 1] = indptr[k] + csr.indptr[rows[k] + 1] - csr.indptr[rows[k]];
  const indices = new Int32Array(indptr[rows.length]);
  const values = new Float64Array(indptr[rows.length]);
  for (let k = 0; k < rows.length; k++) {
    const a = csr.indptr[rows[k]];
    const b = csr.indptr[rows[k] + 1];
    indices.set(csr.indices.subarray(a, b), indptr[k]);
    values.set(csr.values.subarray(a, b), indptr[k]);
  }
  return { rows: rows.length, cols: csr.cols, indptr, indices, values };
}

/**
 * The given columns of a CSR as the compact CSR of their transpose (row k lists the rows that
 * have column `cols[k]`, ascending, with their values): one pass over the stored entries.
 * @param csr - the full matrix (by user)
 * @param cols - columns to take (items)
 */
export function takeColumns(csr: Csr, cols: Int32Array): Csr {
  const slot = new Int32Array(csr.cols).fill(-1);
  cols.forEach((col, k) => (slot[col] = k));
  const nnz = csr.indptr[csr.rows];
  const indptr = new Int32Array(cols.length + 1);
  for (let j = 0; j < nnz; j++) if (slot[csr.indices[j]] >= 0) indptr[slot[csr.indices[j]] + 1]++;
  for (let k = 0; k < cols.length; k++) indptr[k + 1] += indptr[k];
  const next = indptr.slice(0, cols.length);
  const indices = new Int32Array(indptr[cols.length]);
  const values = new Float64Array(indptr[cols.length]);
  for (let row = 0; row < csr.rows; row++) {
    for (let j = csr.indptr[row]; j < csr.indptr[row + 1]; j++) {
      const k = slot[csr.indices[j]];
      if (k < 0) continue;
      indices[next[k]] = row;
      values[next[k]++] = csr.values[j];
    }
  }
  return { rows: cols.length, cols: csr.rows, indptr, indices, values };
}

/** Entries of row `r` (0 for a row past `rows`: a new user). */
function rowLength(csr: Csr, r: number, rows: number): number {
  return r < rows ? csr.indptr[r + 1] - csr.indptr[r] : 0;
}
