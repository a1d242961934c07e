/**
 * Splitting one line into fields and reading numbers from them, without allocating per row:
 * field bounds go into reused typed arrays; only RFC-4180 quoted fields produce strings.
 */
import { RowError } from './parse-options.js';

/** The delimiter value meaning "runs of spaces and tabs". */
export const WHITESPACE = ' ';

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;

/** Reusable field splitter for one delimiter. */
export class FieldSplitter {
  /** Start of field k (trimmed), or -1 when the field was quoted (text in `quoted[k]`). */
  starts = new Int32Array(16);
  /** End (exclusive, trimmed) of field k. */
  ends = new Int32Array(16);
  /** Unquoted text of quoted fields. */
  readonly quoted: string[] = [];
  private readonly delim: string;
  private readonly code: number;
  private readonly trimTabs: boolean;

  /** @param delim - the field delimiter, or {@link WHITESPACE} */
  constructor(delim: string) {
    this.delim = delim;
    this.code = delim.length === 1 ? delim.charCodeAt(0) : -1;
    this.trimTabs = delim !== '\t';
  }

  /**
   * Finds the fields of `s[from, to)` (a line without its line break), stopping after `max`.
   * Fields are trimmed of spaces (and tabs unless tab is the delimiter).
   * @returns the number of fields found (at most `max`)
   * @throws RowError for a malformed quoted field
   */
  split(s: string, from: number, to: number, max: number): number {
    if (this.delim === WHITESPACE) return this.splitWhitespace(s, from, to, max);
    const code = this.code;
    const dlen = this.delim.length;
    let p = from;
    let k = 0;
    while (k < max) {
      if (k === this.starts.length) this.grow();
      while (p < to && this.isTrim(s.charCodeAt(p))) p++;
      if (p < to && s.charCodeAt(p) === QUOTE) {
        p = this.quotedField(s, p, to, k);
        k++;
        if (p >= to) break;
        p += dlen;
        continue;
      }
      let e: number;
      if (code >= 0) {
        e = p;
        while (e < to && s.charCodeAt(e) !== code) e++;
      } else {
        e = s.indexOf(this.delim, p);
        if (e < 0 || e > to) e = to;
      }
      let b = e;
      while (b > p && this.isTrim(s.charCodeAt(b - 1))) b--;
      this.starts[k] = p;
      this.ends[k] = b;
      k++;
      if (e >= to) break;
      p = e + dlen;
    }
    return k;
  }

  /** The text of field k (allocates; for ids that are not plain integers, messages, detection). */
  text(s: string, k: number): string {
    const a = this.starts[k];
    return a < 0 ? this.quoted[k] : s.slice(a, this.ends[k]);
  }

  /** All fields of a line as strings (detection and headers only: allocates). */
  splitToStrings(s: string, max = 1 << 16): string[] {
    const n = this.split(s, 0, s.length, max);
    const out: string[] = [];
    for (let k = 0; k < n; k++) out.push(this.text(s, k));
    return out;
  }

  private isTrim(c: number): boolean {
    return c === SPACE || (c === TAB && this.trimTabs);
  }

  /** Reads a quoted field starting at the quote at p; "" inside is one quote. @returns the position after the field and its trailing spaces */
  private quotedField(s: string, p: number, to: number, k: number): number {
    let text = '';
    let a = p + 1;
    for (;;) {
      const q = s.indexOf('"', a);
      if (q < 0 || q >= to) throw new RowError('unterminated quoted field (line breaks inside quotes are not supported)');
      if (q + 1 < to && s.charCodeAt(q + 1) === QUOTE) {
        text += s.slice(a, q + 1);
        a = q + 2;
        continue;
      }
      text += s.slice(a, q);
      p = q + 1;
      break;
    }
    if (this.delim === WHITESPACE) {
      const c = s.charCodeAt(p);
      if (p < to && c !== SPACE && c !== TAB) throw new RowError('unexpected text after a closing quote');
    } else {
      while (p < to && this.isTrim(s.charCodeAt(p))) p++;
      if (p < to && !s.startsWith(this.delim, p)) throw new RowError('unexpected text after a closing quote');
    }
    this.starts[k] = -1;
    this.ends[k] = -1;
    this.quoted[k] = text;
    return p;
  }

