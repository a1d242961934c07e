import { Rng } from '../util/rng.js';
import { badOption, checkOptions } from '../errors.js';
import { createIdMap } from './id-map.js';
import type { Interactions } from './types.js';

/** Every option of {@link SyntheticOptions} (typed: a new option fails to compile until listed). */
const SYNTHETIC_OPTION_NAMES = Object.keys({
  users: 1, items: 1, interactions: 1, rank: 1, feedback: 1, popularity: 1, tasteStrength: 1, noise: 1, minPerUser: 1, seed: 1,
} satisfies Record<keyof SyntheticOptions, 1>);

/** Options of {@link generateSynthetic}. */
export interface SyntheticOptions {
  /** Users (≥ 1). */
  users: number;
  /** Items (≥ 1). */
  items: number;
  /** Target number of distinct (user, item) pairs. */
  interactions: number;
  /** Rank of the planted taste structure. Default 8. */
  rank?: number;
  /** Ratings 1–5 (`explicit`) or counts ≥ 1 (`implicit`). Default `implicit`. */
  feedback?: 'explicit' | 'implicit';
  /** Zipf exponent of item popularity (0 = uniform). Default 0.9. */
  popularity?: number;
  /** How strongly taste (vs popularity) decides which items a user picks. Default 2. */
  tasteStrength?: number;
  /** Explicit only: standard deviation of rating noise. Default 0.5. */
  noise?: number;
  /** Minimum interactions per user. Default min(20, items). */
  minPerUser?: number;
  /** Seed. Default 1. */
  seed?: number;
}

/** Generated interactions plus the planted truth. */
export interface SyntheticData extends Interactions {
  /** users × rank planted user tastes. */
  truthUsers: Float64Array;
  /** items × rank planted item traits. */
  truthItems: Float64Array;
  /** The planted rank. */
  rank: number;
}

/**
 * Generates a seeded interaction set with planted low-rank tastes, power-law item popularity
 * and skewed user activity (MovieLens-like shapes, e.g. 6 040 × 3 706 × 1 M). Each user
 * picks distinct items with probability ∝ popularity_i · exp(β·x_uᵀy_i); explicit ratings are
 * round(3 + 1.5·x_uᵀy_i/σ + noise) clipped to 1–5, implicit values are counts that grow with
 * affinity. Ids are `u<k>` / `i<k>` strings, k from 1.
 *
 * @param opts - sizes and shape
 * @returns columnar interactions with the planted factors
 * @throws AlsError `BAD_OPTION` for impossible sizes
 */
