import { Rng } from '../util/rng.js';

/**
 * Fills `out` (rows × f, row-major) with the "first quadrant of the unit sphere" start used by
 * Spark MLlib's RDD-era ALS: each element |N(0,1)|, each row scaled to unit length.
 * see: org.apache.spark.ml.recommendation.ALS.initialize
 *
 * @param out - destination, length ≥ rows·f
 * @param rows - number of rows
 * @param f - factors per row
 * @param rng - the seeded generator (consumed in row-major order, so results are reproducible)
 * @param at - where row r goes (`out` row at[r]): the same draws for each row, renumbered
 */
export function initFactors(out: Float64Array, rows: number, f: number, rng: Rng, at?: Int32Array): void {
  for (let r = 0; r < rows; r++) {
    const o = (at ? at[r] : r) * f;
    let norm2 = 0;
    for (let j = 0; j < f; j++) {
      const v = Math.abs(rng.normal());
      out[o + j] = v;
      norm2 += v * v;
    }
    const inv = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
    for (let j = 0; j < f; j++) out[o + j] *= inv;
  }
}

/** Total f64 values the start cache below may hold (32 MB): enough for the starts of a search on a 1 M-pair set. */
const START_CACHE_VALUES = 4_000_000;
/** Starts of recent runs, newest last: key → [users × f, items × f] in the caller's row order. */
const startCache = new Map<string, [Float64Array, Float64Array]>();

/**
 * The seeded start of a run — users' rows then items' rows from one generator, exactly as
 * {@link initFactors} draws them — written into `users` and `items` at the rows `userAt` and
 * `itemAt` give. A search trains dozens of runs of one shape and seed (`tune`, the λ
 * calibration, `crossValidate`): their draws are made once and copied afterwards (the
 * logarithm of the normal deviates was ~10 % of a `tune` on MovieLens-100K).
 *
 * @param seed - the generator's seed
 * @param m - user rows
 * @param n - item rows
 * @param f - factors per row
 * @param users - destination, m·f
 * @param items - destination, n·f
 * @param userAt - where user row r goes
 * @param itemAt - where item row r goes
 */
export function seededStart(seed: number, m: number, n: number, f: number, users: Float64Array, items: Float64Array, userAt?: Int32Array, itemAt?: Int32Array): void {
  const key = `${seed}|${m}|${n}|${f}`;
  let start = startCache.get(key);
  if (start) {
    startCache.delete(key); // re-inserted below as the newest
  } else {
    const rng = new Rng(seed);
    start = [new Float64Array(m * f), new Float64Array(n * f)];
    initFactors(start[0], m, f, rng);
    initFactors(start[1], n, f, rng);
  }
  const size = (m + n) * f;
  if (size <= START_CACHE_VALUES) {
    startCache.set(key, start);
    let total = 0;
    for (const [a, b] of startCache.values()) total += a.length + b.length;
    // Evict the oldest until the cache fits its budget.
    for (const k of startCache.keys()) {
      if (total <= START_CACHE_VALUES) break;
      const [a, b] = startCache.get(k)!;
      total -= a.length + b.length;
      startCache.delete(k);
    }
  }
  placeStart(users, start[0], m, f, userAt);
  placeStart(items, start[1], n, f, itemAt);
}

/** out row at[r] = src row r (or the same order without `at`). */
function placeStart(out: Float64Array, src: Float64Array, rows: number, f: number, at?: Int32Array): void {
  if (!at) {
    out.set(src.subarray(0, rows * f));
    return;
  }
  for (let r = 0; r < rows; r++) out.set(src.subarray(r * f, (r + 1) * f), at[r] * f);
}
