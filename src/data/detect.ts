/**
 * Format detection from the first non-empty lines: the delimiter, whether there is a header,
 * and which column plays which role.
 */
import { AlsError, badOption } from '../errors.js';
import { FieldSplitter, parseNumberText, WHITESPACE } from './fields.js';
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
  user: ['user', 'userid', 'user_id', 'user id', 'visitorid', 'visitor_id', 'customer', 'customerid', 'customer_id', 'uid'],
  item: ['item', 'itemid', 'item_id', 'item id', 'movieid', 'movie_id', 'movie', 'product', 'productid', 'product_id', 'iid'],
  value: ['rating', 'value', 'score', 'count', 'weight', 'plays', 'quantity', 'strength'],
  timestamp: ['timestamp', 'time', 'ts', 'date', 'datetime'],
  event: ['event', 'action', 'type', 'event_type', 'eventtype', 'interaction'],
};

const ROLE_NAMES = Object.keys(SYNONYMS) as (keyof Roles)[];

/** Candidate delimiters for `auto`, by priority (`::` first: it contains no other candidate's char). */
const CANDIDATES = ['::', '\t', ',', ';', '|'];

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
  const splitter = new FieldSplitter(delimiter);
  const fields = sample.map((l) => {
    try {
      return splitter.splitToStrings(l.text);
    } catch {
      return [] as string[]; // a malformed sample line is reported when it is parsed as a row
    }
  });
  const header = detectHeader(fields, opts);
  const names = header ? fields[0] : null;
  const data = header ? fields.slice(1) : fields;
  const roles = opts.columns ? rolesFromSpec(opts.columns, names) : (names && rolesFromHeader(names)) || rolesByPosition(data);
  const minFields = Math.max(roles.user, roles.item, roles.value, roles.timestamp, roles.event) + 1;
  return { delimiter, header, roles, minFields };
}

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
  // Prefer a delimiter present on every sample line, then whitespace on every line; else what
  // line 1 has (a later line without it then fails by its number).
  const spaced = (t: string) => /\S[ \t]+\S/.test(t);
  for (const d of CANDIDATES) if (sample.every((l) => l.text.includes(d))) return d;
  if (sample.every((l) => spaced(l.text))) return WHITESPACE;
  for (const d of CANDIDATES) if (sample[0].text.includes(d)) return d;
  if (spaced(sample[0].text)) return WHITESPACE;
  const first = sample[0];
  const reason = 'cannot tell the delimiter (expected a user and an item column separated by a comma, tab, "::", ";", "|" or spaces)';
  throw new AlsError('PARSE_ERROR', `${source} line ${first.line}: ${reason}. Pass the delimiter or format option.`, { source, line: first.line, reason, text: first.text.slice(0, 200) });
}

function isNumeric(t: string): boolean {
  return Number.isFinite(parseNumberText(t));
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
 * `auto`: the first line is a header if it holds a known column name, or if some column is
 * text on the first line but a number on every later sample line (e.g. `u,i,r` over numbers).
 */
function detectHeader(fields: string[][], opts: ParseOptions): boolean {
  if (opts.header === true || opts.header === false) return opts.header;
  const c = opts.columns;
  if (c && Object.values(c).some((v) => typeof v === 'string')) return true;
  const first = fields[0];
  if (first.some((h) => roleOf(h) !== null)) return true;
  const rest = fields.slice(1).filter((f) => f.length > 0);
  if (rest.length === 0) return false;
  for (let k = 0; k < first.length; k++) {
    if (isNumeric(first[k]) || first[k] === '') continue;
    if (rest.every((f) => k < f.length && isNumeric(f[k]))) return true;
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
 * timestamp, a date fills timestamp, text becomes the event (e.g. `u1,i1,view`).
 */
function rolesByPosition(data: string[][]): Roles {
  const roles: Roles = { user: 0, item: 1, value: -1, timestamp: -1, event: -1 };
  const width = data.reduce((w, f) => Math.max(w, f.length), 0);
  for (let k = 2; k < width; k++) {
    const col = data.filter((f) => k < f.length && f[k] !== '').map((f) => f[k]);
    if (col.length === 0) continue;
    if (col.some(isNumeric)) {
      if (roles.value < 0) roles.value = k;
      else if (roles.timestamp < 0) roles.timestamp = k;
    } else if (col.some(isDate)) {
      if (roles.timestamp < 0) roles.timestamp = k;
    } else if (roles.event < 0) {
      roles.event = k;
    }
  }
  return roles;
}
