/**
 * Shared data shapes: parsed interactions (columnar, one entry per input row) and the sparse
 * matrices training works on.
 */

/** A user or item identifier as given by the caller: text sources always yield strings. */
export type Id = string | number;

/**
 * A two-way map between caller ids and dense indices 0..size-1. Lookups accept a number or
 * its decimal string equivalently (`196` and `"196"` are the same id); `id(i)` returns the id
 * as it was first seen.
 */
export interface IdMap {
  /** Number of distinct ids. */
  readonly size: number;
  /** Dense index of `id`, or `undefined` if unknown. */
  index(id: Id): number | undefined;
  /** Dense index of `id`, adding it if new. */
  intern(id: Id): number;
  /** The id at dense index `i`. */
  id(i: number): Id;
  /** All ids in index order. */
  ids(): Id[];
}

/** One interaction as an object, for iterable sources. */
export interface InteractionRecord {
  /** User id. */
  user: Id;
  /** Item id. */
  item: Id;
  /** Rating, count or strength; defaults to 1. */
  value?: number;
  /** Seconds (or any monotone unit) since an epoch. */
  timestamp?: number;
  /** Event type for per-event weights, e.g. "view", "basket", "purchase". */
  event?: string;
}

/** Rows that were skipped (only with `onBadRow: 'skip'`), counted and explained. */
export interface SkippedRows {
  /** How many input rows were skipped. */
  count: number;
  /** The first few, with their line number (1-based) and reason. */
  examples: { line: number; reason: string }[];
}

/**
 * Parsed interactions, columnar, in input order (duplicates not merged yet). Entry j is
 * (user[j], item[j], value[j]) with optional timestamp[j] and event[j].
 */
export interface Interactions {
  /** Number of entries. */
  length: number;
  /** User ids ↔ dense indices. */
  users: IdMap;
  /** Item ids ↔ dense indices. */
  items: IdMap;
  /** Dense user index per entry. */
  user: Int32Array;
  /** Dense item index per entry. */
  item: Int32Array;
  /** Value per entry (1 where the source had no value column). */
  value: Float64Array;
  /** Whether the source had a value column. */
  hasValue: boolean;
  /** Timestamp per entry, when the source had one. */
  timestamp?: Float64Array;
  /** Event-type index per entry (into `events`), when the source had an event column. */
  event?: Int32Array;
  /** Event type names ↔ indices, when the source had an event column. */
  events?: IdMap;
  /** Rows skipped while parsing (never silently: always counted here). */
  skipped: SkippedRows;
  /** Where the data came from (file name or "string"), for messages. */
  source: string;
  /**
   * `'latin1'` when byte input had no BOM and was not valid UTF-8, so it was read as Latin-1
   * (windows-1252) rather than with U+FFFD in place of letters; absent otherwise.
   */
  encoding?: 'latin1';
}

/** Compressed sparse rows: row r's entries are indptr[r] .. indptr[r+1]-1, column indices sorted. */
export interface Csr {
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
  /** rows+1 offsets. */
  indptr: Int32Array;
  /** Column index per entry, ascending within a row. */
  indices: Int32Array;
  /** Value per entry. */
  values: Float64Array;
}

/** The rating matrix in both orientations (CSR by user, CSC by item as the CSR of the transpose). */
export interface RatingMatrix {
  /** users × items. */
  byUser: Csr;
  /** items × users (the transpose); `buildMatrix` builds it on first access (training does not need it). */
  byItem: Csr;
  /** Stored entries after merging duplicates. */
  nnz: number;
  /** How many input entries were merged into an existing pair. */
  duplicatesMerged: number;
  /** Per stored entry in byUser order, the latest timestamp of the pair (when known). */
  timestamps?: Float64Array;
}
