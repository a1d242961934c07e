// Generated rating files with the shape of real ones: Zipf item popularity, long-tailed user
// activity with a few whales, ratings 1–5 from a low-rank taste model plus item quality and user
// leniency, and missing not at random — people mostly rate what they chose to watch, and chose
// what they expected to like. Obscure items keep a few, often high, ratings: the case where
// ranking by predicted rating fails.
import * as lib from './lib.mjs';

/**
 * @param {{ users: number, items: number, meanPerUser: number, factors?: number, whales?: number, seed?: number }} o
 * @returns {import('../dist/index.js').Interactions}
 */
export function generateRatings({ users, items, meanPerUser, factors = 8, whales = 3, seed = 1 }) {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
  const taste = Float64Array.from({ length: users * factors }, gauss);
  const traits = Float64Array.from({ length: items * factors }, gauss);
  const quality = Float64Array.from({ length: items }, () => 0.6 * gauss());
  const leniency = Float64Array.from({ length: users }, () => 0.4 * gauss());
  // Zipf popularity (exponent 1.05) over a shuffled order, as a cumulative table for sampling.
  const order = Array.from({ length: items }, (_, i) => i).sort(() => rand() - 0.5);
  const weight = new Float64Array(items);
  order.forEach((item, rank) => (weight[item] = 1 / (rank + 1) ** 1.05));
  const cumulative = new Float64Array(items);
  let total = 0;
  for (let i = 0; i < items; i++) cumulative[i] = total += weight[i];
  const pick = () => {
    const x = rand() * total;
    let lo = 0;
    let hi = items - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const records = [];
  for (let u = 0; u < users; u++) {
    // Log-normal activity (median ~ meanPerUser / 2), whales rate a third of the catalogue.
    const count = u < whales ? Math.floor(items / 3) : Math.max(3, Math.min(items >> 1, Math.round((meanPerUser / 2) * Math.exp(1.1 * gauss()))));
    const rated = new Set();
    let tries = 0;
    while (rated.size < count && tries++ < count * 20) {
      const i = pick();
      if (rated.has(i)) continue;
      let affinity = quality[i] + leniency[u];
      for (let k = 0; k < factors; k++) affinity += (taste[u * factors + k] * traits[i * factors + k]) / Math.sqrt(factors);
      // Selection: an item the user expects to dislike is usually skipped (not rated at all).
      if (rand() > 1 / (1 + Math.exp(-1.5 * affinity - 0.5))) continue;
      rated.add(i);
      const value = Math.min(5, Math.max(1, Math.round(3.4 + 0.9 * affinity + 0.7 * gauss())));
      records.push({ user: `u${u}`, item: `i${i}`, value });
    }
  }
  return lib.fromRecords(records, { source: 'generated ratings' });
}
