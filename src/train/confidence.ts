import { ln } from '../util/rng.js';
import { selectInPlace } from '../util/select.js';
import type { ConfidenceForm } from './options.js';

/**
 * Turns implicit values r into the signed confidences the implicit kernels read:
 * p = [r > 0] and c = 1 + α·r (`linear`), 1 + α·ln(1 + r/ε) (`log`) or α·r (`scaled`, the
 * convention of benfred/implicit, where a confidence below 1 weakens a pair), stored as +c when
 * p = 1 and −c when p = 0 (negative r: a "dislike" with confidence from |r|; r = 0: p = 0, c = 1,
 * which adds nothing to the system). see: Hu, Koren & Volinsky 2008, §4 and eq. 6.
 *
 * @param values - the aggregated values r per stored entry
 * @param form - confidence form
 * @param alpha - α > 0
 * @param epsilon - ε > 0 of the log form
 * @param out - where to write (e.g. an f32 view of WASM memory, so no JS-side copy is made); default a new Float64Array
 * @returns signed confidences, one per entry (`out`)
 */
export function toConfidence<T extends Float64Array | Float32Array = Float64Array>(values: Float64Array, form: ConfidenceForm, alpha: number, epsilon: number, out: T = new Float64Array(values.length) as T): T {
  for (let j = 0; j < values.length; j++) {
    const r = values[j];
    const a = Math.abs(r);
    // r = 0 adds nothing in every form: c = 1, so the c − 1 weight of the pair is 0.
    const c = form === 'linear' ? 1 + alpha * a : form === 'log' ? 1 + alpha * ln(1 + a / epsilon) : a === 0 ? 1 : alpha * a;
    out[j] = r > 0 ? c : -c;
  }
  return out;
}

/**
 * The median of the positive values (ε of `epsilon: 'auto'`): a statistic no single heavy
 * row can move, unlike the mean or the maximum. 1 when there is no positive value.
 * @param values - aggregated values per stored pair
 */
export function medianPositive(values: Float64Array): number {
  return quantileOfPositive(values, 0.5) || 1;
}

/**
 * The q-quantile (nearest rank, ⌊q·n⌋ of the sorted positive entries); 0 when there are none.
 * @param values - any values; only the positive ones count
 * @param q - quantile in [0, 1]
 */
export function quantileOfPositive(values: Float64Array, q: number): number {
  // A loop and a selection: TypedArray.filter and a full sort cost seconds of the set-up at 20 M pairs.
  const copy = new Float64Array(values.length);
  let n = 0;
  for (let j = 0; j < values.length; j++) if (values[j] > 0) copy[n++] = values[j];
  if (n === 0) return 0;
  return selectInPlace(copy.subarray(0, n), Math.min(n - 1, Math.floor(q * n)));
}
