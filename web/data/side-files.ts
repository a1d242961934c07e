import { labelFileKind, parseFeatures, parseLabels, type FeatureRecord, type ModelLabels } from '../../src/index.js';
import { itemsFromLabels, type ItemInfo } from './titles.js';

/** What an optional file dropped beside the ratings gave the page (with the labels the model keeps). */
export type SideFile =
  | { kind: 'titles'; items: Map<string, ItemInfo>; labels: ModelLabels }
  | { kind: 'u.item'; items: Map<string, ItemInfo>; itemFeatures: FeatureRecord[]; labels: ModelLabels }
  | { kind: 'u.user'; userFeatures: FeatureRecord[]; labels: ModelLabels }
  | { kind: 'features'; itemFeatures: FeatureRecord[] };

/** Whether the text looks like MovieLens-100K's u.item (`id|title|date||url|genre flags`) or u.user (`id|age|gender|occupation|zip`). */
export function movieLensKind(text: string): 'u.item' | 'u.user' | null {
  const kind = labelFileKind(text);
  return kind === 'u.item' || kind === 'u.user' ? kind : null;
}

/**
 * What a file chosen as ratings is when it is a titles or attributes file instead (MovieLens
 * u.item, u.user, movies.dat, users.dat, judged by its first line), or null for anything else.
 */
export function misplacedSideFile(text: string): string | null {
  const kind = labelFileKind(text);
  return kind === null ? null : kind === 'u.user' || kind === 'users.dat' ? `a user attributes file (${kind})` : `a titles file (${kind})`;
}

/**
 * Reads an optional file: titles (`id,title[,genres]`, `movies.csv`, `movies.dat`), MovieLens
 * `u.item` (titles, and its genres as item features), `u.user` (user attributes) or a feature
 * file (`id,feature[,value]`, named like `*features*`).
 * @throws AlsError `PARSE_ERROR` naming the line
 */
export function readSideFile(text: string, name: string): SideFile {
  const kind = labelFileKind(text);
  if (kind === 'u.user' || kind === 'users.dat') {
    const { labels } = parseLabels(text, name);
    return { kind: 'u.user', userFeatures: kind === 'u.user' ? parseFeatures(text, name).records : attributeFeatures(labels), labels };
  }
  if (kind === 'u.item') {
    const { labels } = parseLabels(text, name);
    return { kind: 'u.item', items: itemsFromLabels(labels), itemFeatures: parseFeatures(text, name).records, labels };
  }
  if (/feature|attribute|tag/i.test(name)) return { kind: 'features', itemFeatures: parseFeatures(text, name).records };
  const { labels } = parseLabels(text, name);
  return { kind: 'titles', items: itemsFromLabels(labels), labels };
}

/** User features from attributes (`users.dat`): one `name=value` per attribute. */
function attributeFeatures(labels: ModelLabels): FeatureRecord[] {
  return Object.entries(labels.users ?? {}).flatMap(([id, a]) => Object.entries(a).map(([k, v]) => ({ id, feature: `${k}=${v}` })));
}

/** Item features from titles with genres (`movies.csv`, the built-in catalogue): one `genre=…` per genre of each item. */
export function genreFeatures(items: Map<string, ItemInfo>): FeatureRecord[] {
  return [...items].flatMap(([id, info]) => (info.genres ?? (info.genre ? [info.genre] : [])).map((g) => ({ id, feature: `genre=${g}` })));
}
