/** Small matrices for ALS tests: random sparse, planted low-rank, checkerboard. */
import { Rng } from '../../src/util/rng.js';
import { csrFromTriplets, transpose } from '../../src/data/csr.js';
import type { RatingMatrix } from '../../src/data/types.js';
import type { RefEntry } from './reference-als.js';

/** Builds the library's matrix (both orientations) from entries on dense indices. */
export function matrixFrom(m: number, n: number, entries: RefEntry[]): RatingMatrix {
  const byUser = csrFromTriplets(
    m,
    n,
    Int32Array.from(entries, (e) => e.u),
    Int32Array.from(entries, (e) => e.i),
    Float64Array.from(entries, (e) => e.r),
    'last',
  );
  return { byUser, byItem: transpose(byUser), nnz: byUser.indptr[m], duplicatesMerged: 0 };
}

/**
 * Random distinct entries: each user gets between `minPerRow` and `maxPerRow` items; values
 * from `value(rng)`. Every item gets at least one entry when `coverItems`.
 */
export function randomEntries(m: number, n: number, seed: number, value: (rng: Rng) => number, minPerRow = 1, maxPerRow = Math.min(n, 6), coverItems = true): RefEntry[] {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const out: RefEntry[] = [];
  const add = (u: number, i: number) => {
    const key = `${u},${i}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ u, i, r: value(rng) });
  };
  for (let u = 0; u < m; u++) {
    const count = minPerRow + rng.int(maxPerRow - minPerRow + 1);
    for (let t = 0; t < count; t++) add(u, rng.int(n));
  }
  if (coverItems) for (let i = 0; i < n; i++) add(rng.int(m), i);
  return out;
}

/** Planted rank-`rank` ratings: r = μ + x·y + noise, a fraction `density` observed. */
export function plantedRatings(m: number, n: number, rank: number, density: number, noise: number, seed: number): { train: RefEntry[]; test: RefEntry[] } {
  const rng = new Rng(seed);
  const X = Array.from({ length: m * rank }, () => rng.normal());
  const Y = Array.from({ length: n * rank }, () => rng.normal());
  const train: RefEntry[] = [];
  const test: RefEntry[] = [];
  for (let u = 0; u < m; u++) {
    for (let i = 0; i < n; i++) {
      if (rng.next() >= density) continue;
      let s = 3;
      for (let a = 0; a < rank; a++) s += X[u * rank + a] * Y[i * rank + a];
      const e = { u, i, r: s + noise * rng.normal() };
      (rng.next() < 0.8 ? train : test).push(e);
    }
  }
  return { train, test };
}

/**
 * benfred/implicit's checkerboard: user u likes item i when u ≡ i (mod 2), except the
 * diagonal (u, u), which is withheld — it must come out as u's top recommendation.
 */
export function checkerboard(size: number): RefEntry[] {
  const out: RefEntry[] = [];
  for (let u = 0; u < size; u++) {
    for (let i = 0; i < size; i++) if (u % 2 === i % 2 && u !== i) out.push({ u, i, r: 1 });
  }
  return out;
}
