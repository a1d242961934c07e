/**
 * What a value column holds — ratings, counts, or one constant — read from the values alone,
 * so that a file trains as what it is without a flag: `user,item,stars` as ratings (explicit),
 * `user,artist,plays` or `user,item,1` as implicit feedback (repeated pairs summed).
 *
 * Ratings lean high on their scale (people rate what they chose: MovieLens-100K's median is 4 of
 * 1–5); counts pile up at their lowest value with a long tail (most pairs are played once). So
 * whole non-negative numbers whose median sits in the bottom quarter of their range, with a
 * tail reaching at least three times the median, are counts.
 * The range is taken up to the 99th percentile, so one typo (a 5000 among 1–5 stars) does not
 * turn ratings into counts; fractions and negative values are always ratings (0.5-star steps,
 * Jester's −10…10).
 */
import { selectInPlace } from '../util/select.js';

/** What a value column holds. */
export type ValueKind = 'ratings' | 'counts' | 'constant';

/** The median's place in the range below which whole numbers are counts. */
const COUNTS_MEDIAN_SHARE = 0.25;
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
  let wholeNonNegative = true;
  let positives = 0;
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (v !== values[0]) constant = false;
    if (!(v >= 0 && Number.isInteger(v))) wholeNonNegative = false;
    if (v > 0) positives++;
  }
  if (constant) return 'constant';
  if (!wholeNonNegative || positives === 0) return 'ratings';
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
