import { parseFeatures, type FeatureRecord } from '../../src/index.js';
import { parseTitles, type ItemInfo } from './titles.js';

/** What an optional file dropped beside the ratings gave the page. */
export type SideFile =
  | { kind: 'titles'; items: Map<string, ItemInfo> }
  | { kind: 'u.item'; items: Map<string, ItemInfo>; itemFeatures: FeatureRecord[] }
  | { kind: 'u.user'; userFeatures: FeatureRecord[] }
  | { kind: 'features'; itemFeatures: FeatureRecord[] };

/** Whether the text looks like MovieLens-100K's u.item (`id|title|date||url|genre flags`) or u.user (`id|age|gender|occupation|zip`). */
export function movieLensKind(text: string): 'u.item' | 'u.user' | null {
  const first = (text.replace(/^\uFEFF/, '').split(/\r?\n/).find((l) => l.trim() !== '') ?? '').split('|');
  if (first.length >= 6 && first.slice(5).every((x) => /^[01]$/.test(x.trim()))) return 'u.item';
  if (first.length === 5 && /^\d+$/.test(first[1].trim())) return 'u.user';
  return null;
}

/**
 * Reads an optional file: titles (`id,title[,genres]`, `movies.csv`, `movies.dat`), MovieLens
 * `u.item` (titles, and its genres as item features), `u.user` (user attributes) or a feature
 * file (`id,feature[,value]`, named like `*features*`).
 * @throws AlsError `PARSE_ERROR` naming the line
 */
export function readSideFile(text: string, name: string): SideFile {
  const ml = movieLensKind(text);
  if (ml === 'u.user') return { kind: 'u.user', userFeatures: parseFeatures(text, name).records };
  if (ml === 'u.item') {
    const parsed = parseFeatures(text, name);
    const genres = new Map<string, string>();
    // The first real genre colours the film ("unknown" only when it is the only one).
    for (const r of parsed.records) if (!genres.has(String(r.id)) || genres.get(String(r.id)) === 'unknown') genres.set(String(r.id), r.feature.replace(/^genre=/, ''));
    const items = new Map([...parsed.titles!].map(([id, title]) => [id, { title, genre: genres.get(id) ?? '' }]));
    return { kind: 'u.item', items, itemFeatures: parsed.records };
  }
  if (/feature|attribute|tag/i.test(name)) return { kind: 'features', itemFeatures: parseFeatures(text, name).records };
  return { kind: 'titles', items: parseTitles(text, name) };
}

/** Item features from titles with genres (`movies.csv`, the built-in catalogue): one `genre=…` per item. */
export function genreFeatures(items: Map<string, ItemInfo>): FeatureRecord[] {
  return [...items].filter(([, info]) => info.genre !== '').map(([id, info]) => ({ id, feature: `genre=${info.genre}` }));
}
