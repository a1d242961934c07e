/**
 * Feature files: rows `id,feature[,value]` (comma, tab or semicolon; header optional), or the
 * MovieLens-100K `u.item` (`id|title|date||url|19 genre flags`) and `u.user`
 * (`id|age|gender|occupation|zip`) files, detected from their shape.
 */
import { AlsError } from '../errors.js';
import type { FeatureRecord } from './types.js';

/** The MovieLens-100K genres, in the order of `u.item`'s flags (its `u.genre`). */
export const ML100K_GENRES = ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];

/** Which layout a feature file had. */
export type FeatureFileFormat = 'rows' | 'u.item' | 'u.user';

/** What {@link parseFeatures} read. */
export interface ParsedFeatures {
  /** One record per (id, feature); numeric values min–max scaled (see {@link scaleFeatures}). */
  records: FeatureRecord[];
  /** The layout detected. */
  format: FeatureFileFormat;
  /** `u.item` only: the titles by id. */
  titles?: Map<string, string>;
}

/**
 * Reads a feature file.
 * @param text - the file's text
 * @param source - its name, for messages
 * @returns the records (numeric features scaled), the format, and `u.item`'s titles
 * @throws AlsError `PARSE_ERROR` naming the line of a row without an id and a feature, or with a value that is not a finite number;
 *   `EMPTY_DATA` for a file without rows
 * @example
 * parseFeatures('1,genre=Drama\n2,genre=Comedy\n2,year,1995', 'items.csv').records
 * // → [{ id: '1', feature: 'genre=Drama', value: 1 }, …, { id: '2', feature: 'year', value: 1 }]
 */
export function parseFeatures(text: string, source = 'features'): ParsedFeatures {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== '') ?? '';
  const pipes = first.split('|');
  const bad = (n: number, what: string) =>
    new AlsError('PARSE_ERROR', `${source}, line ${n + 1}: ${what} — expected "id,feature[,value]" rows, or a MovieLens u.item / u.user file.`, { source, line: n + 1 });
  let parsed: ParsedFeatures;
  if (pipes.length >= 6 && pipes.slice(5).every((x) => /^[01]$/.test(x.trim()))) parsed = readUItem(lines, bad);
  else if (pipes.length === 5 && /^\d+$/.test(pipes[1].trim())) parsed = readUUser(lines, bad);
  else parsed = { records: readRows(lines, bad), format: 'rows' };
  if (parsed.records.length === 0) throw new AlsError('EMPTY_DATA', `${source} has no features.`, { source });
  parsed.records = scaleFeatures(parsed.records);
  return parsed;
}

/** One row of a MovieLens `u.item` file: id, title, and the names of the genres whose flag is set. */
export interface UItemRow {
  id: string;
  title: string;
  genres: string[];
}

/**
 * The rows of a MovieLens `u.item` file (`id|title|date|video date|url|flag…`), checked: every
 * row has the first row's field count and every genre flag is 0 or 1. Shared by the feature
 * reader (genres as features) and the label reader (titles and genres as names).
 * @returns the rows and the genre names in flag order (`u.genre`'s when there are 19 flags, else "0", "1", …)
 */
export function uItemRows(lines: string[], bad: (n: number, what: string) => AlsError): { rows: UItemRow[]; genres: readonly string[] } {
  const rows: UItemRow[] = [];
  let flags = -1;
  let names: readonly string[] = [];
  for (let n = 0; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const f = lines[n].split('|');
    if (flags < 0) {
      flags = f.length - 5;
      names = flags === ML100K_GENRES.length ? ML100K_GENRES : Array.from({ length: Math.max(0, flags) }, (_, g) => String(g));
    }
    const id = f[0].trim();
    if (id === '' || f.length !== flags + 5) throw bad(n, `a u.item row has ${f.length} "|"-separated fields, not ${flags + 5}`);
    const genres: string[] = [];
    for (let g = 0; g < flags; g++) {
      const flag = f[5 + g].trim();
      if (flag !== '0' && flag !== '1') throw bad(n, `genre flag ${g + 1} is ${JSON.stringify(flag)}, not 0 or 1`);
      if (flag === '1') genres.push(names[g]);
    }
    rows.push({ id, title: f[1].trim(), genres });
  }
  return { rows, genres: names };
}

