import { parseLabels, type ModelLabels } from '../../src/index.js';

/** What the page knows about an item besides its id. */
export interface ItemInfo {
  /** Display title (shown as text, never HTML). */
  title: string;
  /** First genre, used for colours; `''` when unknown. */
  genre: string;
  /** Every genre of the item, in the file's order (shown on hover), when it has more than one. */
  genres?: string[];
}

/** The page's item table from labels (a titles file's, or a loaded model's). */
export function itemsFromLabels(labels: ModelLabels | null | undefined): Map<string, ItemInfo> {
  const out = new Map<string, ItemInfo>();
  for (const [id, l] of Object.entries(labels?.items ?? {})) {
    const genres = l.genres ?? [];
    // The first real genre colours the film ("unknown" only when it is the only one).
    const genre = genres.find((g) => g !== 'unknown') ?? genres[0] ?? '';
    out.set(id, { title: l.title ?? id, genre, ...(genres.length > 1 ? { genres } : {}) });
  }
  return out;
}

/**
 * Reads an item-title file: `id,title[,genres]` CSV (quoted fields allowed, header optional),
 * MovieLens `movies.csv` (`movieId,title,genres` with `|`-separated genres), `movies.dat`
 * (`id::title::genres`) or `u.item` — the library's `parseLabels`.
 * @throws AlsError `PARSE_ERROR` naming the line of a row without an id and a title
 */
export function parseTitles(text: string, source = 'titles'): Map<string, ItemInfo> {
  return itemsFromLabels(parseLabels(text, source).labels);
}