  private splitWhitespace(s: string, from: number, to: number, max: number): number {
    let p = from;
    let k = 0;
    while (k < max) {
      while (p < to && (s.charCodeAt(p) === SPACE || s.charCodeAt(p) === TAB)) p++;
      if (p >= to) break;
      if (s.charCodeAt(p) === QUOTE) {
        // A quoted field (it may hold spaces); it must end at a space, a tab or the line's end.
        if (k === this.starts.length) this.grow();
        p = this.quotedField(s, p, to, k);
        k++;
        continue;
      }
      const a = p;
      while (p < to && s.charCodeAt(p) !== SPACE && s.charCodeAt(p) !== TAB) p++;
      if (k === this.starts.length) this.grow();
      this.starts[k] = a;
      this.ends[k] = p;
      k++;
    }
    return k;
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const s = new Int32Array(n);
    const e = new Int32Array(n);
    s.set(this.starts);
    e.set(this.ends);
    this.starts = s;
    this.ends = e;
  }
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
/** Plain decimal numbers only: no hex/binary/octal, no "Infinity", no "1_000" (Number() would take some). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Char code of the decimal point: `.` (46), or `,` (44) for a decimal comma. */
export type DecimalMark = 46 | 44;

/**
 * Parses the trimmed span `s[from, to)` as a decimal number; NaN if it is not one.
 * `point` is the decimal mark (a decimal-comma file has no `.` in its numbers).
 * Fast path: up to 15 significant digits with an optional sign and point, computed as
 * mantissa / 10^k — both exact in f64, so the one rounded division equals `Number()`'s result
 * (Clinger's fast path). Anything else (exponents, long digit strings) goes to `Number()`.
 */
export function parseNumber(s: string, from: number, to: number, point: DecimalMark = 46): number {
  if (from >= to) return NaN;
  let j = from;
  const c0 = s.charCodeAt(j);
  if (c0 === 45 || c0 === 43) j++;
  let m = 0;
  let digits = 0;
  let frac = 0;
  for (; j < to; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    digits++;
  }
  if (j < to && s.charCodeAt(j) === point) {
    for (j++; j < to; j++) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      digits++;
      frac++;
    }
  }
  if (j === to && digits > 0 && digits <= 15) {
    const v = frac === 0 ? m : m / POW10[frac];
    return c0 === 45 ? -v : v;
  }
  return parseNumberText(s.slice(from, to), point);
}

/** {@link parseNumber} for a string (quoted fields, detection). */
export function parseNumberText(t: string, point: DecimalMark = 46): number {
  t = t.trim();
  if (point === 44) {
    if (t.includes('.')) return NaN; // "1.5" in a decimal-comma file: a thousands dot or a mistake, never guessed
    t = t.replace(',', '.');
  }
  return DECIMAL.test(t) ? Number(t) : NaN;
}

/** A number written with a decimal comma (`4,5`, `-0,25`, `,5`). */
export const DECIMAL_COMMA = /^[+-]?\d*,\d+$/;

/** Why a field that should be a number is not one (the message part after the column name). */
export function numberProblem(text: string, point: DecimalMark = 46): string {
  const t = text.trim();
  const asPoint = point === 44 ? (t.includes('.') ? '' : t.replace(',', '.')) : t;
  if (/^[+-]?(nan|inf(inity)?)$/i.test(t) || DECIMAL.test(asPoint)) return 'is not finite';
  if (point === 46 && DECIMAL_COMMA.test(t)) return "is not a number (this file's numbers use a decimal point; pass decimal: ',' if it uses decimal commas)";
  if (point === 44 && DECIMAL.test(t)) return "is not a number (this file's numbers use a decimal comma; pass decimal: '.' if it uses decimal points)";
  return 'is not a number';
}

/**
 * A whole number in the range of Unix times from 1990 to 2100, in seconds or milliseconds
 * (`1700000000`, `1700000000123`): a column of nothing else is a time, not a value.
 */
export function isEpochTime(text: string): boolean {
  const t = text.trim();
  if (!/^\d{9,13}$/.test(t)) return false;
  const v = Number(t);
  return (v >= 631_152_000 && v <= 4_102_444_800) || (v >= 631_152_000_000 && v <= 4_102_444_800_000);
}
