/**
 * Options of the parsers (one interface for all entry points), their validation, and the
 * one place that turns a bad row into an error or a counted skip.
 */
import { AlsError, badOption, checkKnownKeys } from '../errors.js';
import type { SkippedRows } from './types.js';

/** Text formats the parser knows; `auto` (default) detects from the first non-empty lines. */
export type TextFormat = 'auto' | 'csv' | 'tsv' | 'whitespace' | 'movielens-dat';

/** Which field holds which role: a 0-based column index or a header name (case-insensitive). */
export interface ColumnSpec {
  /** User id column. */
  user: number | string;
  /** Item id column. */
  item: number | string;
  /** Value (rating, count, weight) column; without one every value is 1. */
  value?: number | string;
  /** Timestamp column: numbers, or dates that `Date.parse` reads (stored as seconds). */
  timestamp?: number | string;
  /** Event-type column (text such as view / basket / purchase). */
  event?: number | string;
}

/** Progress of parsing, emitted once per chunk (per ~1 M characters for {@link ParseOptions} on a string). */
export interface ParseProgress {
  /** Always `parse`. */
  stage: 'parse';
  /** Data rows read so far. */
  rows: number;
  /** Bytes consumed so far (characters, for string input). */
  bytesRead: number;
  /** Total bytes, when known. */
  bytesTotal?: number;
}

/** Options of {@link parseText}, {@link parseChunks}, {@link fromRecords} and {@link loadInteractions}. */
export interface ParseOptions {
  /** Format; default `auto` (detected from the first non-empty lines). */
  format?: TextFormat;
  /** Field delimiter, overriding the format's (`" "` means runs of whitespace). */
  delimiter?: string;
  /** Whether the first non-empty line is a header; default `auto`. */
  header?: boolean | 'auto';
  /** Column roles; default from header names, else by position (user, item, value, timestamp). */
  columns?: ColumnSpec;
  /** A bad row throws (`error`, default) or is counted in `skipped` (`skip`) — never dropped silently. */
  onBadRow?: 'error' | 'skip';
  /** Name of the source in messages (a file name). Default: `"string"`, `"stream"`, the file's name or `"records"`. */
  source?: string;
  /** Progress callback, once per chunk. */
  onProgress?: (p: ParseProgress) => void;
  /** Total size in bytes for progress, when the source does not know it (a Blob does). */
  bytesTotal?: number;
  /** Cancels between chunks (`AbortError`). */
  signal?: AbortSignal;
  /**
   * Decimal mark of the numbers; default detected from the first non-empty lines: a comma when
   * numbers such as `4,5` appear and the delimiter is not a comma (or such fields are quoted).
   * Mixed or ambiguous marks (only `1,234`-like numbers) are a `PARSE_ERROR` asking for this option.
   */
  decimal?: '.' | ',';
  /**
   * Longest line accepted, in characters (default {@link MAX_LINE_LENGTH}, 4 Mi); a longer line
   * is a `PARSE_ERROR` naming it, also with `onBadRow: 'skip'` (such a file is rarely line-based
   * text). Keeps memory bounded on input without line breaks; `Infinity` turns the limit off.
   */
  maxLineLength?: number;
}

/** Default {@link ParseOptions.maxLineLength}: 4 Mi characters (memory stays bounded on a file without line breaks). */
export const MAX_LINE_LENGTH = 1 << 22;

/** How many skipped rows keep an example. */
export const SKIP_EXAMPLES = 10;

const FORMATS: readonly TextFormat[] = ['auto', 'csv', 'tsv', 'whitespace', 'movielens-dat'];

/** Every option {@link ParseOptions} has (typed, so a new option fails to compile until listed; a misspelt one is refused, not ignored). */
const PARSE_OPTION_NAMES = Object.keys({ format: 1, delimiter: 1, header: 1, columns: 1, onBadRow: 1, source: 1, onProgress: 1, bytesTotal: 1, signal: 1, decimal: 1, maxLineLength: 1 } satisfies Record<keyof ParseOptions, 1>);

