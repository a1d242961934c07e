import { DUPLICATE_POLICIES } from '../data/csr.js';
import { badOption, checkKnownKeys } from '../errors.js';
import { PRECISION_CODES } from '../kernels/solve-job.js';
import { checkWorkers, defaultWorkers } from '../parallel/cores.js';
import { checkApplicable } from './option-applicability.js';
import type { ConfidenceForm, Feedback, Precision, ResolvedTrainOptions, Solver, TrainOptions } from './option-types.js';
import type { Weighting } from './weighting.js';

export type * from './option-types.js';

/** The values of `precision`: the names of the kernel's precision codes (src/kernels/solve-job.ts, where each gets its code). */
const PRECISIONS = Object.keys(PRECISION_CODES satisfies Record<Precision, number>) as Precision[];

/** The defaults, in one place. */
export const TRAIN_DEFAULTS = {
  factors: 64,
  /** Explicit feedback's λ (with ALS-WR); implicit feedback's default is `'auto'`. */
  regularization: 0.1,
  weightedRegularization: true,
  /** Explicit feedback: learn μ + b_u + b_i (real ratings carry strong user and item offsets: MovieLens-100K RMSE 0.9115 with, 0.9195 without). */
  biases: true,
  /** α of the `log` form (the default form); `linear` and `scaled` default to {@link ALPHA_DEFAULT_LINEAR}. */
  alpha: 2,
  confidence: 'log' as ConfidenceForm,
  /** `'auto'`: the median of the positive aggregated values, so c = 1 + α·ln 2 at a typical pair whatever the unit. */
  epsilon: 'auto' as const,
  weighting: 'none' as Weighting,
  iterations: 15,
  tolerance: 0,
  seed: 42,
  restarts: 1,
  solver: 'cholesky' as Solver,
  cgSteps: 3,
  /** Of implicit CG; `f64` wherever `precision` does not apply. */
  precision: 'mixed' as Precision,
  /** The cores here, at most 8 (resolved per call: see `defaultWorkers`). */
  workers: 'cores' as const,
  kernels: 'auto' as const,
} as const;

/** Default α of the `linear` (c = 1 + α·r) and `scaled` (c = α·r) confidence forms. */
export const ALPHA_DEFAULT_LINEAR = 1;

/** Largest supported factor count (a 1024×1024 system per row is already 8 MiB). */
export const MAX_FACTORS = 1024;

/**
 * Applies defaults and validates every option once, at the boundary.
 * @param opts - caller's options
 * @param defaultFeedback - the feedback to use when `opts.feedback` is not given
 * @throws AlsError `BAD_OPTION` naming the option and the allowed range
 */
