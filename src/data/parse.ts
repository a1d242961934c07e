import { AlsError, badOption, throwIfAborted } from '../errors.js';
import { createIdMap } from './id-map.js';
import type { Id, IdMap, InteractionRecord, Interactions, SkippedRows } from './types.js';

/** Text formats the parser knows; `auto` detects from the first lines. */
export type TextFormat = 'auto' | 'csv' | 'tsv' | 'whitespace' | 'movielens-dat';

/** Which field holds which role: a 0-based index or a header name. */
export interface ColumnSpec {
  /** User id column. */
  user: number | string;
  /** Item id column. */
  item: number | string;
  /** Value (rating, count) column. */
  value?: number | string;
  /** Timestamp column (numbers, or dates that `Date.parse` reads; stored as seconds). */
  timestamp?: number | string;
  /** Event-type column (text such as view / basket / purchase). */
  event?: number | string;
}

/** Progress of parsing. */
export interface ParseProgress {
  /** Always `parse`. */
  stage: 'parse';
  /** Data rows read so far. */
  rows: number;
  /** Bytes (or characters, for string chunks) consumed so far. */
  bytesRead: number;
  /** Total bytes, when known. */
  bytesTotal?: number;
}

/** Options of the parsers. */
export interface ParseOptions {
  /** Format; default `auto`. */
  format?: TextFormat;
  /** Field delimiter, overriding the format's. */
  delimiter?: string;
  /** Whether the first line is a header; default `auto`. */
  header?: boolean | 'auto';
  /** Column roles; default from header names, else positional (user, item, value, timestamp). */
  columns?: ColumnSpec;
  /** A bad row throws (`error`, default) or is counted in `skipped` (`skip`). */
  onBadRow?: 'error' | 'skip';
  /** Name of the source for messages (file name). Default `"input"`. */
  source?: string;
  /** Progress callback (once per chunk). */
  onProgress?: (p: ParseProgress) => void;
  /** Total size in bytes, for progress. */
  bytesTotal?: number;
  /** Cancels between chunks. */
  signal?: AbortSignal;
}

const SYNONYMS: Record<keyof ColumnSpec, string[]> = {
  user: ['user', 'userid', 'user_id', 'user id', 'visitorid', 'visitor_id', 'customer', 'customerid', 'customer_id', 'uid'],
  item: ['item', 'itemid', 'item_id', 'item id', 'movieid', 'movie_id', 'movie', 'product', 'productid', 'product_id', 'iid', 'track', 'artist'],
  value: ['rating', 'value', 'score', 'count', 'weight', 'plays', 'quantity', 'strength'],
  timestamp: ['timestamp', 'time', 'ts', 'date', 'datetime'],
  event: ['event', 'action', 'type', 'event_type', 'eventtype', 'interaction'],
};

type Delim = string | 'whitespace';

/** Growable typed column. */
class Column<T extends Int32Array | Float64Array> {
  data: T;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }
  set(j: number, v: number): void {
    if (j >= this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[j] = v;
  }
  take(n: number): T {
    return this.data.slice(0, n) as T;
  }
}

/** Streaming line parser: feed text, get columnar interactions. */
class DelimitedParser {
  private readonly source: string;
  private readonly skipMode: boolean;
  private lineNo = 0;
  private rest = '';
  private started = false;
  private pending: { text: string; line: number }[] = [];
  private delim: Delim = ',';
  private roles: { user: number; item: number; value: number; timestamp: number; event: number } = { user: 0, item: 1, value: -1, timestamp: -1, event: -1 };
  private minFields = 2;
  private readonly fields: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  readonly users: IdMap = createIdMap();
  readonly items: IdMap = createIdMap();
  readonly events: IdMap = createIdMap();
  private readonly user = new Column((n) => new Int32Array(n));
  private readonly item = new Column((n) => new Int32Array(n));
  private readonly value = new Column((n) => new Float64Array(n));
  private readonly timestamp = new Column((n) => new Float64Array(n));
  private readonly event = new Column((n) => new Int32Array(n));
  /** Cached position of the next '"' in `quoteIn` at or after the last search (linear scanning). */
  private quoteIn: string | null = null;
  private quoteAt = -1;
  rows = 0;
  readonly skipped: SkippedRows = { count: 0, examples: [] };

