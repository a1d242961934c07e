/**
 * The default λ of implicit feedback, measured ({@link calibrateRegularization}). A closed-form
 * λ (the robust σ₁ rule of `autoRegularization`) is right only to within a factor of 3–4 across
 * real data sets, while held-out quality drops by 5–10 % per factor √2 away from the best λ
 * (BENCHMARKS.md, "Quality on real data"). So the default measures it: a short bracket search
 * over multiples of the closed form, a few cheap conjugate-gradient runs, scored on a per-user
 * held-out part of the training data.
 */
import { regularizationTransferExponent } from '../train/auto-regularization.js';
import { weightMatrix } from '../train/weighting.js';
import type { RegularizationCalibration, TrainOnce } from './fit-types.js';
import { TRAIN_DEFAULTS, type ConfidenceForm, type TrainOptions } from '../train/options.js';
import { now } from '../util/yield.js';
import { buildMatrix } from '../data/csr.js';
import type { Interactions, RatingMatrix } from '../data/types.js';
import { throwIfAborted } from '../errors.js';
import type { QualityMetric } from './evaluate.js';
import { closedFormLambda } from './closed-form-lambda.js';
import { scoreRun, searchSplit } from './search-split.js';

/** The λ calibration of the defaults is cheaper still than `tune`'s search (tune.ts): it must cost no more than the training it serves. */
const CALIBRATION_VALIDATION_USERS = 1500;
const CALIBRATION_SEARCH_ENTRIES = 1_000_000;
/** Iterations of each calibration run (conjugate gradient, scored at the end). */
const CALIBRATION_ITERATIONS = 6;

/**
 * The default λ of implicit feedback, measured: the closed form λ₀ (robust σ₁ rule) times the
 * multiple s that scores best on a per-user held-out part of the data. s starts at 1, 2 and ½,
 * doubles or halves toward the better side until the score drops (at most ×16 either way),
 * then tries √2 steps beside the best. Each run is a short conjugate-gradient training with
 * early stopping; on big data a user sample is searched (λ carries over as the multiple s).
 *
 * @param data - the training data
 * @param base - the caller's options with `regularization` left to this function (confidence resolved)
 * @param matrix - `data` as a matrix (for the closed form on all the data)
 * @param trainOnce - training
 * @param signal - cancels between runs and inside them
 * @returns λ and how it was found, or null when the data is too small to hold any out (the closed form is used then)
 */
export async function calibrateRegularization(
  data: Interactions,
  base: TrainOptions & { confidence: ConfidenceForm; alpha: number; epsilon: number },
  matrix: RatingMatrix,
  trainOnce: TrainOnce,
  signal?: AbortSignal,
): Promise<{ regularization: number; calibration: RegularizationCalibration } | null> {
  const t0 = now();
  const closedForm = closedFormLambda(matrix, base.confidence, base.alpha, base.epsilon).lambda;
  // Confidences whose scale overflows (a huge α): no calibration — training's value check then
  // names the pair and says to lower alpha (it was a "regularization … Infinity" error, issue 26).
  if (!Number.isFinite(closedForm)) return null;
  const split = searchSplit(data, base.seed ?? TRAIN_DEFAULTS.seed, CALIBRATION_SEARCH_ENTRIES, CALIBRATION_VALIDATION_USERS);
  if (!split || !(closedForm > 0)) return null;
  const innerMatrix = weightMatrix(buildMatrix(split.train, { duplicates: base.duplicates ?? 'sum', eventWeights: base.eventWeights }), base.weighting ?? 'none').matrix;
  const inner = closedFormLambda(innerMatrix, base.confidence, base.alpha, base.epsilon).lambda;
  if (!(inner > 0) || !Number.isFinite(inner)) return null;
  const metric: QualityMetric = 'ndcg';
  const options: TrainOptions = {
    ...base,
    solver: 'cg',
    cgSteps: TRAIN_DEFAULTS.cgSteps,
    iterations: Math.min(base.iterations ?? TRAIN_DEFAULTS.iterations, CALIBRATION_ITERATIONS),
    tolerance: 0,
    onProgress: undefined,
  };
  const tried = new Map<number, number>();
  const trials: { scale: number; score: number }[] = [];
  const score = async (scale: number): Promise<number> => {
    const key = Math.round(Math.log2(scale) * 2); // √2 grid
    if (tried.has(key)) return tried.get(key)!;
    throwIfAborted(signal);
    const r = await scoreRun(trainOnce, split, { ...options, regularization: scale * inner }, { metric, k: 10 }, signal, options.iterations);
    const s = Number.isNaN(r.score) ? -Infinity : r.score;
    tried.set(key, s);
    trials.push({ scale, score: r.score });
    return s;
  };
  let best = 1;
  let bestScore = await score(1);
  const up = await score(2);
  const down = await score(0.5);
  const step = up >= down ? 2 : 0.5;
  if (Math.max(up, down) > bestScore) {
    best = step;
    bestScore = Math.max(up, down);
    for (let s = step * step; s <= 16 && s >= 1 / 16; s *= step) {
      const v = await score(s);
      if (v <= bestScore) break;
      best = s;
      bestScore = v;
    }
  }
  for (const s of [best * Math.SQRT2, best / Math.SQRT2]) {
    const v = await score(s);
    if (v > bestScore) {
      best = s;
      bestScore = v;
    }
  }
  // λ chosen on the part carries to all the data by the density rule (not simply ∝ the closed form).
  const transferExponent = regularizationTransferExponent(matrix.byUser);
  const transfer = Math.pow(closedForm / inner, transferExponent);
  return {
    regularization: best * inner * transfer,
    calibration: { closedForm, scale: best, partClosedForm: inner, transferExponent, metric, trials, seconds: (now() - t0) / 1000 },
  };
}
