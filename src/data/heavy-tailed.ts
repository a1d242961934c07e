import { Rng } from '../util/rng.js';
import { badOption } from '../errors.js';
import { createIdMap } from './id-map.js';
import { lowerBound } from './synthetic.js';
import type { Interactions } from './types.js';

/** Options of {@link generateHeavyTailed}. */
export interface HeavyTailedOptions {
  /** Ordinary users (≥ 1). */
  users: number;
  /** Items (≥ 1). */
  items: number;
  /** Mean distinct items per ordinary user. Default 20. */
  meanPerUser?: number;
  /** σ of the log-normal user activity (0 = everyone alike; 1.2 ≈ Zipf-like e-commerce activity). Default 1. */
  activitySpread?: number;
  /** Fewest items per ordinary user. Default 2. */
  minPerUser?: number;
  /** Zipf exponent of item popularity. Default 1. */
  popularity?: number;
  /** Taste groups: each item belongs to one, each user favours one or two. Default 12. */
  groups?: number;
  /** Share of a user's picks from their favourite groups (the rest follow popularity). Default 0.8. */
  tasteShare?: number;
  /** Median count (plays, views) of a pair. Default 1 (counts then start at 1 and rarely exceed a few). */
  countMedian?: number;
  /** σ of the log-normal counts (2 ≈ play counts spanning five orders of magnitude). Default 1. */
  countSpread?: number;
  /** Whale users added after the ordinary ones (`w<k>` ids). Default 0. */
  whales?: number;
  /** Distinct items of each whale (capped at 60 % of the catalogue). Default 10 000. */
  whaleItems?: number;
  /** Multiplier of a whale's counts (a bot or a shared account). Default 100. */
  whaleCountScale?: number;
  /** Seed. Default 1. */
  seed?: number;
}

/**
 * Generates a seeded implicit-feedback set with the shapes real interaction logs have and
 * generated MovieLens-like sets lack: log-normal (Zipf-like) user activity, Zipf item
 * popularity, log-normal counts spanning orders of magnitude, and optional "whale" users with
 * 10⁴–10⁵ items or counts. Tastes are planted as groups: each item belongs to one group, each
 * user favours one or two, so a held-out pair is predictable from the rest. Counts of favoured
 * items are larger on average (people replay what they like). Ids are `u<k>`, `w<k>`, `i<k>`.
 *
 * @param opts - sizes and shape
 * @returns columnar interactions (value = count ≥ 1), no duplicates
 * @throws AlsError `BAD_OPTION` for impossible sizes
 */
export function generateHeavyTailed(opts: HeavyTailedOptions): Interactions {
  const { users: m, items: n } = opts;
  if (!Number.isInteger(m) || m < 1) throw badOption('users', m, 'an integer ≥ 1');
  if (!Number.isInteger(n) || n < 2) throw badOption('items', n, 'an integer ≥ 2');
  const rng = new Rng(opts.seed ?? 1);
  const groups = Math.max(1, Math.min(opts.groups ?? 12, n));
  const meanPerUser = opts.meanPerUser ?? 20;
  const spread = opts.activitySpread ?? 1;
  const minPerUser = Math.max(1, Math.min(opts.minPerUser ?? 2, n));
  const maxPerUser = Math.max(minPerUser, Math.floor(0.6 * n));
  const tasteShare = opts.tasteShare ?? 0.8;
  const countMedian = opts.countMedian ?? 1;
  const countSpread = opts.countSpread ?? 1;
  const whales = opts.whales ?? 0;
  const whaleItems = Math.min(opts.whaleItems ?? 10_000, maxPerUser);
  const whaleScale = opts.whaleCountScale ?? 100;

  // Items: a Zipf weight in a random order, and a group each.
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const pop = new Float64Array(n);
  for (let r = 0; r < n; r++) pop[order[r]] = 1 / Math.pow(r + 1, opts.popularity ?? 1);
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) group[i] = rng.int(groups);
  const byGroup = Array.from({ length: groups }, () => [] as number[]);
  for (let i = 0; i < n; i++) byGroup[group[i]].push(i);
  const cumGroup = byGroup.map((list) => cumulative(list.map((i) => pop[i])));
  const cumAll = cumulative(Array.from(pop));

  const user: number[] = [];
  const item: number[] = [];
  const value: number[] = [];
  const picked = new Uint8Array(n);
  const pickFrom = (list: number[] | null, cum: Float64Array): number => {
    const at = lowerBound(cum, rng.next() * cum[cum.length - 1]);
    return list ? list[at] : at;
  };
  const total = m + whales;
  // Mean of a log-normal with σ is e^{σ²/2}: divide it out so meanPerUser is the mean.
  const activityScale = meanPerUser / Math.exp((spread * spread) / 2);
  for (let u = 0; u < total; u++) {
    const whale = u >= m;
    const favourite = [rng.int(groups), rng.int(groups)];
    const count = whale ? whaleItems : Math.min(maxPerUser, Math.max(minPerUser, Math.round(activityScale * Math.exp(spread * rng.normal()))));
    const loudness = Math.log(countMedian) + 0.5 * rng.normal() + (whale ? Math.log(whaleScale) : 0);
    const start = user.length;
    let misses = 0;
    while (user.length - start < count) {
      const tasteful = rng.next() < tasteShare;
      const g = favourite[rng.int(2)];
      // Heavy users run out of their groups' items: after many misses draw from the catalogue.
      const i = tasteful && misses < 64 && byGroup[g].length > 0 ? pickFrom(byGroup[g], cumGroup[g]) : pickFrom(null, cumAll);
      if (picked[i]) {
        misses++;
        if (misses > 10_000) break;
        continue;
      }
      picked[i] = 1;
      const liked = group[i] === favourite[0] || group[i] === favourite[1];
      user.push(u);
      item.push(i);
      value.push(Math.max(1, Math.round(Math.exp(loudness + (liked ? 0.7 : 0) + countSpread * rng.normal()))));
    }
    for (let j = start; j < user.length; j++) picked[item[j]] = 0;
  }
  const usersMap = createIdMap();
  for (let u = 0; u < total; u++) usersMap.intern(u < m ? `u${u + 1}` : `w${u - m + 1}`);
  const itemsMap = createIdMap();
  for (let i = 0; i < n; i++) itemsMap.intern(`i${i + 1}`);
  return {
    length: user.length,
    users: usersMap,
    items: itemsMap,
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    value: Float64Array.from(value),
    hasValue: true,
    skipped: { count: 0, examples: [] },
    source: 'heavy-tailed',
  };
}

function cumulative(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) out[i] = s += weights[i];
  return out;
}
