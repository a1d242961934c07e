/**
 * The delimited-text parser: a push parser over string ranges (so one code path serves a
 * whole string and a stream of chunks), columnar output in typed arrays (grown by doubling up
 * to {@link BLOCK} rows, then in blocks that are never copied until one final concatenation per
 * column), no per-row objects on the hot path.
 */
import { AlsError, throwIfAborted } from '../errors.js';
import { detectLayout, type Layout, type SampleLine } from './detect.js';
import { createDecoder, HEAD_BYTES, sniffEncoding, textProblem, type ChunkDecoder } from './encoding.js';
import { FieldSplitter, numberProblem, parseNumber } from './fields.js';
import { createIdMap, type DenseIdMap } from './id-map.js';
import { badRow, checkParseOptions, emptyData, MAX_LINE_LENGTH, RowError, type ParseOptions } from './parse-options.js';
import type { Interactions, SkippedRows } from './types.js';

/** Lines looked at before deciding the format. */
const SAMPLE_LINES = 8;
/**
 * Rows per column block once the columns are this large: past it the parser adds blocks instead
 * of doubling, so 20 M rows never hold a 2^25-row copy next to a 2^24-row one.
 */
const BLOCK = 1 << 20;
/** Characters of a string parsed between two progress reports. */
const STRING_CHUNK = 1 << 20;
/** Line flag: a '\r' that is not the line's CRLF ending (classic Mac line ends). */
const LONE_CR = 1;
/** Line flag: a NUL character (binary data, or UTF-16 read as UTF-8). */
const NUL = 2;

/** Streaming delimited-text parser: `scan` complete lines, then `finish` with the tail. */
export class DelimitedParser {
  /** Data rows stored so far. */
  rows = 0;
  /** Bad rows skipped so far (with `onBadRow: 'skip'`). */
  readonly skipped: SkippedRows = { count: 0, examples: [] };
  private readonly opts: ParseOptions;
  private readonly source: string;
  private readonly skip: boolean;
  private readonly maxLine: number;
  /** Lines seen so far (1-based number of the last one). */
  private lineNo = 0;
  /**
   * The next '\n', '\r' and NUL at or after the scan position in the current string (its length
   * when there is none; -1 unknown): each is searched for once per occurrence, so scanning a
   * string in ranges (or a line longer than a range) stays linear.
   */
  private nlAt = -1;
  private crAt = -1;
  private nulAt = -1;
  private pending: SampleLine[] | null = [];
  private layout!: Layout;
  private splitter!: FieldSplitter;
  private readonly users: DenseIdMap = createIdMap();
  private readonly items: DenseIdMap = createIdMap();
  private readonly events: DenseIdMap = createIdMap();
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
   * @param opts - parser options, validated here
   * @param defaultSource - the source name when `opts.source` is not given
   * @throws AlsError `BAD_OPTION`
   */
  constructor(opts: ParseOptions, defaultSource: string) {
    checkParseOptions(opts);
    this.opts = opts;
    this.source = opts.source ?? defaultSource;
    this.skip = opts.onBadRow === 'skip';
    this.maxLine = opts.maxLineLength ?? MAX_LINE_LENGTH;
  }

  /**
   * Parses the complete lines of `s[from, to)`.
   * @param same - `s` is the string of the previous call (parsed in ranges): what was found beyond the last range is reused
   * @returns the position after the last line break: the tail from there is an incomplete line
   * @throws AlsError `PARSE_ERROR` for a line longer than `maxLineLength` (also for the incomplete tail)
   */
  scan(s: string, from: number, to: number, same = false): number {
    if (!same) this.nlAt = this.crAt = this.nulAt = -1;
    const max = this.maxLine;
    let p = from;
    for (;;) {
      let nl = this.nlAt;
      if (nl < p) nl = this.nlAt = after(s, '\n', p);
      if (nl >= to) {
        if (to - p > max) this.tooLong(s, p, to);
        return p;
      }
      if (nl - p > max) this.tooLong(s, p, nl);
      let cr = this.crAt;
      if (cr < p) cr = this.crAt = after(s, '\r', p);
      let nul = this.nulAt;
      if (nul < p) nul = this.nulAt = after(s, '\0', p);
      this.line(s, p, nl, (cr < nl - 1 ? LONE_CR : 0) | (nul < nl ? NUL : 0));
      p = nl + 1;
    }
  }

  /**
   * Checks an incomplete line held in pieces by a stream reader.
   * @param length - its length so far
   * @param start - its first piece (for the message)
   * @throws AlsError `PARSE_ERROR` when it is longer than `maxLineLength`
   */
  checkTail(length: number, start: string): void {
    if (length > this.maxLine) this.tooLong(start, 0, start.length);
  }

