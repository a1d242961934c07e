// Synthetic interaction text of a given shape (MovieLens-20M by default), generated in chunks
// so that 20 M lines never exist as one string (V8's maximum string length is ~2^29 chars).
// Plain JS so that the Node bench and the Chromium bench page (served by Vite) share it.
// generateSynthetic (src/data/synthetic.ts) plants tastes with an O(users·items·rank) pass:
// fine for ML-1M, minutes at ML-20M; this one only draws power-law popularity, O(nnz).

import { prng } from './prng.mjs';

/** MovieLens-20M's shape: 138 493 users × 26 744 items, 20 000 263 ratings. */
export const ML20M = { users: 138_493, items: 26_744, interactions: 20_000_263 };


/**
 * Yields TSV text `user\titem\trating\n` in chunks of `linesPerChunk` lines: every user has at
 * least 20 distinct items (as in MovieLens), activity is lognormal (σ = 1) scaled to hit
 * `interactions` exactly, item popularity is Zipf(0.9) over a shuffled catalogue, ratings are
 * 0.5–5 in half stars. Ids are 1-based integers. Deterministic for a seed.
 * @param {{ users?: number, items?: number, interactions?: number, seed?: number, linesPerChunk?: number }} [opts]
 * @returns {Generator<string>}
 */
export function* tsvChunks(opts = {}) {
  const m = opts.users ?? ML20M.users;
  const n = opts.items ?? ML20M.items;
  const total = opts.interactions ?? ML20M.interactions;
  const per = opts.linesPerChunk ?? 65536;
  const minPer = Math.min(20, n);
  if (total < m * minPer) throw new RangeError(`${total} interactions < ${minPer} per user × ${m} users`);
  const rnd = prng(opts.seed ?? 1);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

  // Activity: 20 + a lognormal share of the rest, capped at half the catalogue.
  const raw = new Float64Array(m);
  let sum = 0;
  for (let u = 0; u < m; u++) sum += raw[u] = Math.exp(normal());
  const counts = new Int32Array(m);
  const cap = Math.max(minPer, n >> 1);
  const extra = total - m * minPer;
  let assigned = 0;
  for (let u = 0; u < m; u++) assigned += counts[u] = Math.min(cap, minPer + Math.floor((extra * raw[u]) / sum));
  for (let u = 0; assigned < total; u = (u + 1) % m) if (counts[u] < cap) (counts[u]++, assigned++);

  // Popularity: Zipf weights on a random permutation of the items; sampled by binary search of the CDF.
  const cdf = new Float64Array(n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  let acc = 0;
  for (let r = 0; r < n; r++) cdf[r] = acc += 1 / Math.pow(r + 1, 0.9);
  const stamp = new Int32Array(n); // stamp[rank] = u + 1 when user u already has it

  let lines = [];
  for (let u = 0; u < m; u++) {
    for (let need = counts[u]; need > 0; ) {
      const x = rnd() * acc;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      if (stamp[lo] === u + 1) continue; // already picked: draw again
      stamp[lo] = u + 1;
      need--;
      lines.push(`${u + 1}\t${perm[lo] + 1}\t${(1 + Math.floor(rnd() * 10)) / 2}`);
      if (lines.length === per) {
        yield lines.join('\n') + '\n';
        lines = [];
      }
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}
