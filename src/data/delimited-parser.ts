/**
 * The delimited-text push parser: scans string ranges into physical lines (so one code path
 * serves a whole string and a stream of chunks), holds the first lines back until the layout is
 * detected, refuses binary input and over-long lines, and hands each data line to a
 * {@link RowReader} whose fields go into {@link InteractionColumns}; a bad line becomes an error
 * or a counted skip. No per-row objects on the hot path.
 */
import { AlsError } from '../errors.js';
import { detectLayout, type Layout, type SampleLine } from './detect.js';
import { textProblem } from './encoding.js';
import { createIdMap, type DenseIdMap } from './id-map.js';
import { InteractionColumns } from './interaction-columns.js';
import { badRow, checkParseOptions, emptyData, MAX_LINE_LENGTH, RowError, type ParseOptions } from './parse-options.js';
import { RowReader } from './row-reader.js';
import type { Interactions, SkippedRows } from './types.js';

/** Lines looked at before deciding the format. */
const SAMPLE_LINES = 8;
/** Line flag: a '\r' that is not the line's CRLF ending (classic Mac line ends). */
const LONE_CR = 1;
/** Line flag: a NUL character (binary data, or UTF-16 read as UTF-8). */
const NUL = 2;

/** Streaming delimited-text parser: `scan` complete lines, then `finish` with the tail. */
export class DelimitedParser {
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
  private reader!: RowReader;
  private readonly users: DenseIdMap = createIdMap();
  private readonly items: DenseIdMap = createIdMap();
  private readonly events: DenseIdMap = createIdMap();
  private readonly columns = new InteractionColumns();

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

  /** Data rows stored so far. */
  get rows(): number {
    return this.columns.rows;
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
    const { user, item, value, timestamp, event } = this.columns.take();
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
    this.reader = new RowReader(this.layout, this.users, this.items, this.events);
    const r = this.layout.roles;
    this.columns.open({ value: r.value >= 0, timestamp: r.timestamp >= 0, event: r.event >= 0 });
    for (let j = this.layout.header ? 1 : 0; j < sample.length; j++) {
      const t = sample[j].text;
      this.row(t, 0, t.length, sample[j].line, (t.includes('\r') ? LONE_CR : 0) | (t.includes('\0') ? NUL : 0));
    }
  }

  /** Parses one line into the columns; a bad line becomes a PARSE_ERROR or a counted skip. */
  private row(s: string, from: number, to: number, line: number, flags: number): void {
    const c0 = s.charCodeAt(from);
    if (from >= to || ((c0 === 32 || c0 === 9 || c0 === 13) && isBlank(s, from, to))) return;
    try {
      if (flags !== 0) {
        if (flags & NUL) throw new RowError('a NUL character in the line: this part of the file is not text (binary data, or not UTF-8)');
        // A CR-only line end (classic Mac) would glue lines together and lose rows silently.
        throw new RowError('a carriage return (\\r) inside the line: the file seems to end lines with CR alone; convert line ends to \\n or \\r\\n');
      }
      const f = this.reader;
      f.read(s, from, to);
      this.columns.push(f.user, f.item, f.value, f.timestamp, f.event);
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      badRow(this.skipped, this.skip, this.source, 'line', line, e.message, s.slice(from, Math.min(to, from + 200)));
    }
  }
}

/** Index of the first `c` at or after `from` in `s`, or `s.length`. */
function after(s: string, c: string, from: number): number {
  const at = s.indexOf(c, from);
  return at < 0 ? s.length : at;
}

/** Whether `s[from, to)` holds only whitespace (a BOM and a no-break space count as such). */
function isBlank(s: string, from: number, to: number): boolean {
  for (let j = from; j < to; j++) {
    const c = s.charCodeAt(j);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12 && c !== 0xa0 && c !== 0xfeff) return false;
  }
  return true;
}
