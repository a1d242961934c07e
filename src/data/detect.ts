/**
 * Format detection from the first non-empty lines: the delimiter, whether there is a header,
 * and which column plays which role.
 */
import { AlsError, badOption } from '../errors.js';
import { DECIMAL_COMMA, FieldSplitter, isEpochTime, parseNumberText, WHITESPACE, type DecimalMark } from './fields.js';
import type { ColumnSpec, ParseOptions } from './parse-options.js';

/** Column index per role; -1 when the role is absent. */
export interface Roles {
  /** User id column. */
  user: number;
  /** Item id column. */
  item: number;
  /** Value column, or -1 (every value is 1). */
  value: number;
  /** Timestamp column, or -1. */
  timestamp: number;
  /** Event-type column, or -1. */
  event: number;
}

/** What detection decided. */
export interface Layout {
  /** Field delimiter ({@link WHITESPACE} for runs of spaces/tabs). */
  delimiter: string;
  /** Whether the first sample line is a header. */
  header: boolean;
  /** Column roles. */
  roles: Roles;
  /** Fields a row needs (the largest role index + 1). */
  minFields: number;
  /**
   * Fields a row may have: the header's count, else the count most sample rows have (at least
   * `minFields`). A wider row is an error: an unquoted delimiter or decimal comma, or a column
   * that the first rows lack, would otherwise be read into the wrong roles or dropped.
   */
  width: number;
  /** Decimal mark of numbers (46 `.` or 44 `,`). */
  decimal: DecimalMark;
}

/** A non-empty line with its 1-based line number. */
export interface SampleLine {
  /** The line without its line break. */
  text: string;
  /** Its 1-based line number. */
  line: number;
}

/** Header names per role (compared trimmed and lower-cased). */
export const SYNONYMS: Record<keyof Roles, readonly string[]> = {
  user: ['user', 'userid', 'user_id', 'user id', 'visitor', 'visitorid', 'visitor_id', 'customer', 'customerid', 'customer_id', 'uid', 'member', 'memberid', 'member_id', 'account', 'account_id', 'reader', 'viewer', 'listener', 'buyer', 'session', 'session_id', 'sessionid'],
  item: ['item', 'itemid', 'item_id', 'item id', 'movieid', 'movie_id', 'movie', 'product', 'productid', 'product_id', 'iid', 'article', 'articleid', 'article_id', 'book', 'bookid', 'book_id', 'track', 'trackid', 'track_id', 'song', 'songid', 'song_id', 'video', 'videoid', 'video_id', 'sku', 'page', 'page_id', 'post', 'post_id', 'film', 'film_id', 'content_id'],
  value: ['rating', 'value', 'score', 'count', 'weight', 'plays', 'quantity', 'strength'],
  timestamp: ['timestamp', 'time', 'ts', 'date', 'datetime'],
  event: ['event', 'action', 'type', 'event_type', 'eventtype', 'interaction'],
};

const ROLE_NAMES = Object.keys(SYNONYMS) as (keyof Roles)[];

/** Candidate delimiters for `auto`, by priority (`::` first: it contains no other candidate's char; whitespace last). */
const CANDIDATES = ['::', '\t', ',', ';', '|', WHITESPACE];

/**
 * Decides delimiter, header and roles from the first non-empty lines (at least one).
 * @param sample - the first non-empty lines (up to 8)
 * @param opts - explicit format, delimiter, header and columns win over detection
 * @param source - the source name for messages
 * @returns the layout
 * @throws AlsError `PARSE_ERROR` when no delimiter fits; `BAD_OPTION` for a column the input lacks
 */
export function detectLayout(sample: readonly SampleLine[], opts: ParseOptions, source: string): Layout {
  const delimiter = detectDelimiter(sample, opts, source);
  const fields = sample.map((l) => splitOrEmpty(new FieldSplitter(delimiter), l.text)); // a malformed line is reported when it is parsed as a row
  const decimal = detectDecimal(sample, fields, opts, source);
  const header = detectHeader(fields, opts, decimal);
  const names = header ? fields[0] : null;
  const data = (header ? fields.slice(1) : fields).filter((f) => f.length > 0);
  const width = names ? names.length : modalWidth(data);
  const roles = opts.columns ? rolesFromSpec(opts.columns, names) : (names && rolesFromHeader(names)) || rolesByPosition(data.filter((f) => f.length === width), decimal);
  const minFields = Math.max(roles.user, roles.item, roles.value, roles.timestamp, roles.event) + 1;
  return { delimiter, header, roles, minFields, width: Math.max(width, minFields), decimal };
}

function splitOrEmpty(splitter: FieldSplitter, text: string): string[] {
  try {
    return splitter.splitToStrings(text);
  } catch {
    return [];
  }
}

/** The field count most rows have (ties: the first row's). */
function modalWidth(rows: string[][]): number {
  if (rows.length === 0) return 0;
  const freq = new Map<number, number>();
  for (const f of rows) freq.set(f.length, (freq.get(f.length) ?? 0) + 1);
  let best = rows[0].length;
  for (const [n, c] of freq) if (c > freq.get(best)!) best = n;
  return best;
}