  constructor(private readonly opts: ParseOptions) {
    this.source = opts.source ?? 'input';
    this.skipMode = (opts.onBadRow ?? 'error') === 'skip';
    if (opts.onBadRow !== undefined && opts.onBadRow !== 'error' && opts.onBadRow !== 'skip') throw badOption('onBadRow', opts.onBadRow, '"error" or "skip"');
    const formats: TextFormat[] = ['auto', 'csv', 'tsv', 'whitespace', 'movielens-dat'];
    if (opts.format !== undefined && !formats.includes(opts.format)) throw badOption('format', opts.format, `one of ${formats.map((f) => `"${f}"`).join(', ')}`);
    if (opts.delimiter !== undefined && (typeof opts.delimiter !== 'string' || opts.delimiter.length === 0)) throw badOption('delimiter', opts.delimiter, 'a non-empty string');
  }

  /** Consumes a piece of text; complete lines are parsed now, the tail waits for more. */
  feed(text: string): void {
    let s = this.rest + text;
    if (!this.started && this.lineNo === 0 && this.pending.length === 0 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    let from = 0;
    for (;;) {
      const nl = s.indexOf('\n', from);
      if (nl < 0) break;
      this.line(s, from, nl);
      from = nl + 1;
    }
    this.rest = s.slice(from);
  }

  /** Parses the last line and returns the result. */
  finish(): Interactions {
    if (this.rest.length > 0) {
      const s = this.rest;
      this.rest = '';
      this.line(s, 0, s.length);
    }
    if (!this.started) this.start();
    if (this.rows === 0) {
      throw new AlsError('EMPTY_DATA', `${this.source} has no data rows${this.skipped.count > 0 ? ` (${this.skipped.count} bad rows skipped)` : ''}.`, { source: this.source, skipped: this.skipped.count });
    }
    const n = this.rows;
    const hasEvents = this.roles.event >= 0;
    return {
      length: n,
      users: this.users,
      items: this.items,
      user: this.user.take(n),
      item: this.item.take(n),
      value: this.roles.value >= 0 ? this.value.take(n) : new Float64Array(n).fill(1),
      hasValue: this.roles.value >= 0,
      timestamp: this.roles.timestamp >= 0 ? this.timestamp.take(n) : undefined,
      event: hasEvents ? this.event.take(n) : undefined,
      events: hasEvents ? this.events : undefined,
      skipped: this.skipped,
      source: this.source,
    };
  }

  private line(s: string, from: number, to: number): void {
    this.lineNo++;
    if (to > from && s.charCodeAt(to - 1) === 13) to--; // CRLF
    if (!this.started) {
      if (isBlank(s, from, to)) return;
      this.pending.push({ text: s.slice(from, to), line: this.lineNo });
      if (this.pending.length >= 3) this.start();
      return;
    }
    this.row(s, from, to, this.lineNo);
  }

  /** Detects delimiter, header and columns from the first lines, then parses them. */
  private start(): void {
    this.started = true;
    const lines = this.pending;
    this.pending = [];
    if (lines.length === 0) return;
    const first = lines[0].text;
    this.delim = this.detectDelimiter(first);
    let head: string[];
    try {
      head = this.split(first, 0, first.length);
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      throw new AlsError('PARSE_ERROR', `${this.source} line ${lines[0].line}: ${e.message}.`, { source: this.source, line: lines[0].line, reason: e.message, text: first.slice(0, 200) });
    }
    let second: string[] | null = null;
    try {
      second = lines.length > 1 ? this.split(lines[1].text, 0, lines[1].text.length) : null;
    } catch (e) {
      if (!(e instanceof RowError)) throw e; // reported with its line number when parsed below
    }
    const known = head.map((h) => roleOf(h));
    let header: boolean;
    if (this.opts.header === true || this.opts.header === false) header = this.opts.header;
    else if (this.opts.header !== undefined && this.opts.header !== 'auto') throw badOption('header', this.opts.header, 'true, false or "auto"');
    else header = known.some((r) => r !== null) || (head.length > 2 && !isNumeric(head[2]) && second !== null && second.length > 2 && isNumeric(second[2]) && typeof this.opts.columns?.value !== 'string');
    this.resolveColumns(header ? head : null, header ? second : head);
    for (const l of header ? lines.slice(1) : lines) this.row(l.text, 0, l.text.length, l.line);
  }

  private detectDelimiter(first: string): Delim {
    if (this.opts.delimiter) return this.opts.delimiter === ' ' ? 'whitespace' : this.opts.delimiter;
    switch (this.opts.format) {
      case 'csv':
        return ',';
      case 'tsv':
        return '\t';
      case 'whitespace':
        return 'whitespace';
      case 'movielens-dat':
        return '::';
    }
    if (first.includes('::')) return '::';
    if (first.includes('\t')) return '\t';
    if (first.includes(',')) return ',';
    if (first.includes(';')) return ';';
    if (first.includes('|')) return '|';
    if (/\S\s+\S/.test(first)) return 'whitespace';
    throw new AlsError('PARSE_ERROR', `${this.source} line 1: cannot tell the delimiter (expected at least a user and an item column).`, { source: this.source, line: 1, reason: 'no delimiter', text: first.slice(0, 200) });
  }

  private resolveColumns(header: string[] | null, sample: string[] | null): void {
    const spec = this.opts.columns;
    const find = (v: number | string | undefined, role: string): number => {
      if (v === undefined) return -1;
      if (typeof v === 'number') {
        if (!Number.isInteger(v) || v < 0) throw badOption(`columns.${role}`, v, 'a column index ≥ 0 or a header name');
        return v;
      }
      const at = header ? header.findIndex((h) => h.trim().toLowerCase() === v.trim().toLowerCase()) : -1;
      if (at < 0) throw badOption(`columns.${role}`, v, header ? `one of the header names ${header.map((h) => JSON.stringify(h)).join(', ')}` : 'a column index (the file has no header)');
      return at;
    };
    if (spec) {
      this.roles = { user: find(spec.user, 'user'), item: find(spec.item, 'item'), value: find(spec.value, 'value'), timestamp: find(spec.timestamp, 'timestamp'), event: find(spec.event, 'event') };
      if (this.roles.user < 0 || this.roles.item < 0) throw badOption('columns', spec, 'an object naming at least the user and item columns');
    } else if (header) {
      const pick = (role: keyof ColumnSpec) => header.findIndex((h) => roleOf(h) === role);
      this.roles = { user: pick('user'), item: pick('item'), value: pick('value'), timestamp: pick('timestamp'), event: pick('event') };
      // Unrecognised header names fall back to positions for user and item.
      if (this.roles.user < 0) this.roles.user = 0;
      if (this.roles.item < 0) this.roles.item = this.roles.user === 1 ? 0 : 1;
      // An unrecognised third / fourth column holding numbers is the value / timestamp.
      const used = new Set(Object.values(this.roles).filter((v) => v >= 0));
      if (this.roles.value < 0 && header.length > 2 && !used.has(2) && sample && sample.length > 2 && isNumeric(sample[2])) this.roles.value = 2;
      if (this.roles.timestamp < 0 && header.length > 3 && !used.has(3) && this.roles.value === 2 && sample && sample.length > 3 && isNumeric(sample[3])) this.roles.timestamp = 3;
    } else {
      const third = sample && sample.length > 2 ? sample[2] : undefined;
      const fourth = sample && sample.length > 3 ? sample[3] : undefined;
      this.roles = { user: 0, item: 1, value: -1, timestamp: -1, event: -1 };
      if (third !== undefined) {
        if (isNumeric(third)) this.roles.value = 2;
        else this.roles.event = 2;
      }
      if (fourth !== undefined && isNumeric(fourth)) {
        if (this.roles.value >= 0) this.roles.timestamp = 3;
        else this.roles.value = 3;
      }
    }
    this.minFields = Math.max(this.roles.user, this.roles.item, this.roles.value, this.roles.timestamp, this.roles.event) + 1;
  }

  /** Splits a line into trimmed fields (quote-aware for character delimiters). */
  private split(s: string, from: number, to: number): string[] {
    this.fieldBounds(s, from, to);
    const out: string[] = [];
    for (let j = 0; j < this.starts.length; j++) out.push(this.fieldText(s, j));
    return out;
  }

  /** Fills starts/ends with field boundaries; quoted fields are unquoted into `fields`. */
  private fieldBounds(s: string, from: number, to: number): void {
    const starts = this.starts;
    const ends = this.ends;
    starts.length = 0;
    ends.length = 0;
    this.fields.length = 0;
    const d = this.delim;
    if (d === 'whitespace') {
      let j = from;
      for (;;) {
        while (j < to && isSpace(s.charCodeAt(j))) j++;
        if (j >= to) break;
        const a = j;
        while (j < to && !isSpace(s.charCodeAt(j))) j++;
        starts.push(a);
        ends.push(j);
      }
      return;
    }
    if (this.quoteIn !== s || (this.quoteAt >= 0 && this.quoteAt < from)) {
      this.quoteIn = s;
      this.quoteAt = s.indexOf('"', from);
    }
    const quoted = this.quoteAt;
    if (quoted < 0 || quoted >= to) {
      let a = from;
      for (;;) {
        const b = s.indexOf(d, a);
        if (b < 0 || b >= to) {
          starts.push(a);
          ends.push(to);
          return;
        }
        starts.push(a);
        ends.push(b);
        a = b + d.length;
      }
    }
    // RFC 4180: a field may be quoted; "" inside quotes is one quote.
    let j = from;
    for (;;) {
      while (j < to && s.charCodeAt(j) === 32) j++;
      if (j < to && s.charCodeAt(j) === 34) {
        let text = '';
        let k = j + 1;
        for (;;) {
          const q = s.indexOf('"', k);
          if (q < 0 || q >= to) throw new RowError('unterminated quoted field');
          text += s.slice(k, q);
          if (s.charCodeAt(q + 1) === 34 && q + 1 < to) {
            text += '"';
            k = q + 2;
          } else {
            k = q + 1;
            break;
          }
        }
        while (k < to && s.charCodeAt(k) === 32) k++;
        this.fields[starts.length] = text;
        starts.push(-1);
        ends.push(-1);
        if (k >= to) return;
        if (!s.startsWith(d, k)) throw new RowError('text after a closing quote');
        j = k + d.length;
      } else {
        const b = s.indexOf(d, j);
        const e = b < 0 || b >= to ? to : b;
        starts.push(j);
        ends.push(e);
        if (e === to) return;
        j = e + d.length;
      }
    }
  }

  private fieldText(s: string, j: number): string {
    if (this.starts[j] < 0) return this.fields[j];
    let a = this.starts[j];
    let b = this.ends[j];
    while (a < b && isSpace(s.charCodeAt(a))) a++;
    while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
    return s.slice(a, b);
  }

  private fieldNumber(s: string, j: number): number {
    if (this.starts[j] < 0) return strictNumber(this.fields[j]);
    return fastNumber(s, this.starts[j], this.ends[j]);
  }

  private row(s: string, from: number, to: number, line: number): void {
    if (isBlank(s, from, to)) return;
    try {
      this.fieldBounds(s, from, to);
      if (this.starts.length < this.minFields) throw new RowError(`expected at least ${this.minFields} fields, found ${this.starts.length}`);
      const r = this.roles;
      const user = this.fieldText(s, r.user);
      if (user.length === 0) throw new RowError('empty user id');
      const item = this.fieldText(s, r.item);
      if (item.length === 0) throw new RowError('empty item id');
      let value = 1;
      if (r.value >= 0) {
        value = this.fieldNumber(s, r.value);
        if (!Number.isFinite(value)) {
          const text = this.fieldText(s, r.value);
          throw new RowError(Number.isNaN(value) && !/^[+-]?nan$/i.test(text) ? `value ${JSON.stringify(text)} is not a number` : `value ${JSON.stringify(text)} is not finite`);
        }
      }
      let ts = 0;
      if (r.timestamp >= 0) {
        ts = this.fieldNumber(s, r.timestamp);
        if (!Number.isFinite(ts)) {
          const text = this.fieldText(s, r.timestamp);
          const ms = Date.parse(text);
          if (!Number.isFinite(ms)) throw new RowError(`timestamp ${JSON.stringify(text)} is neither a number nor a date`);
          ts = ms / 1000;
        }
      }
      let ev = -1;
      if (r.event >= 0) {
        const e = this.fieldText(s, r.event);
        if (e.length === 0) throw new RowError('empty event type');
        ev = this.events.intern(e);
      }
      const j = this.rows;
      this.user.set(j, this.users.intern(user));
      this.item.set(j, this.items.intern(item));
      this.value.set(j, value);
      if (r.timestamp >= 0) this.timestamp.set(j, ts);
      if (ev >= 0) this.event.set(j, ev);
      this.rows++;
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      const text = s.slice(from, Math.min(to, from + 200));
      if (this.skipMode) {
        this.skipped.count++;
        if (this.skipped.examples.length < 10) this.skipped.examples.push({ line, reason: e.message });
        return;
      }
      throw new AlsError('PARSE_ERROR', `${this.source} line ${line}: ${e.message}.`, { source: this.source, line, reason: e.message, text });
    }
  }
}

/** A reason a row cannot be read (turned into a PARSE_ERROR with the line number). */
class RowError extends Error {}

function roleOf(name: string): keyof ColumnSpec | null {
  const n = name.trim().toLowerCase();
  for (const role of Object.keys(SYNONYMS) as (keyof ColumnSpec)[]) if (SYNONYMS[role].includes(n)) return role;
  return null;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

function isBlank(s: string, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (!isSpace(s.charCodeAt(j))) return false;
  return true;
}

function isNumeric(t: string): boolean {
  return t.trim() !== '' && Number.isFinite(Number(t));
}

/** Number() of a trimmed field, NaN for empty text (Number('') would be 0). */
function strictNumber(t: string): number {
  const u = t.trim();
  return u === '' ? NaN : Number(u);
}

/** Parses s[from, to) as a number: a fast path for [+-]digits[.digits], else Number(). */
function fastNumber(s: string, from: number, to: number): number {
  while (from < to && isSpace(s.charCodeAt(from))) from++;
  while (to > from && isSpace(s.charCodeAt(to - 1))) to--;
  if (from === to) return NaN;
  let j = from;
  let neg = false;
  const c0 = s.charCodeAt(j);
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    j++;
  }
  let v = 0;
  let digits = 0;
  for (; j < to; j++) {
    const c = s.charCodeAt(j) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    digits++;
  }
  if (j < to && s.charCodeAt(j) === 46) {
    j++;
    let scale = 1;
    let frac = 0;
    let fd = 0;
    for (; j < to; j++) {
      const c = s.charCodeAt(j) - 48;
      if (c < 0 || c > 9) break;
      frac = frac * 10 + c;
      scale *= 10;
      fd++;
    }
    digits += fd;
    // Beyond 15 digits the fast path could round differently from Number(): defer.
    if (j === to && digits > 0 && digits <= 15) return (neg ? -1 : 1) * (v + frac / scale);
    return Number(s.slice(from, to));
  }
  if (j === to && digits > 0 && digits <= 15) return neg ? -v : v;
  return Number(s.slice(from, to));
}

/**
 * Parses delimited text (CSV with or without header, TSV, whitespace, MovieLens `u.data`,
 * `ratings.dat`, `ratings.csv`; auto-detected) into columnar interactions.
 *
 * @param text - the whole file
 * @param opts - format, columns, bad-row policy, source name
 * @returns interactions in input order, ids mapped to dense indices
 * @throws AlsError `PARSE_ERROR` naming the source and 1-based line; `EMPTY_DATA`; `BAD_OPTION`
 * @example
 * parseText('userId,movieId,rating\n1,31,2.5\n1,1029,3\n', { source: 'ratings.csv' }).length // 2
 */
export function parseText(text: string, opts: ParseOptions = {}): Interactions {
  const p = new DelimitedParser(opts);
  p.feed(text);
  const out = p.finish();
  opts.onProgress?.({ stage: 'parse', rows: out.length, bytesRead: text.length, bytesTotal: opts.bytesTotal ?? text.length });
  return out;
}

/** Chunks of text or bytes, from any stream-like source. */
export type ChunkSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | ReadableStream<Uint8Array>;

/**
 * Parses delimited text arriving in chunks (a file stream, a fetch body, a Blob's stream):
 * lines and multi-byte UTF-8 characters split across chunks are handled; progress is
 * reported per chunk; the signal is checked between chunks.
 * @throws the same errors as {@link parseText}, and `AbortError`
 */
export async function parseChunks(chunks: ChunkSource, opts: ParseOptions = {}): Promise<Interactions> {
  const p = new DelimitedParser(opts);
  const decoder = new TextDecoder('utf-8');
  let bytesRead = 0;
  const take = (chunk: Uint8Array | string) => {
    throwIfAborted(opts.signal);
    if (typeof chunk === 'string') {
      bytesRead += chunk.length;
      p.feed(chunk);
    } else {
      bytesRead += chunk.byteLength;
      p.feed(decoder.decode(chunk, { stream: true }));
    }
    opts.onProgress?.({ stage: 'parse', rows: p.rows, bytesRead, bytesTotal: opts.bytesTotal });
  };
  if (isReadableStream(chunks)) {
    const reader = chunks.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        take(value);
      }
    } finally {
      reader.releaseLock();
    }
  } else if (Symbol.asyncIterator in chunks) {
    for await (const c of chunks as AsyncIterable<Uint8Array | string>) take(c);
  } else {
    for (const c of chunks as Iterable<Uint8Array | string>) take(c);
  }
  p.feed(decoder.decode());
  return p.finish();
}

