/**
 * What a value column holds — ratings, counts, or one constant — read from the values alone,
 * so that a file trains as what it is without a flag: `user,item,stars` as ratings (explicit),
 * `user,artist,plays` or `user,item,1` as implicit feedback (repeated pairs summed).
 *
 * Ratings lean high on their scale (people rate what they chose: MovieLens-100K's median is 4 of
 * 1–5); counts pile up at their lowest value with a long tail (most pairs are played once). So
 * whole numbers whose median sits in the bottom quarter of their range, with a
 * tail reaching at least three times the median, are counts.
 * The range is taken up to the 99th percentile, so one typo (a 5000 among 1–5 stars) does not
 * turn ratings into counts. A few negative whole numbers are returns among quantities (under
 * 5 % of the rows); fractions, or more negatives, are always ratings (0.5-star steps,
 * Jester's −10…10).
 */
import { selectInPlace } from '../util/select.js';

/** What a value column holds. */
export type ValueKind = 'ratings' | 'counts' | 'constant';

/** The median's place in the range below which whole numbers are counts. */
const COUNTS_MEDIAN_SHARE = 0.25;
/** The share of negative whole numbers counts may hold (returns among quantities); more is a signed rating scale. */
const MAX_RETURNS_SHARE = 0.05;
/** How far past their median (×) counts reach at the 99th percentile. */
const COUNTS_TAIL = 3;

const cache = new WeakMap<Float64Array, { length: number; kind: ValueKind }>();

/**
 * The kind of the first `length` values (remembered per array: training asks more than once).
 * @param values - the value column
 * @param length - how many of them are the data's
 */
export function valueKind(values: Float64Array, length = values.length): ValueKind {
  const known = cache.get(values);
  if (known && known.length === length) return known.kind;
  const kind = classify(values.subarray(0, length));
  cache.set(values, { length, kind });
  return kind;
}

function classify(values: Float64Array): ValueKind {
  let constant = true;
  let whole = true;
  let positives = 0;
  let negatives = 0;
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (v !== values[0]) constant = false;
    if (!Number.isInteger(v)) whole = false;
    if (v > 0) positives++;
    else if (v < 0) negatives++;
  }
  if (constant) return 'constant';
  if (!whole || positives === 0 || negatives > MAX_RETURNS_SHARE * values.length) return 'ratings';
  // Zeros (Book-Crossing's "seen, not rated") are left out: the shape of the positive values decides.
  const positive = new Float64Array(positives);
  let n = 0;
  let low = Infinity;
  let max = 0;
  for (let j = 0; j < values.length; j++) {
    if (values[j] > 0) {
      positive[n++] = values[j];
      low = Math.min(low, values[j]);
      max = Math.max(max, values[j]);
    }
  }
  const median = selectInPlace(positive, n >> 1);
  const high = selectInPlace(positive, Math.min(n - 1, Math.floor(0.99 * n)));
  // Nearly every positive value the same: a 0/1 column is kept as given; ones with a rare larger count are counts.
  if (high === low) return max > low ? 'counts' : 'ratings';
  // Counts also reach far past their median (plays: median 2, 99th percentile in the hundreds); a
  // polarised 1–5 file (half 1–2, half 4–5: median 2) stops at 5.
  return median <= low + COUNTS_MEDIAN_SHARE * (high - low) && high >= COUNTS_TAIL * median ? 'counts' : 'ratings';
}

/** The share of ratings above the middle a file needs for its low ratings to count as dislikes (MovieLens-100K: 0.82). */
const MIN_LIKED_SHARE = 0.6;

/** Distinct values past which a rating column is continuous (Jester's −10.00…10.00): no step. */
const MAX_LEVELS = 64;

/**
 * The rating below which a rating says "dislike": the middle of the scale, half a step down
 * (1–5 stars → 2.5: 1 and 2 are dislikes, 3 a weak like; 1–10 → 5; 0.5–5 → 2.5, neutral).
 * A ranking head learns from rating − threshold, so a 1-star film pushes its kind away instead
 * of counting as interest. Undefined when the ratings have no such middle: a scale reaching 0
 * or below (its own zero already says it: Jester's negatives are dislikes, Book-Crossing's 0 is
 * "seen, not rated"), not ratings at all, or a file where fewer than 60 % of the ratings are
 * above the middle.
 * @param values - the rating column
 * @param length - how many of them are the data's
 */
export function dislikeThreshold(values: Float64Array, length = values.length): number | undefined {
  if (length === 0 || valueKind(values, length) !== 'ratings') return undefined;
  const v = Float64Array.from(values.subarray(0, length));
  let low = Infinity;
  for (let j = 0; j < length; j++) low = Math.min(low, v[j]);
  if (!(low > 0)) return undefined;
  // The top of the scale at the 99th percentile: one accepted typo (5000 among 1–5) does not move the middle.
  const high = selectInPlace(v, Math.min(length - 1, Math.floor(0.99 * length)));
  if (!(high > low)) return undefined;
  const levels = new Set<number>();
  for (let j = 0; j < length && levels.size <= MAX_LEVELS; j++) if (values[j] <= high) levels.add(values[j]);
  let step = 0;
  if (levels.size <= MAX_LEVELS) {
    const sorted = [...levels].sort((a, b) => a - b);
    step = Infinity;
    for (let t = 1; t < sorted.length; t++) step = Math.min(step, sorted[t] - sorted[t - 1]);
  }
  const threshold = (low + high) / 2 - step / 2;
  // Files where dislikes are the rule (fewer than MIN_LIKED_SHARE of ratings above the middle) keep
  // every rating as interest: a head of a few likes would know less than one of every pair.
  let liked = 0;
  for (let j = 0; j < length; j++) if (values[j] > threshold) liked++;
  return liked >= MIN_LIKED_SHARE * length ? threshold : undefined;
}
