/**
 * The CLI's side-information flags: `train --item-features FILE [--user-features FILE]
 * [--feature-weight W]`, `evaluate --candidates FILE`, `recommend --item-features FILE`.
 * Each command's module adds them with one spread in its flags; main.ts appends the usage lines.
 */
import { basename } from 'node:path';
import type { AlsModel } from '../model/model.js';
import { AlsError } from '../errors.js';
import { addItems } from '../features/cold.js';
import { parseFeatures } from '../features/read.js';
import type { FeatureOptions, FeatureRecord } from '../features/types.js';
import { readTextFile } from '../io/bounded-read.js';

/** The flags each command gains. */
export const FEATURE_FLAGS = {
  train: ['item-features', 'user-features', 'feature-weight'],
  evaluate: ['candidates'],
  recommend: ['item-features'],
} as const;

/** Usage lines of the flags. */
export const FEATURE_USAGE = `Side information (features): rows "id,feature[,value]" (header optional) or a MovieLens
u.item / u.user file, detected. Each feature is learned as a pseudo-user (item features) or
a pseudo-item (user features); items and users with features but no interactions get factors.
  als-wasm train FILE --out MODEL --item-features FILE [--user-features FILE] [--feature-weight 1]
  als-wasm evaluate --model MODEL --test FILE --candidates FILE   rank only the listed items
      (one id per line, or the first column): the cold-start protocol
  als-wasm recommend --model MODEL --user ID --item-features FILE   add the file's new items
      to the model from their features (no retraining) before recommending`;

/** Parsed flags (see args.ts). */
type Flags = Map<string, string | true>;

/** A side file's text, within the size bound: UTF-8 (or UTF-16 by its BOM), else Latin-1 (MovieLens-100K's u.item). */
export async function readText(path: string, flag: string): Promise<string> {
  return (await readTextFile(path, flag)).text;
}

async function readFeatureFile(path: string, flag: string): Promise<FeatureRecord[]> {
  return parseFeatures(await readText(path, flag), basename(path)).records;
}

/**
 * `train`'s feature options from its flags (none when no feature flag is given).
 * @throws AlsError `IO_ERROR` / `PARSE_ERROR` naming the file and line; `BAD_OPTION` for a bad weight
 */
export async function featureTrainOptions(flags: Flags): Promise<FeatureOptions> {
  const out: FeatureOptions = {};
  const items = flags.get('item-features');
  const users = flags.get('user-features');
  const weight = flags.get('feature-weight');
  if (typeof items === 'string') out.itemFeatures = await readFeatureFile(items, '--item-features');
  if (typeof users === 'string') out.userFeatures = await readFeatureFile(users, '--user-features');
  if (typeof weight === 'string') {
    const w = Number(weight);
    if (!(Number.isFinite(w) && w > 0)) throw new AlsError('BAD_OPTION', `--feature-weight must be a number > 0, got ${JSON.stringify(weight)}`, { option: 'featureWeight', value: weight });
    out.featureWeight = w;
  }
  return out;
}

/** `evaluate --candidates FILE`: the item ids to rank (one per line, or the first delimited column). */
export async function candidatesOption(flags: Flags): Promise<{ candidates?: string[] }> {
  const path = flags.get('candidates');
  if (typeof path !== 'string') return {};
  const ids = (await readText(path, '--candidates'))
    .split(/\r?\n/)
    .map((l) => l.split(/[,\t;|]/)[0].trim())
    .filter((id) => id !== '');
  if (ids.length === 0) throw new AlsError('EMPTY_DATA', `${basename(path)} lists no candidate items.`, { path });
  return { candidates: [...new Set(ids)] };
}

/** `recommend --item-features FILE`: the model with the file's new items added (items it has already are left as they are). */
export async function withItemFeatures(model: AlsModel, flags: Flags): Promise<AlsModel> {
  const path = flags.get('item-features');
  if (typeof path !== 'string') return model;
  const fresh = (await readFeatureFile(path, '--item-features')).filter((r) => model.items.index(r.id) === undefined);
  if (fresh.length === 0) return model;
  const { model: next, added, unknownFeatures } = await addItems(model, fresh);
  process.stderr.write(`added ${added.length} items from ${basename(path)}${unknownFeatures.length ? ` (features the model does not know, ignored: ${unknownFeatures.slice(0, 5).join(', ')})` : ''}\n`);
  return next;
}

/** `train --json` fields: how many features the model learned. */
export function featureSummary(model: AlsModel): { itemFeatures?: number; userFeatures?: number } {
  const f = model.features;
  return f ? { itemFeatures: f.item?.names.length ?? 0, userFeatures: f.user?.names.length ?? 0 } : {};
}
