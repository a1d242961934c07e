/**
 * Names in the CLI: `train` keeps titles, genres and user attributes in the model (from
 * `--item-names` / `--user-names`, and from an `--item-features` u.item or `--user-features`
 * u.user, which carry them), and the serving commands print them next to the ids
 * (`  1. Star Wars (1977) [50]  4.2100`; `--json` rows gain `"title"` or `"attributes"`).
 * `--item-names FILE` on a serving command names the items of a model that has none.
 */
import { basename } from 'node:path';
import type { AlsModel, ScoredItem } from '../model/model.js';
import { labelFileKind, parseLabels } from '../features/label-read.js';
import { describeUser, mergeLabels, type ModelLabels } from '../model/labels.js';
import { AlsError } from '../errors.js';
import { readText } from './features.js';
import { escapeControl } from './shared.js';

/** Parsed flags (see args.ts). */
type Flags = Map<string, string | true>;

/** The flags: `train` takes both; the serving commands take `--item-names` (and `--user-names` where they list users). */
export const NAME_FLAGS = { train: ['item-names', 'user-names'], items: ['item-names'], users: ['item-names', 'user-names'] } as const;

/** Usage lines of the flags. */
export const NAMES_USAGE = `Names: --item-names FILE (titles: u.item, movies.csv, movies.dat, "id,title[,genres]") and
--user-names FILE (attributes: u.user, users.dat) are kept in the model by train — names only,
not learned as features (an --item-features u.item / --user-features u.user file keeps its
names too). Results print as "  1. Star Wars (1977) [50]  4.2100"; --json rows carry "title"
(items) or "attributes" (users). On other commands --item-names names a model without them.`;

/** Reads a labels file, requiring the side the flag names. */
async function readLabels(path: string, side: 'items' | 'users', flag: string): Promise<ModelLabels> {
  const parsed = parseLabels(await readText(path, `--${flag}`), basename(path));
  if (parsed.side !== side) throw new AlsError('BAD_OPTION', `--${flag} ${basename(path)} holds ${parsed.side === 'users' ? 'user attributes' : 'item titles'}: pass it as --${parsed.side === 'users' ? 'user' : 'item'}-names.`, { option: flag, path });
  return parsed.labels;
}

/** A feature file that also names (u.item: titles; u.user: attributes), or undefined. */
async function namesOfFeatureFile(path: string | true | undefined): Promise<ModelLabels | undefined> {
  if (typeof path !== 'string') return undefined;
  const text = await readText(path, 'a feature file');
  const kind = labelFileKind(text);
  return kind === 'u.item' || kind === 'u.user' ? parseLabels(text, basename(path)).labels : undefined;
}

/**
 * The labels `train` keeps: the ratings file's name, and the names of every file that has some.
 * @param ratings - the ratings file's path
 * @throws AlsError `IO_ERROR` / `PARSE_ERROR` naming the file; `BAD_OPTION` for a file of the other side
 */
export async function trainLabels(flags: Flags, ratings: string): Promise<ModelLabels> {
  const items = flags.get('item-names');
  const users = flags.get('user-names');
  return mergeLabels(
    { name: basename(ratings), sources: { ratings: basename(ratings) } },
    await namesOfFeatureFile(flags.get('item-features')),
    await namesOfFeatureFile(flags.get('user-features')),
    typeof items === 'string' ? await readLabels(items, 'items', 'item-names') : undefined,
    typeof users === 'string' ? await readLabels(users, 'users', 'user-names') : undefined,
  )!;
}

/** A serving command's `--item-names` / `--user-names`: merged over the model's own labels (this run only; the file is not changed). */
export async function withNames(model: AlsModel, flags: Flags): Promise<AlsModel> {
  const items = flags.get('item-names');
  const users = flags.get('user-names');
  if (typeof items !== 'string' && typeof users !== 'string') return model;
  model.setLabels(mergeLabels(model.labels, typeof items === 'string' ? await readLabels(items, 'items', 'item-names') : undefined, typeof users === 'string' ? await readLabels(users, 'users', 'user-names') : undefined));
  return model;
}