export function resolveTrainOptions(opts: TrainOptions, defaultFeedback: Feedback): ResolvedTrainOptions {
  if (typeof opts !== 'object' || opts === null) throw badOption('options', opts, 'an object of training options');
  checkKnownKeys(opts, TRAIN_OPTION_NAMES);
  const feedback = opts.feedback ?? defaultFeedback;
  if (feedback !== 'explicit' && feedback !== 'implicit') throw badOption('feedback', feedback, '"explicit" or "implicit"');
  if (opts.regularization === 'auto' && feedback === 'explicit') {
    throw badOption('regularization', 'auto', 'a finite number ≥ 0 for explicit feedback ("auto" is for implicit feedback)');
  }
  const confidence = oneOf(opts.confidence, 'confidence', TRAIN_DEFAULTS.confidence, ['linear', 'log', 'scaled'] as const);
  // ε is measured only where it is read: the log form of implicit feedback.
  const autoEpsilon = feedback === 'implicit' && confidence === 'log' && (opts.epsilon === undefined || opts.epsilon === 'auto');
  const autoReg = opts.regularization === 'auto' || (opts.regularization === undefined && feedback === 'implicit');
  const r: ResolvedTrainOptions = {
    feedback,
    factors: int(opts.factors, 'factors', TRAIN_DEFAULTS.factors, 1, MAX_FACTORS),
    regularization: autoReg ? NaN : num(opts.regularization, 'regularization', TRAIN_DEFAULTS.regularization, 0, false),
    autoRegularization: autoReg,
    weightedRegularization: bool(opts.weightedRegularization, 'weightedRegularization', TRAIN_DEFAULTS.weightedRegularization),
    biases: bool(opts.biases, 'biases', feedback === 'explicit' && TRAIN_DEFAULTS.biases),
    confidence,
    alpha: num(opts.alpha, 'alpha', confidence === 'log' ? TRAIN_DEFAULTS.alpha : ALPHA_DEFAULT_LINEAR, 0, true),
    epsilon: autoEpsilon ? NaN : opts.epsilon === 'auto' ? 1 : num(opts.epsilon, 'epsilon', 1, 0, true),
    autoEpsilon,
    weighting: oneOf(opts.weighting, 'weighting', TRAIN_DEFAULTS.weighting, ['none', 'bm25'] as const),
    duplicates: oneOf(opts.duplicates, 'duplicates', feedback === 'implicit' ? 'sum' : 'last', DUPLICATE_POLICIES),
    iterations: int(opts.iterations, 'iterations', TRAIN_DEFAULTS.iterations, 1, 1_000_000),
    tolerance: num(opts.tolerance, 'tolerance', TRAIN_DEFAULTS.tolerance, 0, false),
    seed: int(opts.seed, 'seed', TRAIN_DEFAULTS.seed, -(2 ** 53) + 1, 2 ** 53 - 1),
    restarts: int(opts.restarts, 'restarts', TRAIN_DEFAULTS.restarts, 1, 1000),
    solver: oneOf(opts.solver, 'solver', TRAIN_DEFAULTS.solver, ['cholesky', 'cg'] as const),
    cgSteps: int(opts.cgSteps, 'cgSteps', TRAIN_DEFAULTS.cgSteps, 1, 100),
    precision: oneOf(opts.precision, 'precision', feedback === 'implicit' && opts.solver === 'cg' ? TRAIN_DEFAULTS.precision : 'f64', PRECISIONS),
    workers: opts.workers === undefined ? defaultWorkers() : checkWorkers(opts.workers),
    kernels: oneOf(opts.kernels, 'kernels', TRAIN_DEFAULTS.kernels, ['auto', 'relaxed', 'simd', 'scalar', 'reference'] as const),
  };
  if (opts.eventWeights !== undefined) {
    if (typeof opts.eventWeights !== 'object' || opts.eventWeights === null || Array.isArray(opts.eventWeights)) {
      throw badOption('eventWeights', opts.eventWeights, 'an object mapping event names to finite weights');
    }
    for (const [k, v] of Object.entries(opts.eventWeights)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw badOption(`eventWeights.${k}`, v, 'a finite number');
    }
    r.eventWeights = { ...opts.eventWeights };
  }
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') throw badOption('onProgress', typeof opts.onProgress, 'a function');
  checkApplicable(opts, r); // e.g. alpha with explicit feedback, biases with implicit: refused, not ignored
  return r;
}

/** Every option {@link TrainOptions} has (typed, so a new option fails to compile until listed): anything else is a typo, refused rather than ignored. */
const TRAIN_OPTION_NAMES = Object.keys({
  feedback: 1, factors: 1, regularization: 1, weightedRegularization: 1, biases: 1, alpha: 1, confidence: 1, epsilon: 1, eventWeights: 1, weighting: 1,
  duplicates: 1, iterations: 1, tolerance: 1, seed: 1, restarts: 1, solver: 1, cgSteps: 1, precision: 1, workers: 1, kernels: 1, onProgress: 1, signal: 1,
} satisfies Record<keyof TrainOptions, 1>);

function num(v: unknown, name: string, dflt: number, min: number, exclusiveMin: boolean): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || (exclusiveMin ? v <= min : v < min)) {
    throw badOption(name, v, `a finite number ${exclusiveMin ? '>' : '≥'} ${min}`);
  }
  return v;
}

function int(v: unknown, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw badOption(name, v, `an integer in [${min}, ${max}]`);
  }
  return v;
}

function bool(v: unknown, name: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw badOption(name, v, 'true or false');
  return v;
}

function oneOf<T extends string>(v: unknown, name: string, dflt: T, allowed: readonly T[]): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw badOption(name, v, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
  return v as T;
}