  /** The error for line `lineNo + 1` (starting at `s[from]`) being longer than the limit; binary input is reported as such. */
  private tooLong(s: string, from: number, to: number): never {
    const line = this.lineNo + 1;
    if (this.pending !== null && this.pending.length === 0) this.refuseIfNotText(s.slice(from, Math.min(to, from + (1 << 16))), line);
    const max = this.maxLine;
    const reason = `the line is longer than ${max} characters (maxLineLength)`;
    throw new AlsError('PARSE_ERROR', `${this.source} line ${line}: ${reason}. Check that this is a text file with one interaction per line, or pass a larger maxLineLength.`, { source: this.source, line, reason, maxLineLength: max, text: s.slice(from, Math.min(to, from + 200)) });
  }

  /** Refuses binary input and UTF-16/32 text decoded as UTF-8 (never ids full of NULs). */
  private refuseIfNotText(text: string, line: number): void {
    const problem = textProblem(text);
    if (problem === null) return;
    throw new AlsError('PARSE_ERROR', `${this.source} line ${line}: ${problem.reason}.`, { source: this.source, line, reason: problem.reason, notText: problem.kind, text: text.slice(0, 200) });
  }

  /**
   * Parses the last line `s[from, to)` (no line break after it) and returns the result.
   * @throws AlsError `EMPTY_DATA` when no row was read
   */
  finish(s: string, from: number, to: number): Interactions {
    if (to > from) {
      if (to - from > this.maxLine) this.tooLong(s, from, to);
      const cr = s.indexOf('\r', from);
      const nul = s.indexOf('\0', from);
      this.line(s, from, to, (cr >= 0 && cr < to - 1 ? LONE_CR : 0) | (nul >= 0 && nul < to ? NUL : 0));
    }
    if (this.pending) this.start();
    if (this.rows === 0) throw emptyData(this.source, this.skipped, 'data rows');
    const n = this.rows;
    const r = this.layout.roles;
    const b = this.blocks;
    // One column at a time, dropping its blocks as soon as it is joined: the peak is the data
    // plus one column, not twice the data.
    const user = this.join(b.user, this.user, (k) => new Int32Array(k));
    this.user = new Int32Array(0);
    const item = this.join(b.item, this.item, (k) => new Int32Array(k));
    this.item = new Int32Array(0);
    const value = r.value >= 0 ? this.join(b.value, this.value, (k) => new Float64Array(k)) : new Float64Array(n).fill(1);
    this.value = new Float64Array(0);
    const timestamp = r.timestamp >= 0 ? this.join(b.timestamp, this.timestamp, (k) => new Float64Array(k)) : undefined;
    this.timestamp = new Float64Array(0);
    const event = r.event >= 0 ? this.join(b.event, this.event, (k) => new Int32Array(k)) : undefined;
    this.event = new Int32Array(0);
    return {
      length: n,
      users: this.users,
      items: this.items,
      user,
      item,
      value,
      hasValue: r.value >= 0,
      timestamp,
      event,
      events: r.event >= 0 ? this.events : undefined,
      skipped: this.skipped,
      source: this.source,
    };
  }

  /** One physical line `s[from, to)`; `flags`: {@link LONE_CR}, {@link NUL}. */
  private line(s: string, from: number, to: number, flags: number): void {
    this.lineNo++;
    if (to > from && s.charCodeAt(to - 1) === 13) to--; // CRLF
    if (this.pending) {
      if (this.lineNo === 1 && s.charCodeAt(from) === 0xfeff) from++; // BOM of a string source
      if (isBlank(s, from, to)) return;
      this.pending.push({ text: s.slice(from, to), line: this.lineNo });
      if (this.pending.length >= SAMPLE_LINES) this.start();
      return;
    }
    this.row(s, from, to, this.lineNo, flags);
  }