/** Ranked items with their titles (the `--json` rows): `{ id, title?, score }`. */
export function namedItems(model: AlsModel, items: readonly ScoredItem[]): (ScoredItem & { title?: string })[] {
  return items.map((it) => {
    const title = model.itemName(it.id);
    return title === undefined ? { id: it.id, score: it.score } : { id: it.id, title, score: it.score };
  });
}

/** Ranked users with their attributes (the `--json` rows): `{ id, attributes?, score }`. */
export function namedUsers(model: AlsModel, users: readonly ScoredItem[]): (ScoredItem & { attributes?: Record<string, string> })[] {
  return users.map((u) => {
    const attributes = model.userAttributes(u.id);
    return attributes === undefined ? { id: u.id, score: u.score } : { id: u.id, attributes, score: u.score };
  });
}

/** How an item or user is shown in a table: `Star Wars (1977) [50]`, `405 (25-34 · F · healthcare)`, or the id alone. */
export function shownName(model: AlsModel, id: ScoredItem['id'], side: 'items' | 'users'): string {
  const safe = escapeControl(String(id));
  if (side === 'items') {
    const title = model.itemName(id);
    return title === undefined ? safe : `${escapeControl(title)} [${safe}]`;
  }
  const about = describeUser(model.userAttributes(id));
  return about === undefined ? safe : `${safe} (${escapeControl(about)})`;
}

/** Ranked items or users on stdout, named where the model knows the names (nothing with `--json`: the result line carries them). */
export function printNamed(model: AlsModel, rows: readonly ScoredItem[], side: 'items' | 'users', json: boolean, scoreKind?: 'ranking' | 'rating'): void {
  if (json) return;
  // Say what the numbers are: a ranking score read as a rating misleads (0.40 is a strong match, not 0.4 stars).
  if (scoreKind) process.stderr.write(scoreKind === 'ranking' ? 'scores: ranking scores (higher = better match; not ratings — predict gives ratings)\n' : 'scores: predicted ratings\n');
  process.stdout.write(namedLines(model, rows, side));
}

/** The ranked rows as text lines ("  1. Star Wars (1977) [50]  0.4115"), names beside ids. */
export function namedLines(model: AlsModel, rows: readonly ScoredItem[], side: 'items' | 'users'): string {
  const shown = rows.map((r) => shownName(model, r.id, side));
  const width = Math.min(60, Math.max(16, ...shown.map((s) => s.length)));
  // Names and ids come from user files: control characters are shown escaped (shownName), never sent raw.
  return rows.map((r, rank) => `${String(rank + 1).padStart(3)}. ${shown[rank].padEnd(width)}  ${r.score.toFixed(4)}\n`).join('');
}

/**
 * An item named on the command line: its id when the model knows that id, else the item whose
 * title matches (case-insensitively: the whole title, else the only title containing the text).
 * @returns the id to ask the model with (the text as given when nothing matches: the model says it is unknown)
 * @throws AlsError `UNKNOWN_ITEM` when the text is in several titles (listing a few with their ids)
 */
export function resolveItem(model: AlsModel, text: string): string {
  if (model.items.index(text) !== undefined) return text;
  const entries = Object.entries(model.labels?.items ?? {}).filter(([id, l]) => l.title !== undefined && model.items.index(id) !== undefined);
  const q = text.trim().toLowerCase();
  const exact = entries.filter(([, l]) => l.title!.toLowerCase() === q);
  if (exact.length >= 1) return exact[0][0];
  const partial = entries.filter(([, l]) => l.title!.toLowerCase().includes(q));
  if (partial.length === 1 || q === '') return partial[0]?.[0] ?? text;
  if (partial.length > 1) {
    const some = partial.slice(0, 5).map(([id, l]) => `${l.title} [${id}]`).join('; ');
    throw new AlsError('UNKNOWN_ITEM', `"${text}" is in ${partial.length} titles (${some}${partial.length > 5 ? '; …' : ''}): give the id or the whole title.`, { item: text, matches: partial.length });
  }
  return text;
}
