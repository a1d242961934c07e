/**
 * The parser's growing output columns (user, item, value, timestamp, event) in typed arrays:
 * grown by doubling up to {@link BLOCK} rows, then in blocks that are never copied until one
 * final concatenation per column, so no per-row objects and no large copies on the hot path.
 */

/**
 * Rows per column block once the columns are this large: past it the parser adds blocks instead
 * of doubling, so 20 M rows never hold a 2^25-row copy next to a 2^24-row one.
 */
const BLOCK = 1 << 20;

/** The finished columns of {@link InteractionColumns.take}, `rows` entries each. */
export interface ColumnArrays {
  /** Dense user index per row. */
  user: Int32Array;
  /** Dense item index per row. */
  item: Int32Array;
  /** Value per row (all 1 without a value column). */
  value: Float64Array;
  /** Timestamp per row (seconds), with a timestamp column. */
  timestamp: Float64Array | undefined;
  /** Dense event index per row, with an event column. */
  event: Int32Array | undefined;
}

/** Columns of interactions appended one row at a time: `open`, then `push` per row, then `take` once. */
export class InteractionColumns {
  /** Rows stored so far. */
  rows = 0;
  private hasValue = false;
  private hasTimestamp = false;
  private hasEvent = false;
  private cap = 1024;
  /** Rows stored in full blocks before the current arrays. */
  private base = 0;
  /** Full blocks of each column, oldest first (`BLOCK` rows each). */
  private readonly blocks: { user: Int32Array[]; item: Int32Array[]; value: Float64Array[]; timestamp: Float64Array[]; event: Int32Array[] } = { user: [], item: [], value: [], timestamp: [], event: [] };
  private user = new Int32Array(this.cap);
  private item = new Int32Array(this.cap);
  private value = new Float64Array(0);
  private timestamp = new Float64Array(0);
  private event = new Int32Array(0);

  /**
   * Allocates the optional columns the layout has (before the first row).
   * @param has - which of value, timestamp and event are stored
   */
  open(has: { value: boolean; timestamp: boolean; event: boolean }): void {
    this.hasValue = has.value;
    this.hasTimestamp = has.timestamp;
    this.hasEvent = has.event;
    if (has.value) this.value = new Float64Array(this.cap);
    if (has.timestamp) this.timestamp = new Float64Array(this.cap);
    if (has.event) this.event = new Int32Array(this.cap);
  }

  /** Appends one row; the optional fields are stored only in the columns that were opened. */
  push(user: number, item: number, value: number, timestamp: number, event: number): void {
    let j = this.rows - this.base;
    if (j === this.cap) j = this.grow();
    this.user[j] = user;
    this.item[j] = item;
    if (this.hasValue) this.value[j] = value;
    if (this.hasTimestamp) this.timestamp[j] = timestamp;
    if (event >= 0) this.event[j] = event;
    this.rows++;
  }

  /**
   * The stored rows as one array per column, joined once; the columns are emptied as they go.
   * @returns the columns; `value` is all 1 and `timestamp`/`event` are undefined where not opened
   */
  take(): ColumnArrays {
    const n = this.rows;
    const b = this.blocks;
    // One column at a time, dropping its blocks as soon as it is joined: the peak is the data
    // plus one column, not twice the data.
    const user = this.join(b.user, this.user, (k) => new Int32Array(k));
    this.user = new Int32Array(0);
    const item = this.join(b.item, this.item, (k) => new Int32Array(k));
    this.item = new Int32Array(0);
    const value = this.hasValue ? this.join(b.value, this.value, (k) => new Float64Array(k)) : new Float64Array(n).fill(1);
    this.value = new Float64Array(0);
    const timestamp = this.hasTimestamp ? this.join(b.timestamp, this.timestamp, (k) => new Float64Array(k)) : undefined;
    this.timestamp = new Float64Array(0);
    const event = this.hasEvent ? this.join(b.event, this.event, (k) => new Int32Array(k)) : undefined;
    this.event = new Int32Array(0);
    return { user, item, value, timestamp, event };
  }

  /** Makes room for one more row; returns the index of the next free slot in the current arrays. */
  private grow(): number {
    if (this.cap >= BLOCK) {
      // Full block: keep it as it is and start a new one (no copy).
      const b = this.blocks;
      b.user.push(this.user);
      b.item.push(this.item);
      if (this.value.length > 0) b.value.push(this.value);
      if (this.timestamp.length > 0) b.timestamp.push(this.timestamp);
      if (this.event.length > 0) b.event.push(this.event);
      this.base += this.cap;
      const fresh = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => (a.length === 0 ? a : make(this.cap));
      this.user = new Int32Array(this.cap);
      this.item = new Int32Array(this.cap);
      this.value = fresh(this.value, (n) => new Float64Array(n));
      this.timestamp = fresh(this.timestamp, (n) => new Float64Array(n));
      this.event = fresh(this.event, (n) => new Int32Array(n));
      return 0;
    }
    const cap = this.cap * 2;
    const more = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      if (a.length === 0) return a;
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.user = more(this.user, (n) => new Int32Array(n));
    this.item = more(this.item, (n) => new Int32Array(n));
    this.value = more(this.value, (n) => new Float64Array(n));
    this.timestamp = more(this.timestamp, (n) => new Float64Array(n));
    this.event = more(this.event, (n) => new Int32Array(n));
    const j = this.cap;
    this.cap = cap;
    return j;
  }

  /** The first `rows` entries of a column: its full blocks (emptied here) then the current array. */
  private join<T extends Int32Array | Float64Array>(full: T[], current: T, make: (n: number) => T): T {
    const n = this.rows;
    if (full.length === 0) return current.length === n ? current : (current.slice(0, n) as T);
    const out = make(n);
    let at = 0;
    for (const b of full) {
      out.set(b, at);
      at += b.length;
    }
    full.length = 0;
    out.set(current.subarray(0, n - at), at);
    return out;
  }
}
