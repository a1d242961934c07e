/**
 * The trials of a cross-validated search: every combination of a grid, or seeded random draws
 * from ranges (log-uniform for scale parameters).
 * see: scikit-learn `ParameterGrid` / `ParameterSampler`; Bergstra & Bengio 2012 for random
 * search with log-uniform ranges.
 */
import { Rng } from '../util/rng.js';
import { badOption, checkOptions } from '../errors.js';
import type { TunableOption, CvParams, CrossValidateOptions } from './cv-types.js';

/** Options a search may vary, and how random search draws each from a `[min, max]` range. */
const TUNABLE: Record<TunableOption, 'int' | 'log' | 'choice'> = {
  factors: 'int',
  regularization: 'log',
  alpha: 'log',
  epsilon: 'log',
  iterations: 'int',
  cgSteps: 'int',
  confidence: 'choice',
  weighting: 'choice',
};
/** The fields of {@link CrossValidateOptions.random}. */
const RANDOM_SEARCH_NAMES = Object.keys({ trials: 1, ranges: 1 } satisfies Record<keyof NonNullable<CrossValidateOptions['random']>, 1>);
/** Largest search: a guard against a grid that would run for days by mistake. */
const MAX_TRIALS = 10_000;

/** Asserts that `key` is a training option a search may vary. */
function checkKey(where: string, key: string): asserts key is TunableOption {
  if (!Object.hasOwn(TUNABLE, key)) {
    throw badOption(`${where}.${key}`, key, `a tunable training option: one of ${Object.keys(TUNABLE).map((t) => `"${t}"`).join(', ')}`);
  }
}

/** Every combination of the grid's values, the first key varying slowest. */
export function gridTrials(grid: CrossValidateOptions['grid']): CvParams[] {
  if (typeof grid !== 'object' || grid === null || Array.isArray(grid)) throw badOption('grid', grid, 'an object mapping training options to lists of values');
  let trials: CvParams[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    checkKey('grid', key);
    if (!Array.isArray(values) || values.length === 0) throw badOption(`grid.${key}`, values, 'a non-empty list of values');
    const want = TUNABLE[key] === 'choice' ? 'string' : 'number';
    for (const v of values) if (typeof v !== want) throw badOption(`grid.${key}`, v, `a list of ${want}s`);
    trials = trials.flatMap((t) => (values as unknown[]).map((v) => ({ ...t, [key]: v })));
    if (trials.length > MAX_TRIALS) throw badOption('grid', `${trials.length}+ combinations`, `at most ${MAX_TRIALS} combinations`);
  }
  return trials;
}

/** `trials` seeded draws from the ranges (see {@link CrossValidateOptions.random}). */
export function randomTrials(random: NonNullable<CrossValidateOptions['random']>, seed: number): CvParams[] {
  if (typeof random !== 'object' || random === null) throw badOption('random', random, 'an object { trials, ranges }');
  checkOptions(random, RANDOM_SEARCH_NAMES, 'random');
  const n = random.trials;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_TRIALS) throw badOption('random.trials', n, `an integer in [1, ${MAX_TRIALS}]`);
  const ranges = random.ranges;
  if (typeof ranges !== 'object' || ranges === null || Array.isArray(ranges)) throw badOption('random.ranges', ranges, 'an object mapping training options to [min, max] or a list of strings');
  const entries = Object.entries(ranges);
  for (const [key, r] of entries) {
    checkKey('random.ranges', key);
    const kind = TUNABLE[key];
    if (kind === 'choice') {
      if (!Array.isArray(r) || r.length === 0 || r.some((v) => typeof v !== 'string')) throw badOption(`random.ranges.${key}`, r, 'a non-empty list of strings');
      continue;
    }
    const ok = Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number' && Number.isFinite(v)) && (r[0] as number) <= (r[1] as number);
    if (!ok) throw badOption(`random.ranges.${key}`, r, '[min, max] with finite min ≤ max');
    if (kind === 'log' && !((r[0] as number) > 0)) throw badOption(`random.ranges.${key}`, r, '[min, max] with 0 < min ≤ max (drawn log-uniformly)');
    if (kind === 'int' && !(Number.isInteger(r[0]) && Number.isInteger(r[1]))) throw badOption(`random.ranges.${key}`, r, '[min, max] of integers');
  }
  // Seeded apart from the folds (seed + 1), so changing the trial count leaves the folds alone.
  const rng = new Rng(seed + 1);
  const trials: CvParams[] = [];
  for (let t = 0; t < n; t++) {
    const params: Record<string, number | string> = {};
    for (const [key, r] of entries) {
      const kind = TUNABLE[key as TunableOption];
      if (kind === 'choice') {
        const list = r as string[];
        params[key] = list[rng.int(list.length)];
      } else {
        const [lo, hi] = r as [number, number];
        // Log-uniform draws are rounded to 3 significant digits: readable, and they hide
        // last-bit differences of Math.exp/Math.log between engines.
        params[key] = kind === 'int' ? lo + rng.int(hi - lo + 1) : Number(Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo))).toPrecision(3));
      }
    }
    trials.push(params as CvParams);
  }
  return trials;
}