/** Delimiter text that must not appear inside another delimiter's fields (whitespace has its own test). */
const DELIMITER_TEXT = ['::', '\t', ',', ';', '|'];

/**
 * `auto`: scores each candidate on the whole sample, not the first line — how many lines it
 * splits into the same number (≥ 2) of fields; then whether its fields still hold another
 * candidate's delimiter (`u1;i1;4,5` split at commas leaves `;` inside: semicolons win, the
 * `4,5` being a decimal comma); then the priority order. So `u1;i1;4,5` is three fields, and
 * `u1 i1 4,5` too.
 */
function detectDelimiter(sample: readonly SampleLine[], opts: ParseOptions, source: string): string {
  if (opts.delimiter !== undefined) return opts.delimiter === ' ' ? WHITESPACE : opts.delimiter;
  switch (opts.format) {
    case 'csv':
      return ',';
    case 'tsv':
      return '\t';
    case 'whitespace':
      return WHITESPACE;
    case 'movielens-dat':
      return '::';
  }
  let best = '';
  let bestAgree = 0;
  let bestDirt = 3;
  let tabAgree = 0;
  for (const d of CANDIDATES) {
    const splitter = new FieldSplitter(d);
    const rows = sample.map((l) => splitOrEmpty(splitter, l.text));
    const freq = new Map<number, number>();
    for (const f of rows) if (f.length >= 2) freq.set(f.length, (freq.get(f.length) ?? 0) + 1);
    let mode = 0;
    let agree = 0;
    for (const [n, c] of freq) if (c > agree) [mode, agree] = [n, c];
    if (d === '\t') tabAgree = agree;
    // Tabs that split as well as whitespace does are the delimiter; the spaces are inside ids.
    if (agree === 0 || (d === WHITESPACE && tabAgree >= agree)) continue;
    let dirt = 0;
    for (const f of rows) if (f.length === mode) for (const t of f) dirt = Math.max(dirt, fieldDirt(t, d));
    if (agree > bestAgree || (agree === bestAgree && dirt < bestDirt)) [best, bestAgree, bestDirt] = [d, agree, dirt];
  }
  if (best !== '') return best;
  const first = sample[0];
  const reason = 'cannot tell the delimiter (expected a user and an item column separated by a comma, tab, "::", ";", "|" or spaces)';
  throw new AlsError('PARSE_ERROR', `${source} line ${first.line}: ${reason}. Pass the delimiter or format option.`, { source, line: first.line, reason, text: first.text.slice(0, 200) });
}

/**
 * How badly a field split at `d` still looks like several fields: 2 when it holds another
 * candidate's delimiter (a decimal comma such as `4,5` excepted), 1 when it holds spaces
 * (ids may have spaces, but `u1 i1 4,5` split at the comma is worse than at the spaces), 0 clean.
 */
function fieldDirt(t: string, d: string): number {
  for (const other of DELIMITER_TEXT) {
    if (other === d || (d === WHITESPACE && other === '\t') || !t.includes(other)) continue;
    if (other === ',' && DECIMAL_COMMA.test(t.trim())) continue;
    return 2;
  }
  if (d !== WHITESPACE && /[ \t]/.test(d === '\t' ? t.replace(/\t/g, '') : t)) return 1;
  return 0;
}

/** A number written with a decimal point (`3.5`, `.5`, `1.5e3`). */
const POINT_NUMBER = /^[+-]?\d*\.\d+(?:[eE][+-]?\d+)?$/;
/** A decimal comma that could also be a thousands separator (`1,234`; `0,125` cannot be). */
const THOUSANDS_LIKE = /^[+-]?[1-9]\d{0,2},\d{3}$/;

/**
 * The decimal mark, from every field of the sample: a comma when numbers such as `4,5` appear
 * (with a comma delimiter only quoted fields can hold them) and no number has a decimal point.
 * @throws AlsError `PARSE_ERROR` when both marks appear, or every decimal comma could be a
 *   thousands separator (`1,234`): the caller must say which (`decimal` option)
 */
function detectDecimal(sample: readonly SampleLine[], fields: string[][], opts: ParseOptions, source: string): DecimalMark {
  if (opts.decimal !== undefined) return opts.decimal === ',' ? 44 : 46;
  let comma: { t: string; line: number } | null = null;
  let point: { t: string; line: number } | null = null;
  let commaNotThousands = false;
  fields.forEach((f, j) => {
    for (const raw of f) {
      const t = raw.trim();
      if (DECIMAL_COMMA.test(t)) {
        comma ??= { t, line: sample[j].line };
        if (!THOUSANDS_LIKE.test(t)) commaNotThousands = true;
      } else if (POINT_NUMBER.test(t)) {
        point ??= { t, line: sample[j].line };
      }
    }
  });
  if (comma === null) return 46;
  const c = comma as { t: string; line: number };
  const fail = (line: number, reason: string) => {
    throw new AlsError('PARSE_ERROR', `${source} line ${line}: ${reason}. Pass the decimal option ('.' or ',').`, { source, line, reason, text: c.t });
  };
  if (point !== null) {
    const p = point as { t: string; line: number };
    fail(Math.max(c.line, p.line), `cannot tell the decimal mark: ${JSON.stringify(c.t)} (line ${c.line}) has a decimal comma but ${JSON.stringify(p.t)} (line ${p.line}) a decimal point`);
  }
  if (!commaNotThousands) fail(c.line, `cannot tell whether ${JSON.stringify(c.t)} has a decimal comma or a thousands separator (thousands separators are not supported)`);
  return 44;
}