/** Validates the options once, at the boundary. @throws AlsError `BAD_OPTION` */
export function checkParseOptions(opts: ParseOptions): void {
  if (typeof opts !== 'object' || opts === null) throw badOption('options', opts, 'an object');
  checkKnownKeys(opts, PARSE_OPTION_NAMES);
  if (opts.format !== undefined && !FORMATS.includes(opts.format)) throw badOption('format', opts.format, `one of ${FORMATS.map((f) => `"${f}"`).join(', ')}`);
  if (opts.delimiter !== undefined && (typeof opts.delimiter !== 'string' || opts.delimiter.length === 0 || /[\r\n"]/.test(opts.delimiter))) {
    throw badOption('delimiter', opts.delimiter, 'a non-empty string without quotes or line breaks');
  }
  if (opts.header !== undefined && opts.header !== true && opts.header !== false && opts.header !== 'auto') throw badOption('header', opts.header, 'true, false or "auto"');
  if (opts.onBadRow !== undefined && opts.onBadRow !== 'error' && opts.onBadRow !== 'skip') throw badOption('onBadRow', opts.onBadRow, '"error" or "skip"');
  if (opts.source !== undefined && typeof opts.source !== 'string') throw badOption('source', opts.source, 'a string (a file name for messages)');
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') throw badOption('onProgress', opts.onProgress, 'a function');
  if (opts.bytesTotal !== undefined && !(typeof opts.bytesTotal === 'number' && opts.bytesTotal >= 0)) throw badOption('bytesTotal', opts.bytesTotal, 'a number ≥ 0');
  if (opts.decimal !== undefined && opts.decimal !== '.' && opts.decimal !== ',') throw badOption('decimal', opts.decimal, '"." or ","');
  if (opts.maxLineLength !== undefined && !(typeof opts.maxLineLength === 'number' && (Number.isInteger(opts.maxLineLength) || opts.maxLineLength === Infinity) && opts.maxLineLength >= 1)) {
    throw badOption('maxLineLength', opts.maxLineLength, 'a whole number of characters ≥ 1 (or Infinity)');
  }
  const c = opts.columns;
  if (c !== undefined) {
    if (typeof c !== 'object' || c === null) throw badOption('columns', c, 'an object { user, item, value?, timestamp?, event? }');
    if (c.user === undefined || c.item === undefined) throw badOption('columns', c, 'an object naming at least the user and item columns');
    for (const role of ['user', 'item', 'value', 'timestamp', 'event'] as const) {
      const v = c[role];
      if (v === undefined) continue;
      if (typeof v === 'number' ? !(Number.isInteger(v) && v >= 0) : typeof v !== 'string' || v.trim() === '') {
        throw badOption(`columns.${role}`, v, 'a column index ≥ 0 or a header name');
      }
    }
  }
}

/** A reason a row cannot be read; becomes a `PARSE_ERROR` (or a counted skip) with the line number. */
export class RowError extends Error {}

/**
 * Records one bad row: throws the `PARSE_ERROR` (default) or counts it in `skipped`.
 * @param where - "line" for text, "record" for records
 */
export function badRow(skipped: SkippedRows, skip: boolean, source: string, where: 'line' | 'record', at: number, reason: string, text: string): void {
  const line = where === 'line' ? at : at + 1;
  if (skip) {
    skipped.count++;
    if (skipped.examples.length < SKIP_EXAMPLES) skipped.examples.push({ line, reason });
    return;
  }
  const details: Record<string, unknown> = { source, line, reason, text: text.slice(0, 200) };
  if (where === 'record') details.record = at;
  throw new AlsError('PARSE_ERROR', `${source} ${where} ${at}: ${reason}. Fix the ${where === 'line' ? 'row' : 'record'}, or pass onBadRow: 'skip' to skip and count bad ones.`, details);
}

/** The `EMPTY_DATA` error for a source without data rows. */
export function emptyData(source: string, skipped: SkippedRows, what: 'data rows' | 'records'): AlsError {
  const note = skipped.count > 0 ? ` (${skipped.count} bad ${what === 'records' ? 'records' : 'rows'} skipped, e.g. line ${skipped.examples[0]?.line}: ${skipped.examples[0]?.reason})` : '';
  return new AlsError('EMPTY_DATA', `${source} has no ${what}${note}; give at least one user–item interaction.`, { source, skipped: skipped.count });
}