  /** Detects the layout from the sample lines, then parses them as rows. */
  private start(): void {
    const sample = this.pending!;
    this.pending = null;
    if (sample.length === 0) {
      this.layout = { delimiter: ',', header: false, roles: { user: 0, item: 1, value: -1, timestamp: -1, event: -1 }, minFields: 2, width: 2, decimal: 46 };
      return;
    }
    let head = '';
    for (const l of sample) if (head.length < 1 << 16) head += l.text + '\n';
    this.refuseIfNotText(head, sample[0].line);
    // Lines with a lone CR are refused row by row; they must not sway detection (glued lines look wider).
    // (The first line always stays: it may be the header, and rows below are counted from it.)
    this.layout = detectLayout(sample.filter((l, j) => j === 0 || !l.text.includes('\r')), this.opts, this.source);
    this.splitter = new FieldSplitter(this.layout.delimiter);
    const r = this.layout.roles;
    if (r.value >= 0) this.value = new Float64Array(this.cap);
    if (r.timestamp >= 0) this.timestamp = new Float64Array(this.cap);
    if (r.event >= 0) this.event = new Int32Array(this.cap);
    for (let j = this.layout.header ? 1 : 0; j < sample.length; j++) {
      const t = sample[j].text;
      this.row(t, 0, t.length, sample[j].line, (t.includes('\r') ? LONE_CR : 0) | (t.includes('\0') ? NUL : 0));
    }
  }

