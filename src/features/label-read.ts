/**
 * Reading labels from the side files people have: MovieLens `u.item` (titles and genre flags),
 * `u.user` (age, gender, occupation), `movies.dat` (`id::title::genres`), `users.dat`
 * (`id::gender::age::occupation::zip`), `movies.csv` and any `id,title[,genres]` CSV or TSV
 * (quoted fields, header optional; genres `|`-separated). The format is detected from the text.
 */
import { AlsError } from '../errors.js';
import type { ItemLabel, ModelLabels } from '../model/labels.js';
import { AGE_BANDS, uItemRows } from './read.js';

/** The layouts {@link parseLabels} reads. */
export type LabelFileFormat = 'u.item' | 'u.user' | 'movies.dat' | 'users.dat' | 'titles';

/** What {@link parseLabels} read: labels of items or of users. */
export interface ParsedLabels {
  /** The labels (`items` and `genres`, or `users`; `sources` names the file). */
  labels: ModelLabels;
  /** Whose labels they are. */
  side: 'items' | 'users';
  /** The layout detected. */
  format: LabelFileFormat;
}

/** An age's MovieLens band (`25-34`). */
export function ageBand(age: number): string {
  return AGE_BANDS.find(([below]) => age < below)![1];
}

/** Whether the text looks like a MovieLens side file rather than ratings: `u.item`, `u.user`, `movies.dat`, `users.dat`. */
export function labelFileKind(text: string): LabelFileFormat | null {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const pipes = first.split('|');
  if (pipes.length >= 6 && pipes.slice(5).every((x) => /^[01]$/.test(x.trim()))) return 'u.item';
  if (pipes.length === 5 && /^\d+$/.test(pipes[1].trim()) && /^[MF]$/i.test(pipes[2].trim())) return 'u.user';
  const colons = first.split('::');
  if (colons.length === 5 && /^[MF]$/i.test(colons[1].trim())) return 'users.dat';
  if (colons.length === 3 && !/^\s*-?[\d.]+\s*$/.test(colons[1])) return 'movies.dat';
  return null;
}

/**
 * Reads a labels file.
 * @param text - the file's text (decode Latin-1 files, such as MovieLens-100K's u.item, first)
 * @param source - its name, for messages and `labels.sources`
 * @throws AlsError `PARSE_ERROR` naming the line of a row without an id and a title; `EMPTY_DATA` for a file without rows
 * @example
 * parseLabels('1,Toy Story (1995),Animation|Comedy', 'movies.csv').labels.items
 * // → { '1': { title: 'Toy Story (1995)', genres: ['Animation', 'Comedy'] } }
 */
export function parseLabels(text: string, source = 'labels'): ParsedLabels {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const kind = labelFileKind(text) ?? 'titles';
  const bad = (n: number, what: string) => new AlsError('PARSE_ERROR', `${source}, line ${n + 1}: ${what}.`, { source, line: n + 1 });
  const parsed = kind === 'u.item' ? readUItem(lines, bad) : kind === 'u.user' || kind === 'users.dat' ? readUsers(lines, kind, bad) : readTitles(lines, kind === 'movies.dat', bad);
  const count = Object.keys(parsed.labels.items ?? parsed.labels.users ?? {}).length;
  if (count === 0) throw new AlsError('EMPTY_DATA', `${source} has no titles or attributes.`, { source });
  parsed.labels.sources = { [parsed.side]: source };
  return { ...parsed, format: kind };
}

type Bad = (n: number, what: string) => AlsError;

/** `u.item`: title, and the genres whose flag is set (names from `u.genre` when there are 19 flags). */
function readUItem(lines: string[], bad: Bad): Omit<ParsedLabels, 'format'> {
  const { rows, genres } = uItemRows(lines, bad);
  const items: Record<string, ItemLabel> = {};
  for (const r of rows) items[r.id] = { title: r.title, ...(r.genres.length ? { genres: r.genres } : {}) };
  return { labels: { items, genres: [...genres] }, side: 'items' };
}

/** `u.user` (`id|age|gender|occupation|zip`) or `users.dat` (`id::gender::age::occupation::zip`): age band, gender, occupation (the zip code is left out). */
function readUsers(lines: string[], kind: 'u.user' | 'users.dat', bad: Bad): Omit<ParsedLabels, 'format'> {
  const users: Record<string, Record<string, string>> = {};
  for (let n = 0; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const f = kind === 'u.user' ? lines[n].split('|') : lines[n].split('::');
    const [id, age, gender, occupation] = kind === 'u.user' ? [f[0], f[1], f[2], f[3]] : [f[0], f[2], f[1], f[3]];
    if (f.length !== 5 || id.trim() === '') throw bad(n, `a ${kind} row has ${f.length} fields, not 5`);
    if (!Number.isFinite(Number(age)) || age.trim() === '') throw bad(n, `age ${JSON.stringify(age)} is not a number`);
    users[id.trim()] = { age: ageBand(Number(age)), gender: gender.trim(), occupation: occupation.trim() };
  }
  return { labels: { users }, side: 'users' };
}

/** `movies.dat`, `movies.csv`, `id,title[,genres]` (CSV or TSV, header optional). */
function readTitles(lines: string[], dat: boolean, bad: Bad): Omit<ParsedLabels, 'format'> {
  const items: Record<string, ItemLabel> = {};
  const tsv = !dat && lines.slice(0, 5).some((l) => l.includes('\t'));
  const seen = new Set<string>();
  let numericTitles = 0;
  let rows = 0;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === '') continue;
    const fields = dat ? line.split('::') : tsv ? line.split('\t') : splitCsv(line);
    if (rows === 0 && /^((movie|item|film|product)[_ ]?)?id$/i.test(fields[0]?.trim() ?? '') && /title|name/i.test(fields[1] ?? '')) continue; // header
    const id = fields[0]?.trim();
    const title = fields[1]?.trim();
    if (!id || !title) throw bad(n, `expected "id,title[,genres]" but found ${JSON.stringify(line.slice(0, 80))}`);
    rows++;
    if (/^-?[\d.]+$/.test(title)) numericTitles++;
    const genres = (fields[2] ?? '').split('|').map((g) => g.trim()).filter((g) => g !== '' && g !== '(no genres listed)');
    for (const g of genres) seen.add(g);
    items[id] = { title, ...(genres.length ? { genres } : {}) };
  }
  // Every "title" a number: this is a ratings file (user,item,rating), not titles.
  if (rows > 0 && numericTitles === rows) throw bad(0, 'every second column is a number: this looks like a ratings file, not "id,title[,genres]" titles');
  return { labels: { items, ...(seen.size ? { genres: [...seen] } : {}) }, side: 'items' };
}

/** Splits one CSV line, honouring double quotes (`""` inside quotes is a quote). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