function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof x === 'object' && x !== null && typeof (x as ReadableStream).getReader === 'function';
}

/**
 * Builds interactions from records `{ user, item, value?, timestamp?, event? }`, validating
 * each one (the error names the record's 0-based index).
 * @throws AlsError `PARSE_ERROR` for an invalid record (or counts it with `onBadRow: 'skip'`), `EMPTY_DATA`
 */
export async function fromRecords(records: Iterable<InteractionRecord> | AsyncIterable<InteractionRecord>, opts: Pick<ParseOptions, 'onBadRow' | 'source' | 'signal'> = {}): Promise<Interactions> {
  const source = opts.source ?? 'records';
  const skip = opts.onBadRow === 'skip';
  const users = createIdMap();
  const items = createIdMap();
  const events = createIdMap();
  const user = new Column((n) => new Int32Array(n));
  const item = new Column((n) => new Int32Array(n));
  const value = new Column((n) => new Float64Array(n));
  const timestamp = new Column((n) => new Float64Array(n));
  const event = new Column((n) => new Int32Array(n));
  let hasValue = false;
  let hasTimestamp = false;
  let hasEvent = false;
  let n = 0;
  let index = 0;
  const skipped: SkippedRows = { count: 0, examples: [] };
  const checkId = (v: unknown, what: string): Id => {
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    throw new RowError(`${what} must be a non-empty string or a finite number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  };
  const take = (r: InteractionRecord) => {
    try {
      if (typeof r !== 'object' || r === null) throw new RowError('not an object');
      const u = checkId(r.user, 'user');
      const i = checkId(r.item, 'item');
      if (r.value !== undefined && (typeof r.value !== 'number' || !Number.isFinite(r.value))) throw new RowError(`value must be a finite number, got ${JSON.stringify(r.value) ?? String(r.value)}`);
      if (r.timestamp !== undefined && (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp))) throw new RowError(`timestamp must be a finite number, got ${JSON.stringify(r.timestamp) ?? String(r.timestamp)}`);
      if (r.event !== undefined && (typeof r.event !== 'string' || r.event.length === 0)) throw new RowError('event must be a non-empty string');
      if ((r.event !== undefined) !== hasEvent && n > 0) throw new RowError(hasEvent ? 'event missing (earlier records have one)' : 'event given but earlier records have none');
      hasEvent = r.event !== undefined;
      user.set(n, users.intern(u));
      item.set(n, items.intern(i));
      value.set(n, r.value ?? 1);
      timestamp.set(n, r.timestamp ?? NaN);
      if (r.event !== undefined) event.set(n, events.intern(r.event));
      hasValue ||= r.value !== undefined;
      hasTimestamp ||= r.timestamp !== undefined;
      n++;
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      if (skip) {
        skipped.count++;
        if (skipped.examples.length < 10) skipped.examples.push({ line: index + 1, reason: e.message });
        return;
      }
      throw new AlsError('PARSE_ERROR', `${source} record ${index}: ${e.message}.`, { source, record: index, line: index + 1, reason: e.message });
    } finally {
      index++;
    }
  };
  if (Symbol.asyncIterator in records) {
    for await (const r of records as AsyncIterable<InteractionRecord>) {
      take(r);
      if ((index & 0xffff) === 0) throwIfAborted(opts.signal);
    }
  } else {
    for (const r of records as Iterable<InteractionRecord>) take(r);
  }
  if (n === 0) throw new AlsError('EMPTY_DATA', `${source} has no records${skipped.count > 0 ? ` (${skipped.count} bad ones skipped)` : ''}.`, { source, skipped: skipped.count });
  const ts = timestamp.take(n);
  if (hasTimestamp) {
    for (let j = 0; j < n; j++) {
      if (Number.isNaN(ts[j])) throw new AlsError('PARSE_ERROR', `${source} record ${j}: timestamp missing (other records have one).`, { source, record: j, line: j + 1, reason: 'timestamp missing' });
    }
  }
  return {
    length: n,
    users,
    items,
    user: user.take(n),
    item: item.take(n),
    value: value.take(n),
    hasValue,
    timestamp: hasTimestamp ? ts : undefined,
    event: hasEvent ? event.take(n) : undefined,
    events: hasEvent ? events : undefined,
    skipped,
    source,
  };
}

/** Anything {@link loadInteractions} reads. */
export type InteractionSource = string | Blob | ReadableStream<Uint8Array> | Iterable<InteractionRecord> | AsyncIterable<InteractionRecord>;

/**
 * Reads interactions from any source: text (parsed), a `Blob`/`File` or byte stream (parsed
 * while streaming, with progress), or records.
 * @example
 * const data = await loadInteractions(fileInput.files[0], { onProgress: (p) => bar.value = p.bytesRead / p.bytesTotal });
 */
export async function loadInteractions(source: InteractionSource, opts: ParseOptions = {}): Promise<Interactions> {
  if (typeof source === 'string') return parseText(source, { source: 'string', ...opts });
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = (source as Blob & { name?: string }).name;
    return parseChunks(source.stream(), { source: name || 'blob', bytesTotal: source.size, ...opts });
  }
  if (isReadableStream(source)) return parseChunks(source, { source: 'stream', ...opts });
  if (typeof source === 'object' && source !== null && (Symbol.iterator in source || Symbol.asyncIterator in source)) {
    return fromRecords(source as Iterable<InteractionRecord>, opts);
  }
  throw badOption('source', typeof source, 'a string, a Blob/File, a ReadableStream or an iterable of records');
}