/** `u.item`: one `genre=…` per set flag, the title kept apart. */
function readUItem(lines: string[], bad: (n: number, what: string) => AlsError): ParsedFeatures {
  const { rows } = uItemRows(lines, bad);
  const records: FeatureRecord[] = rows.flatMap((r) => r.genres.map((g) => ({ id: r.id, feature: `genre=${g}`, value: 1 })));
  return { records, format: 'u.item', titles: new Map(rows.map((r) => [r.id, r.title])) };
}

/** MovieLens-1M's age bands (upper bound exclusive, name): an age is a band (a category), not a strength every user shares. */
export const AGE_BANDS: [number, string][] = [[18, 'under 18'], [25, '18-24'], [35, '25-34'], [45, '35-44'], [50, '45-49'], [56, '50-55'], [Infinity, '56+']];

/** `u.user`: `age=<band>`, `gender=…`, `occupation=…` (the zip code is left out: too sparse to share). */
function readUUser(lines: string[], bad: (n: number, what: string) => AlsError): ParsedFeatures {
  const records: FeatureRecord[] = [];
  for (let n = 0; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const f = lines[n].split('|');
    const id = f[0].trim();
    const age = Number(f[1]);
    if (f.length !== 5 || id === '') throw bad(n, `a u.user row has ${f.length} "|"-separated fields, not 5`);
    if (f[1].trim() === '' || !Number.isFinite(age)) throw bad(n, `age ${JSON.stringify(f[1])} is not a number`);
    records.push({ id, feature: `age=${AGE_BANDS.find(([below]) => age < below)![1]}`, value: 1 });
    if (f[2].trim()) records.push({ id, feature: `gender=${f[2].trim()}`, value: 1 });
    if (f[3].trim()) records.push({ id, feature: `occupation=${f[3].trim()}`, value: 1 });
  }
  return { records, format: 'u.user' };
}

/** `id,feature[,value]` rows; a first row whose value is not a number, or whose columns are named (`item_id`, `feature`, `tag` …), is a header. */
function readRows(lines: string[], bad: (n: number, what: string) => AlsError): FeatureRecord[] {
  const records: FeatureRecord[] = [];
  const sample = lines.slice(0, 5).join('\n');
  const delimiter = sample.includes('\t') ? '\t' : !sample.includes(',') && sample.includes(';') ? ';' : ',';
  let firstRow = true;
  for (let n = 0; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const f = lines[n].split(delimiter).map((x) => unquote(x.trim()));
    const header =
      firstRow &&
      (/^(features?|tags?|genres?|attributes?|categor(y|ies)|labels?)$/i.test(f[1] ?? '') ||
        /^((item|user|movie|film|product)[_ ]?)?id$/i.test(f[0]) ||
        (f.length > 2 && f[2] !== '' && !Number.isFinite(Number(f[2]))));
    firstRow = false;
    if (header) continue;
    if (f.length < 2 || f.length > 3 || f[0] === '' || f[1] === '') throw bad(n, `found ${JSON.stringify(lines[n].slice(0, 80))}`);
    const value = f.length === 3 && f[2] !== '' ? Number(f[2]) : 1;
    if (!Number.isFinite(value)) throw bad(n, `value ${JSON.stringify(f[2])} is not a number`);
    records.push({ id: f[0], feature: f[1], value });
  }
  return records;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s;
}

/**
 * Scales numeric features into [0, 1]: a feature whose values all lie in [0, 1] (flags,
 * relevances) is kept as it is; any other is min–max scaled over its rows (one constant
 * value → 1). Features are strengths of a pseudo-interaction, so they must be comparable to 1.
 * @returns new records (the input is not changed)
 */
export function scaleFeatures(records: readonly FeatureRecord[]): FeatureRecord[] {
  const range = new Map<string, [number, number]>();
  for (const r of records) {
    const v = r.value ?? 1;
    const mm = range.get(r.feature);
    if (!mm) range.set(r.feature, [v, v]);
    else {
      mm[0] = Math.min(mm[0], v);
      mm[1] = Math.max(mm[1], v);
    }
  }
  return records.map((r) => {
    const v = r.value ?? 1;
    const [lo, hi] = range.get(r.feature)!;
    if (lo >= 0 && hi <= 1) return { id: r.id, feature: r.feature, value: v };
    return { id: r.id, feature: r.feature, value: hi > lo ? (v - lo) / (hi - lo) : 1 };
  });
}
