/** Plain reference implementations and small helpers for the data-layer tests. */
import type { Csr, Interactions } from '../../src/data/types.js';

/** Entries of parsed interactions as rows [user, item, value, (timestamp), (event)], ids as given. */
export function rowsOf(d: Interactions): unknown[][] {
  return Array.from({ length: d.length }, (_, j) => {
    const r: unknown[] = [d.users.id(d.user[j]), d.items.id(d.item[j]), d.value[j]];
    if (d.timestamp) r.push(d.timestamp[j]);
    if (d.event) r.push(d.events!.id(d.event[j]));
    return r;
  });
}

/** The same interactions as plain data (for deep equality between two parses). */
export function snapshot(d: Interactions): unknown {
  return {
    length: d.length,
    users: d.users.ids(),
    items: d.items.ids(),
    user: Array.from(d.user),
    item: Array.from(d.item),
    value: Array.from(d.value),
    hasValue: d.hasValue,
    timestamp: d.timestamp && Array.from(d.timestamp),
    event: d.event && Array.from(d.event),
    events: d.events?.ids(),
    skipped: d.skipped,
    source: d.source,
  };
}

/** Error thrown by fn (fails the test if nothing is thrown). */
export function caught(fn: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string; details?: Record<string, unknown> };
  }
  throw new Error('expected an error, none was thrown');
}

/** Async twin of {@link caught}. */
export async function caughtAsync(p: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a rejection, none came');
}

/** Splits bytes at the given cut points (any order, duplicates allowed). */
export function cutBytes(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((p, j) => bytes.subarray(points[j], p));
}

/** A triplet entry [row, col, value, timestamp]. */
export type Entry = [number, number, number, number];

/** Naive reference for merging duplicates: a Map over "row,col" in input order. */
export function naiveMerge(entries: readonly Entry[], dup: 'sum' | 'last' | 'max'): Map<string, { v: number; t: number }> {
  const m = new Map<string, { v: number; t: number }>();
  for (const [r, c, v, t] of entries) {
    const key = `${r},${c}`;
    const prev = m.get(key);
    if (!prev) m.set(key, { v, t });
    else m.set(key, { v: dup === 'sum' ? prev.v + v : dup === 'max' ? Math.max(prev.v, v) : v, t: Math.max(prev.t, t) });
  }
  return m;
}

/** A CSR as a map "row,col" → value, checking on the way that each row's indices strictly ascend. */
export function csrToMap(a: Csr, timestamps?: Float64Array): Map<string, { v: number; t: number }> {
  const m = new Map<string, { v: number; t: number }>();
  if (a.indptr.length !== a.rows + 1 || a.indptr[0] !== 0) throw new Error('bad indptr');
  for (let r = 0; r < a.rows; r++) {
    if (a.indptr[r + 1] < a.indptr[r]) throw new Error(`indptr decreases at row ${r}`);
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      if (p > a.indptr[r] && !(a.indices[p] > a.indices[p - 1])) throw new Error(`row ${r}: indices not strictly ascending`);
      if (!(a.indices[p] >= 0 && a.indices[p] < a.cols)) throw new Error(`row ${r}: index out of range`);
      m.set(`${r},${a.indices[p]}`, { v: a.values[p], t: timestamps ? timestamps[p] : 0 });
    }
  }
  if (a.indices.length !== a.indptr[a.rows] || a.values.length !== a.indptr[a.rows]) throw new Error('array lengths differ from nnz');
  return m;
}
