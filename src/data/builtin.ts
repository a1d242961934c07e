import { Rng } from '../util/rng.js';
import type { InteractionRecord } from './types.js';

/** A catalogue item of the built-in dataset. */
export interface CatalogueItem {
  /** Item id, e.g. "m17". */
  id: string;
  /** A made-up title. */
  title: string;
  /** Its genre. */
  genre: string;
}

/** The built-in dataset: a fictional film catalogue and shoppers with planted tastes. */
export interface BuiltinDataset {
  /** The items with titles and genres. */
  catalogue: CatalogueItem[];
  /** Implicit events (view / basket / purchase), one record per event. */
  events: InteractionRecord[];
  /** Each user's two favourite genres (the planted truth). */
  tastes: Map<string, [string, string]>;
}

/** Genres of the built-in catalogue. */
export const GENRES = ['Sci-Fi', 'Romance', 'Horror', 'Comedy', 'Documentary', 'Western', 'Animation', 'Thriller', 'Musical', 'Fantasy'];

const ADJECTIVES = ['Silent', 'Crimson', 'Last', 'Hidden', 'Broken', 'Golden', 'Endless', 'Midnight', 'Distant', 'Electric', 'Forgotten', 'Wild', 'Frozen', 'Burning', 'Quiet', 'Secret'];
const NOUNS = ['Harbor', 'Orbit', 'Garden', 'Frontier', 'Mirror', 'Valley', 'Signal', 'Kingdom', 'Circus', 'Lighthouse', 'Voyage', 'Machine', 'Letter', 'Canyon', 'Carnival', 'Island'];

/**
 * A small, fully generated dataset that makes sense to a person: 300 films in 10 genres and
 * 800 users who each love two genres; 85 % of their events fall in those genres. Events are
 * views (most), basket adds and purchases. Good recommendations are visibly right: a
 * Sci-Fi/Horror fan should be shown Sci-Fi and Horror films.
 *
 * @param seed - generator seed (default 7)
 */
export function builtinDataset(seed = 7): BuiltinDataset {
  const rng = new Rng(seed);
  const catalogue: CatalogueItem[] = [];
  const byGenre = new Map<string, CatalogueItem[]>(GENRES.map((g) => [g, []]));
  const usedTitles = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const genre = GENRES[i % GENRES.length];
    let title: string;
    do {
      title = `The ${ADJECTIVES[rng.int(ADJECTIVES.length)]} ${NOUNS[rng.int(NOUNS.length)]}`;
      if (usedTitles.has(title)) title += ` ${['II', 'III', 'Returns', 'Reborn'][rng.int(4)]}`;
    } while (usedTitles.has(title));
    usedTitles.add(title);
    const item = { id: `m${i + 1}`, title, genre };
    catalogue.push(item);
    byGenre.get(genre)!.push(item);
  }
  // Popularity within a genre: a few hits, a long tail.
  const weightOf = (rankInGenre: number) => 1 / (1 + rankInGenre) ** 0.7;
  const pick = (items: CatalogueItem[]): CatalogueItem => {
    let total = 0;
    for (let r = 0; r < items.length; r++) total += weightOf(r);
    let x = rng.next() * total;
    for (let r = 0; r < items.length; r++) {
      x -= weightOf(r);
      if (x < 0) return items[r];
    }
    return items[items.length - 1];
  };
  const events: InteractionRecord[] = [];
  const tastes = new Map<string, [string, string]>();
  let t = 1_700_000_000;
  for (let u = 0; u < 800; u++) {
    const user = `user${u + 1}`;
    const a = rng.int(GENRES.length);
    const b = (a + 1 + rng.int(GENRES.length - 1)) % GENRES.length;
    tastes.set(user, [GENRES[a], GENRES[b]]);
    const count = 15 + rng.int(30);
    for (let e = 0; e < count; e++) {
      const roll = rng.next();
      const genre = roll < 0.85 ? GENRES[rng.next() < 0.5 ? a : b] : GENRES[rng.int(GENRES.length)];
      const item = pick(byGenre.get(genre)!);
      const kind = rng.next();
      const event = kind < 0.7 ? 'view' : kind < 0.9 ? 'basket' : 'purchase';
      events.push({ user, item: item.id, event, timestamp: (t += 1 + rng.int(600)) });
    }
  }
  return { catalogue, events, tastes };
}