  /** Parses one line into the columns; a bad line becomes a PARSE_ERROR or a counted skip. */
  private row(s: string, from: number, to: number, line: number, flags: number): void {
    const c0 = s.charCodeAt(from);
    if (from >= to || ((c0 === 32 || c0 === 9 || c0 === 13) && isBlank(s, from, to))) return;
    const { roles: r, minFields, width } = this.layout;
    const f = this.splitter;
    try {
      if (flags !== 0) {
        if (flags & NUL) throw new RowError('a NUL character in the line: this part of the file is not text (binary data, or not UTF-8)');
        // A CR-only line end (classic Mac) would glue lines together and lose rows silently.
        throw new RowError('a carriage return (\\r) inside the line: the file seems to end lines with CR alone; convert line ends to \\n or \\r\\n');
      }
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
      let j = this.rows - this.base;
      if (j === this.cap) j = this.grow();
      this.user[j] = user;
      this.item[j] = item;
      if (r.value >= 0) this.value[j] = value;
      if (r.timestamp >= 0) this.timestamp[j] = ts;
      if (ev >= 0) this.event[j] = ev;
      this.rows++;
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      badRow(this.skipped, this.skip, this.source, 'line', line, e.message, s.slice(from, Math.min(to, from + 200)));
    }
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

  private number(s: string, k: number): number {
    const f = this.splitter;
    const a = f.starts[k];
    const point = this.layout.decimal;
    return a < 0 ? parseNumber(f.quoted[k], 0, f.quoted[k].length, point) : parseNumber(s, a, f.ends[k], point);
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

/** Index of the first `c` at or after `from` in `s`, or `s.length`. */
function after(s: string, c: string, from: number): number {
  const at = s.indexOf(c, from);
  return at < 0 ? s.length : at;
}

function isBlank(s: string, from: number, to: number): boolean {
  for (let j = from; j < to; j++) {
    const c = s.charCodeAt(j);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12 && c !== 0xa0 && c !== 0xfeff) return false;
  }
  return true;
}

/**
 * Parses delimited text into columnar interactions. Auto-detects CSV (with or without a
 * header), TSV, whitespace-separated, MovieLens `u.data` (tab: user item rating timestamp),
 * `ratings.dat` (`::`) and `ratings.csv` (header `userId,movieId,rating,timestamp`).
 *
 * @remarks
 * Columns come from header names (case-insensitive synonyms such as userId / movieId /
 * rating / timestamp / event), else by position: user, item, then numbers fill value and
 * timestamp and a text column becomes the event. The delimiter, the decimal mark (`4,5` with
 * `;`, tabs or spaces) and the header are decided from the first non-empty lines together; a
 * first line is a header only if it cannot be data. A row wider than the header (or than the
 * other rows) is a bad row, never a dropped field. Blank lines are ignored; a UTF-8 BOM and
 * CRLF line ends are accepted; RFC-4180 quoted fields may hold delimiters and doubled quotes
 * (not line breaks). Binary text (NUL bytes) and lines longer than `maxLineLength` are errors.
 * Line numbers in errors are 1-based physical lines.
 *
 * @param text - the whole input
 * @param opts - format, delimiter, header, columns, bad-row policy, source name, progress
 * @returns interactions in input order, ids mapped to dense indices
 * @throws AlsError `PARSE_ERROR` naming the source, the line and why (unless `onBadRow: 'skip'`);
 *   `EMPTY_DATA` when there is no data row; `BAD_OPTION` for invalid options
 * @example
 * const data = parseText('userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n', { source: 'ratings.csv' });
 * data.users.index('1'); // 0
 * data.value[0];         // 2.5
 */
export function parseText(text: string, opts: ParseOptions = {}): Interactions {
  const p = new DelimitedParser(opts, 'string');
  const len = text.length;
  let pos = 0;
  let end = 0;
  // Ranges of the one string (no copies) so that progress can be reported as we go.
  while (end < len) {
    const same = end > 0;
    end = Math.min(len, end + STRING_CHUNK);
    pos = p.scan(text, pos, end, same);
    if (end < len) opts.onProgress?.({ stage: 'parse', rows: p.rows, bytesRead: end, bytesTotal: opts.bytesTotal ?? len });
  }
  const out = p.finish(text, pos, len);
  opts.onProgress?.({ stage: 'parse', rows: out.length, bytesRead: len, bytesTotal: opts.bytesTotal ?? len });
  return out;
}

/** Chunks of text or UTF-8 bytes, from any stream-like source (a Node stream is an async iterable). */
export type ChunkSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | ReadableStream<Uint8Array>;

/**
 * Parses delimited text arriving in chunks (a `Blob`'s stream, a fetch body, a Node file
 * stream). Lines and multi-byte UTF-8 characters split across chunks are reassembled; progress
 * is reported once per chunk and once at the end; the signal is checked between chunks. Same formats and rules as
 * {@link parseText}; the result is identical for any chunking.
 *
 * @param chunks - `Uint8Array` (UTF-8; a BOM selects UTF-16 or UTF-32 LE/BE, and BOM-less UTF-16 is recognised) or string chunks
 * @param opts - as for {@link parseText}; `bytesTotal` makes progress a fraction
 * @returns interactions in input order
 * @throws AlsError as {@link parseText}; `AbortError` when `opts.signal` fires
 * @example
 * const data = await parseChunks(file.stream(), { source: file.name, bytesTotal: file.size, onProgress: (p) => console.log(p.bytesRead) });
 */
export async function parseChunks(chunks: ChunkSource, opts: ParseOptions = {}): Promise<Interactions> {
  const p = new DelimitedParser(opts, 'stream');
  // Bytes: the encoding is chosen from the first HEAD_BYTES (a BOM, or UTF-16's zero bytes).
  let decoder: ChunkDecoder | null = null;
  let head: Uint8Array[] = [];
  let headBytes = 0;
  // An incomplete line, in pieces: a long line is joined once, when its end arrives (linear time).
  let carry: string[] = [];
  let carryLen = 0;
  let bytesRead = 0;
  const feed = (text: string): void => {
    if (text.length === 0) return;
    if (text.indexOf('\n') < 0) {
      carry.push(text);
      carryLen += text.length;
      p.checkTail(carryLen, carry[0]);
      return;
    }
    const s = carryLen === 0 ? text : carry.join('') + text;
    const at = p.scan(s, 0, s.length);
    carry = at === s.length ? [] : [s.slice(at)];
    carryLen = s.length - at;
  };
  const startDecoding = (): void => {
    const bytes = concatBytes(head, headBytes);
    head = [];
    decoder = createDecoder(sniffEncoding(bytes));
    feed(decoder.decode(bytes, { stream: true }));
  };
  const take = (chunk: Uint8Array | string): void => {
    throwIfAborted(opts.signal);
    if (typeof chunk === 'string') {
      bytesRead += chunk.length;
      if (decoder === null && headBytes > 0) startDecoding();
      feed(chunk); // a BOM on line 1 is dropped by the parser
    } else {
      bytesRead += chunk.byteLength;
      if (decoder !== null) {
        feed(decoder.decode(chunk, { stream: true }));
      } else {
        head.push(chunk.slice()); // kept across reads: a copy, in case the source reuses its buffer
        headBytes += chunk.byteLength;
        if (headBytes >= HEAD_BYTES) startDecoding();
      }
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
  } else if (isAsyncIterable(chunks)) {
    for await (const c of chunks) take(c);
  } else {
    for (const c of chunks) take(c);
  }
  if (decoder === null && headBytes > 0) startDecoding();
  feed((decoder as ChunkDecoder | null)?.decode() ?? '');
  const s = carry.join('');
  carry = [];
  const out = p.finish(s, 0, s.length);
  opts.onProgress?.({ stage: 'parse', rows: out.length, bytesRead, bytesTotal: opts.bytesTotal }); // the final count
  return out;
}

function concatBytes(parts: Uint8Array[], n: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(n);
  let at = 0;
  for (const b of parts) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** Whether `x` is a WHATWG ReadableStream. */
export function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof x === 'object' && x !== null && typeof (x as ReadableStream).getReader === 'function';
}

/** Whether `x` is async-iterable. */
export function isAsyncIterable<T>(x: unknown): x is AsyncIterable<T> {
  return typeof x === 'object' && x !== null && typeof (x as AsyncIterable<T>)[Symbol.asyncIterator] === 'function';
}
