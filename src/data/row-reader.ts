/**
 * One data line → one interaction's fields: splits the line by the detected layout, checks the
 * field count, interns the ids and converts value, timestamp and event. A bad field is a
 * {@link RowError} naming what is wrong; the parser turns it into an error or a counted skip.
 */
import type { Layout } from './detect.js';
import { FieldSplitter, numberProblem, parseNumber } from './fields.js';
import type { DenseIdMap } from './id-map.js';
import { RowError } from './parse-options.js';

/** Reads the fields of data lines of one layout; `read` fills `user`, `item`, `value`, `timestamp` and `event`. */
export class RowReader {
  /** Dense user index of the last row read. */
  user = 0;
  /** Dense item index of the last row read. */
  item = 0;
  /** Value of the last row read (1 without a value column). */
  value = 1;
  /** Timestamp of the last row read, in seconds (0 without a timestamp column). */
  timestamp = 0;
  /** Dense event index of the last row read (-1 without an event column). */
  event = -1;
  private readonly splitter: FieldSplitter;

  /**
   * @param layout - the detected delimiter, header, roles, field counts and decimal mark
   * @param users - user ids → dense indices (grown here)
   * @param items - item ids → dense indices (grown here)
   * @param events - event types → dense indices (grown here)
   */
  constructor(
    private readonly layout: Layout,
    private readonly users: DenseIdMap,
    private readonly items: DenseIdMap,
    private readonly events: DenseIdMap,
  ) {
    this.splitter = new FieldSplitter(layout.delimiter);
  }

  /**
   * Reads the non-blank line `s[from, to)` (no line break, no NUL, no CR).
   * @throws RowError naming the first bad field (ids interned before it stay interned)
   */
  read(s: string, from: number, to: number): void {
    const { roles: r, minFields, width } = this.layout;
    const f = this.splitter;
    const n = f.split(s, from, to, width + 1);
    if (n < minFields) throw new RowError(`expected at least ${minFields} fields, found ${n}`);
    if (n > width && !this.onlyEmptyAfter(s, from, to, width)) throw new RowError(this.layout.header ? `more fields than the header has (${width}): quote a field that holds the delimiter (a decimal comma in a comma-separated file needs quotes), or fix the header` : `more fields than the other rows have (${width}): every row needs the same columns from the first data row on; quote a field that holds the delimiter`);
    const user = this.id(s, r.user, this.users, 'user');
    const item = this.id(s, r.item, this.items, 'item');
    let value = 1;
    if (r.value >= 0) {
      value = this.number(s, r.value);
      if (!Number.isFinite(value)) {
        const t = f.text(s, r.value);
        throw new RowError(t === '' ? 'empty value' : `value ${JSON.stringify(t)} ${numberProblem(t, this.layout.decimal)}`);
      }
    }
    let ts = 0;
    if (r.timestamp >= 0) {
      ts = this.number(s, r.timestamp);
      if (!Number.isFinite(ts)) {
        const t = f.text(s, r.timestamp);
        const ms = t === '' ? NaN : Date.parse(t);
        if (!Number.isFinite(ms)) throw new RowError(t === '' ? 'empty timestamp' : `timestamp ${JSON.stringify(t)} is neither a number nor a date`);
        ts = ms / 1000;
      }
    }
    let ev = -1;
    if (r.event >= 0) {
      const t = f.text(s, r.event);
      if (t === '') throw new RowError('empty event type');
      ev = this.events.intern(t);
    }
    this.user = user;
    this.item = item;
    this.value = value;
    this.timestamp = ts;
    this.event = ev;
  }

  /**
   * Whether the fields of `s[from, to)` from index `width` on are all empty (a trailing
   * delimiter such as `1,2,3,`: nothing would be lost). Re-splits the line; only wide rows get here.
   */
  private onlyEmptyAfter(s: string, from: number, to: number, width: number): boolean {
    const f = this.splitter;
    const n = f.split(s, from, to, 1 << 16);
    for (let k = width; k < n; k++) if (f.starts[k] < 0 || f.starts[k] !== f.ends[k]) return false;
    return true;
  }

  /** Interns the id in field k (digit spans without allocating). */
  private id(s: string, k: number, map: DenseIdMap, role: string): number {
    const f = this.splitter;
    const a = f.starts[k];
    if (a < 0) {
      const t = f.quoted[k];
      if (t === '') throw new RowError(`empty ${role} id`);
      return map.intern(t);
    }
    if (a === f.ends[k]) throw new RowError(`empty ${role} id`);
    return map.internSpan(s, a, f.ends[k]);
  }

  /** The number in field k (quoted or not) with the layout's decimal mark; NaN when it is not one. */
  private number(s: string, k: number): number {
    const f = this.splitter;
    const a = f.starts[k];
    const point = this.layout.decimal;
    return a < 0 ? parseNumber(f.quoted[k], 0, f.quoted[k].length, point) : parseNumber(s, a, f.ends[k], point);
  }
}