export function generateSynthetic(opts: SyntheticOptions): SyntheticData {
  checkOptions(opts, SYNTHETIC_OPTION_NAMES);
  const { users: m, items: n } = opts;
  if (!Number.isInteger(m) || m < 1) throw badOption('users', m, 'an integer ≥ 1');
  if (!Number.isInteger(n) || n < 1) throw badOption('items', n, 'an integer ≥ 1');
  const rank = opts.rank ?? 8;
  const minPerUser = Math.min(opts.minPerUser ?? 20, n);
  const maxPerUser = Math.max(minPerUser, Math.floor(n * 0.6));
  if (!Number.isInteger(opts.interactions) || opts.interactions < m * minPerUser || opts.interactions > m * maxPerUser) {
    throw badOption('interactions', opts.interactions, `an integer in [${m * minPerUser}, ${m * maxPerUser}] for ${m} users × ${n} items`);
  }
  const rng = new Rng(opts.seed ?? 1);
  const beta = opts.tasteStrength ?? 2;
  const gamma = opts.popularity ?? 0.9;
  const explicit = opts.feedback === 'explicit';
  const noise = opts.noise ?? 0.5;

  const truthUsers = gaussian(m * rank, rng, 1 / Math.sqrt(rank));
  const truthItems = gaussian(n * rank, rng, 1);
  // Popularity: a random permutation of Zipf weights so popularity is not tied to the index.
  const pop = new Float64Array(n);
  const order = shuffle(n, rng);
  for (let r = 0; r < n; r++) pop[order[r]] = 1 / Math.pow(r + 1, gamma);

  // Activity: lognormal around the mean, then scaled to hit the target total exactly.
  const counts = userCounts(m, opts.interactions, minPerUser, maxPerUser, rng);

  const total = opts.interactions;
  const user = new Int32Array(total);
  const item = new Int32Array(total);
  const value = new Float64Array(total);
  const weight = new Float64Array(n);
  const cumulative = new Float64Array(n);
  const picked = new Uint8Array(n);
  let at = 0;
  for (let u = 0; u < m; u++) {
    for (let i = 0; i < n; i++) {
      let a = 0;
      for (let r = 0; r < rank; r++) a += truthUsers[u * rank + r] * truthItems[i * rank + r];
      weight[i] = a;
    }
    let sum = accumulate(cumulative, weight, pop, picked, beta);
    const start = at;
    let need = counts[u];
    let misses = 0;
    while (need > 0) {
      const i = lowerBound(cumulative, rng.next() * sum);
      if (picked[i]) {
        // Heavy users exhaust the likely items: re-weight without the picked ones.
        if (++misses > 32) {
          sum = accumulate(cumulative, weight, pop, picked, beta);
          misses = 0;
        }
        continue;
      }
      misses = 0;
      picked[i] = 1;
      user[at] = u;
      item[at] = i;
      const a = weight[i];
      value[at] = explicit
        ? Math.min(5, Math.max(1, Math.round(3 + 1.5 * a + noise * rng.normal())))
        : 1 + Math.floor(-Math.log(1 - rng.next()) * Math.exp(Math.max(-2, Math.min(3, a))));
      at++;
      need--;
    }
    for (let j = start; j < at; j++) picked[item[j]] = 0;
  }

  const usersMap = createIdMap();
  for (let u = 0; u < m; u++) usersMap.intern(`u${u + 1}`);
  const itemsMap = createIdMap();
  for (let i = 0; i < n; i++) itemsMap.intern(`i${i + 1}`);
  return {
    length: total,
    users: usersMap,
    items: itemsMap,
    user,
    item,
    value,
    hasValue: true,
    skipped: { count: 0, examples: [] },
    source: 'synthetic',
    truthUsers,
    truthItems,
    rank,
  };
}

/** cumulative[i] = Σ_{j≤i} pop_j·exp(β·a_j) over unpicked j; returns the total. */
function accumulate(cumulative: Float64Array, affinity: Float64Array, pop: Float64Array, picked: Uint8Array, beta: number): number {
  let sum = 0;
  for (let i = 0; i < cumulative.length; i++) {
    if (!picked[i]) sum += pop[i] * Math.exp(beta * affinity[i]);
    cumulative[i] = sum;
  }
  return sum;
}

function gaussian(len: number, rng: Rng, scale: number): Float64Array {
  const out = new Float64Array(len);
  for (let j = 0; j < len; j++) out[j] = rng.normal() * scale;
  return out;
}

function shuffle(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function userCounts(m: number, total: number, lo: number, hi: number, rng: Rng): Int32Array {
  const raw = new Float64Array(m);
  let s = 0;
  for (let u = 0; u < m; u++) {
    raw[u] = Math.exp(1.0 * rng.normal());
    s += raw[u];
  }
  const counts = new Int32Array(m);
  let assigned = 0;
  for (let u = 0; u < m; u++) {
    counts[u] = Math.min(hi, Math.max(lo, Math.round((raw[u] / s) * total)));
    assigned += counts[u];
  }
  // Fix the total exactly, one unit at a time over users with room (deterministic sweep).
  let u = 0;
  while (assigned !== total) {
    if (assigned < total && counts[u] < hi) {
      counts[u]++;
      assigned++;
    } else if (assigned > total && counts[u] > lo) {
      counts[u]--;
      assigned--;
    }
    u = (u + 1) % m;
  }
  return counts;
}

/** The first index whose cumulative weight exceeds x (sampling by inverse CDF). */
export function lowerBound(cum: Float64Array, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