function isNumeric(t: string, point: DecimalMark = 46): boolean {
  return Number.isFinite(parseNumberText(t, point));
}

/** A date string `Date.parse` reads, in a shape that cannot be an id (contains a `-`, `/` or `:` after digits). */
function isDate(t: string): boolean {
  return /^\d{1,4}[-/:]/.test(t.trim()) && Number.isFinite(Date.parse(t));
}

function roleOf(name: string): keyof Roles | null {
  const n = name.trim().toLowerCase();
  for (const role of ROLE_NAMES) if (SYNONYMS[role].includes(n)) return role;
  return null;
}

/**
 * `auto`: the first line is a header only if it cannot be data: it holds a known column name,
 * or a value/timestamp column (the third on) is text on it but a number on every later sample
 * line (e.g. `u,i,r` over numbers). Id columns say nothing — `guest,100,5` is data.
 */
function detectHeader(fields: string[][], opts: ParseOptions, point: DecimalMark): boolean {
  if (opts.header === true || opts.header === false) return opts.header;
  const c = opts.columns;
  if (c && Object.values(c).some((v) => typeof v === 'string')) return true;
  const first = fields[0];
  if (first.some((h) => roleOf(h) !== null)) return true;
  const rest = fields.slice(1).filter((f) => f.length > 0);
  if (rest.length === 0) return false;
  for (let k = 2; k < first.length; k++) {
    if (isNumeric(first[k], point) || first[k] === '' || isDate(first[k])) continue;
    if (rest.every((f) => k < f.length && isNumeric(f[k], point))) return true;
  }
  return false;
}

function rolesFromSpec(spec: ColumnSpec, names: string[] | null): Roles {
  const find = (v: number | string | undefined, role: keyof Roles): number => {
    if (v === undefined) return -1;
    if (typeof v === 'number') return v;
    const want = v.trim().toLowerCase();
    const at = names ? names.findIndex((h) => h.trim().toLowerCase() === want) : -1;
    if (at < 0) throw badOption(`columns.${role}`, v, names ? `a column index or one of the header names ${names.map((h) => JSON.stringify(h)).join(', ')}` : 'a column index (the input has no header)');
    return at;
  };
  return { user: find(spec.user, 'user'), item: find(spec.item, 'item'), value: find(spec.value, 'value'), timestamp: find(spec.timestamp, 'timestamp'), event: find(spec.event, 'event') };
}

/** Roles by header names; null when no name is known (then positions decide). */
function rolesFromHeader(names: string[]): Roles | null {
  const roles: Roles = { user: -1, item: -1, value: -1, timestamp: -1, event: -1 };
  let known = 0;
  names.forEach((h, k) => {
    const role = roleOf(h);
    if (role && roles[role] < 0) {
      roles[role] = k;
      known++;
    }
  });
  if (known === 0) return null;
  // A missing user or item column takes the first column no role claimed.
  const taken = (k: number) => Object.values(roles).includes(k);
  for (const role of ['user', 'item'] as const) {
    if (roles[role] >= 0) continue;
    let k = 0;
    while (taken(k)) k++;
    roles[role] = k;
  }
  return roles;
}

/**
 * Headerless: user, item, then the remaining columns in order — numbers fill value then
 * timestamp (Unix times go to timestamp), a date fills timestamp, text becomes the event.
 */
function rolesByPosition(data: string[][], point: DecimalMark): Roles {
  const roles: Roles = { user: 0, item: 1, value: -1, timestamp: -1, event: -1 };
  const width = data.reduce((w, f) => Math.max(w, f.length), 0);
  for (let k = 2; k < width; k++) {
    const col = data.filter((f) => k < f.length && f[k] !== '').map((f) => f[k]);
    if (col.length === 0) continue;
    // A decimal-comma number read with a decimal point is still a value column (its rows then fail, saying why), never an event.
    if (col.some((t) => isNumeric(t, point) || DECIMAL_COMMA.test(t.trim()))) {
      // Unix times alone (`user,item,1700000000`) are when, not how much: never a rating.
      if (roles.timestamp < 0 && col.every(isEpochTime)) roles.timestamp = k;
      else if (roles.value < 0) roles.value = k;
      else if (roles.timestamp < 0) roles.timestamp = k;
    } else if (col.some(isDate)) {
      if (roles.timestamp < 0) roles.timestamp = k;
    } else if (roles.event < 0) {
      roles.event = k;
    }
  }
  return roles;
}
