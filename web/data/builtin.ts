import { builtinDataset, GENRES, type InteractionRecord } from '../../src/index.js';
import type { ItemInfo } from './titles.js';

/** The page's built-in data: the library's film catalogue and its users' events or ratings. */
export interface DemoDataset {
  /** Interaction records. */
  records: InteractionRecord[];
  /** The same records as headed TSV for `load`: one string crosses to the worker far faster than 23 000 cloned objects. */
  text: string;
  /** Titles and genres by item id. */
  items: Map<string, ItemInfo>;
  /** Planted tastes by user id (the truth a person can check recommendations against). */
  tastes: Map<string, [string, string]>;
  /** Feedback that fits the data. */
  feedback: 'implicit' | 'explicit';
  /** Genres in display order. */
  genres: string[];
}

/**
 * The film club, as implicit events (views, basket adds, purchases) or as explicit 1–5 star
 * ratings derived from the same planted tastes: a film in one of the user's two genres gets
 * 4–5 stars, any other 1–3 (deterministic, so the page always opens on the same data).
 */
export function demoDataset(kind: 'events' | 'ratings'): DemoDataset {
  const ds = builtinDataset();
  const items = new Map(ds.catalogue.map((c) => [c.id, { title: c.title, genre: c.genre }]));
  if (kind === 'events') {
    const text = `user\titem\tevent\ttimestamp\n${ds.events.map((e) => `${e.user}\t${e.item}\t${e.event}\t${e.timestamp}`).join('\n')}`;
    return { records: ds.events, text, items, tastes: ds.tastes, feedback: 'implicit', genres: [...GENRES] };
  }
  const records: InteractionRecord[] = [];
  const seen = new Set<string>();
  let h = 2166136261;
  for (const e of ds.events) {
    const key = `${e.user}\u0000${e.item}`;
    if (seen.has(key)) continue;
    seen.add(key);
    h = Math.imul(h ^ (records.length + 1), 16777619) >>> 0; // FNV-style hash as a cheap deterministic jitter
    const liked = ds.tastes.get(String(e.user))!.includes(items.get(String(e.item))!.genre);
    records.push({ user: e.user, item: e.item, value: liked ? 4 + (h % 2) : 1 + (h % 3) });
  }
  const text = `user\titem\trating\n${records.map((r) => `${r.user}\t${r.item}\t${r.value}`).join('\n')}`;
  return { records, text, items, tastes: ds.tastes, feedback: 'explicit', genres: [...GENRES] };
}
