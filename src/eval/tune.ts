/**
 * Choosing training options on the training data alone: a per-user held-out part of it scores
 * each candidate. Two uses:
 * - {@link calibrateRegularization}: the default λ of implicit feedback. A closed-form λ (the
 *   robust σ₁ rule of `autoRegularization`) is right only to within a factor of 3–4 across
 *   real data sets, while held-out quality drops by 5–10 % per factor √2 away from the best λ
 *   (BENCHMARKS.md, "Quality on real data"). So the default measures it: a short bracket
 *   search over multiples of the closed form, a few cheap conjugate-gradient runs.
 * - {@link tuneOptions} (`train(data, { tune })`): successive halving (Jamieson & Talwalkar
 *   2016; Li et al. 2018, "Hyperband") over λ, α, the confidence form, the factor count (and
 *   biases for ratings), with the iteration count set by early stopping. Candidates are a
 *   Latin hypercube around the data-derived defaults; λ is searched as a multiple of the
 *   closed form for each confidence, so one range fits every data set; the search runs
 *   conjugate-gradient sweeps and the last rung the solver of the refit.
 */
import { autoRegularization, regularizationTransferExponent } from '../als/auto-regularization.js';
import { weightMatrix, type Weighting } from '../als/weighting.js';
import { medianPositive, toConfidence } from '../als/confidence.js';
import type { RegularizationCalibration, TrainOnce, TunedParams, TuneOptions, TuneProgress, TuneReport, TuneTrial } from './fit-types.js';
import { ALPHA_DEFAULT_LINEAR, TRAIN_DEFAULTS, type ConfidenceForm, type Feedback, type TrainOptions, type TrainProgress } from '../als/options.js';
import { Rng } from '../util/rng.js';
import { now } from '../util/yield.js';
import { buildMatrix } from '../data/csr.js';
import { splitInteractions } from '../data/split.js';
import { sampleUsers, selectEntries } from '../data/subset.js';
import type { Interactions, RatingMatrix } from '../data/types.js';
import { AlsError, badOption, checkOptions, isAlsError, throwIfAborted } from '../errors.js';
import { isLowerBetter, metricsFor, type QualityMetric } from './evaluate.js';

export type { RegularizationCalibration, TrainOnce, TunedParams, TuneOptions, TuneProgress, TuneReport, TuneTrial } from './fit-types.js';

/** Every option of {@link TuneOptions} (typed: a new option fails to compile until listed). */
const TUNE_OPTION_NAMES = Object.keys({ budgetSeconds: 1, metric: 1, k: 1 } satisfies Record<keyof TuneOptions, 1>);

/** Default search budget in seconds. */
export const TUNE_DEFAULT_BUDGET_SECONDS = 60;
/** Held-out users scored by `tune` (ranking cost grows with users × items; NDCG's standard error is then ≈ 0.005). */
const TUNE_VALIDATION_USERS = 2000;
/** `tune` trains on at most this many entries (a user sample beyond): λ carries over as a multiple of the closed form. */
const TUNE_SEARCH_ENTRIES = 1_500_000;
/** The λ calibration of the defaults is cheaper still: it must cost no more than the training it serves. */
const CALIBRATION_VALIDATION_USERS = 1500;
const CALIBRATION_SEARCH_ENTRIES = 1_000_000;
/** Iterations of each calibration run (conjugate gradient, scored at the end). */
const CALIBRATION_ITERATIONS = 6;
/** Fewest iterations of the refit, whatever the early stop said. */
const MIN_REFIT_ITERATIONS = 5;
/** Relative margin by which a candidate outside the defaults' family must beat it to be chosen. */
const CLEAR_MARGIN = 0.01;
/** Factor counts the search tries when `factors` is not fixed. */
const FACTOR_CHOICES = [32, 64, 128];

/**
 * Checks `tune` (true or an options object).
 * @throws AlsError `BAD_OPTION` naming `tune.<field>`
 */
export function resolveTuneOptions(tune: true | TuneOptions, feedback: Feedback): Required<TuneOptions> {
  const t = tune === true ? {} : tune;
  if (typeof t !== 'object' || t === null) throw badOption('tune', tune, 'true or { budgetSeconds?, metric?, k? }');
  checkOptions(t, TUNE_OPTION_NAMES, 'tune');
  const budget = t.budgetSeconds ?? TUNE_DEFAULT_BUDGET_SECONDS;
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0) throw badOption('tune.budgetSeconds', budget, 'a finite number of seconds > 0');
  const metric = t.metric ?? (feedback === 'explicit' ? 'rmse' : 'ndcg');
  if (!metricsFor(feedback).includes(metric)) throw badOption('tune.metric', metric, `one of ${metricsFor(feedback).map((m) => `"${m}"`).join(', ')} for ${feedback} feedback`);
  const k = t.k ?? 10;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw badOption('tune.k', k, 'an integer ≥ 1');
  return { budgetSeconds: budget, metric, k };
}

/** The search's data: a training part and a held-out part (a user sample of both for big data). */
interface SearchSplit {
  train: Interactions;
  holdout: Interactions;
  users: number;
  pairs: number;
  sampledUsers: boolean;
}

/** Splits off a per-user held-out part of the training data, or returns null when the data is too small to score anything reliably. */
function searchSplit(data: Interactions, seed: number, maxEntries: number, maxUsers: number): SearchSplit | null {
  const { data: sample, sampled } = sampleUsers(data, maxEntries, seed);
  let split;
  try {
    split = splitInteractions(sample, { method: 'per-user', fraction: 0.2, seed });
  } catch (e) {
    if (isAlsError(e) && e.code === 'EMPTY_DATA') return null;
    throw e;
  }
  let holdout = split.test;
  let users = new Set(holdout.user).size;
  if (users > maxUsers) {
    // Score a seeded sample of the held-out users (ranking cost is users × items per evaluation).
    const rng = new Rng(seed + 1);
    const keepUser = new Uint8Array(data.users.size);
    for (const u of new Set(holdout.user)) if (rng.next() < maxUsers / users) keepUser[u] = 1;
    const keep = new Uint8Array(holdout.length);
    for (let j = 0; j < holdout.length; j++) keep[j] = keepUser[holdout.user[j]];
    holdout = selectEntries(holdout, keep);
    users = new Set(holdout.user).size;
  }
  if (users < 10 || holdout.length < 30) return null;
  return { train: split.train, holdout, users, pairs: holdout.length, sampledUsers: sampled };
}

/** The closed-form λ for a confidence on a matrix (robust σ₁ rule), and the mean |c| it was measured at. */
function closedFormLambda(matrix: RatingMatrix, form: ConfidenceForm, alpha: number, epsilon: number): { lambda: number; meanConfidence: number } {
  const { byUser } = matrix;
  const c = toConfidence(byUser.values, form, alpha, epsilon);
  return { lambda: autoRegularization(byUser, byUser.cols, c), meanConfidence: meanAbs(c) };
}

/** Mean |c| of a confidence over the stored values (for scaling λ between nearby α without a new σ₁). */
function meanConfidence(values: Float64Array, form: ConfidenceForm, alpha: number, epsilon: number): number {
  return meanAbs(toConfidence(values, form, alpha, epsilon));
}

/** Mean of |c| (0 for no entries). */
function meanAbs(c: Float64Array): number {
  let s = 0;
  for (let j = 0; j < c.length; j++) s += Math.abs(c[j]);
  return s / Math.max(1, c.length);
}

/** The held-out score of one training run (best over its iterations) and its best iteration. */
async function scoreRun(
  trainOnce: TrainOnce,
  split: SearchSplit,
  options: TrainOptions,
  metric: QualityMetric,
  k: number,
  signal: AbortSignal | undefined,
  every = 1,
): Promise<{ score: number; iteration: number; seconds: number; perIteration: number; error?: string }> {
  const t0 = now();
  try {
    // Scoring costs about one conjugate-gradient sweep: short runs are scored at their end only.
    const validation = { data: split.holdout, metric, k, every, patience: 2 };
    const { report } = await trainOnce(split.train, { ...options, restarts: 1, signal, validation });
    const best = report.validation?.best;
    const its = [...report.secondsPerIteration].sort((a, b) => a - b);
    return { score: best ? best.value : NaN, iteration: best ? best.iteration : report.iterations, seconds: (now() - t0) / 1000, perIteration: its[its.length >> 1] ?? 0 };
  } catch (e) {
    // A candidate that does not fit (OUT_OF_MEMORY) or does not train (NOT_POSITIVE_DEFINITE) is reported, not fatal.
    if (isAlsError(e) && (e.code === 'OUT_OF_MEMORY' || e.code === 'NOT_POSITIVE_DEFINITE' || e.code === 'NON_FINITE')) {
      return { score: NaN, iteration: 0, seconds: (now() - t0) / 1000, perIteration: 0, error: `${e.code}: ${e.message}` };
    }
    throw e;
  }
}

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
  const split = searchSplit(data, base.seed ?? TRAIN_DEFAULTS.seed, CALIBRATION_SEARCH_ENTRIES, CALIBRATION_VALIDATION_USERS);
  if (!split || !(closedForm > 0)) return null;
  const innerMatrix = weightMatrix(buildMatrix(split.train, { duplicates: base.duplicates ?? 'sum', eventWeights: base.eventWeights }), base.weighting ?? 'none').matrix;
  const inner = closedFormLambda(innerMatrix, base.confidence, base.alpha, base.epsilon).lambda;
  if (!(inner > 0)) return null;
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
    const r = await scoreRun(trainOnce, split, { ...options, regularization: scale * inner }, metric, 10, signal, options.iterations);
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

/** One candidate of the search: what varies, with λ as a multiple of its confidence's closed form. */
interface Candidate {
  scale: number;
  factors: number;
  confidence?: ConfidenceForm;
  weighting?: Weighting;
  alpha?: number;
  biases?: boolean;
}

/**
 * Searches training options on the training data alone (see the module comment) and returns
 * the winner, with λ carried over to all the data, for the caller to refit.
 *
 * @param data - the training data
 * @param base - fixed options (whatever the caller set is not searched)
 * @param feedback - the feedback type
 * @param spec - resolved tune options
 * @param trainOnce - training
 * @param hooks - `onProgress` gets one `tune` event per run; `signal` cancels
 * @throws AlsError `EMPTY_DATA` when the data is too small to hold out a part to score on
 */
export async function tuneOptions(
  data: Interactions,
  base: TrainOptions,
  feedback: Feedback,
  spec: Required<TuneOptions>,
  trainOnce: TrainOnce,
  hooks: { onProgress?: (p: TuneProgress) => void; signal?: AbortSignal } = {},
): Promise<TuneReport> {
  const t0 = now();
  const elapsed = () => (now() - t0) / 1000;
  const seed = base.seed ?? TRAIN_DEFAULTS.seed;
  const split = searchSplit(data, seed, TUNE_SEARCH_ENTRIES, TUNE_VALIDATION_USERS);
  const second = searchSplit(data, seed + 7919, TUNE_SEARCH_ENTRIES, TUNE_VALIDATION_USERS);
  if (!split) {
    throw new AlsError('EMPTY_DATA', 'Too little data to tune on: the search holds out 20 % of each user\'s pairs and needs at least 10 users and 30 held-out pairs. Train with the defaults instead.', { users: data.users.size, rows: data.length });
  }
  const implicit = feedback === 'implicit';
  const lower = isLowerBetter(spec.metric);
  const better = (a: number, b: number) => (Number.isNaN(b) ? !Number.isNaN(a) : lower ? a < b : a > b);
  const clearlyBetter = (a: number, b: number) => (lower ? a < b * (1 - CLEAR_MARGIN) : a > b * (1 + CLEAR_MARGIN));
  const rawSearch = buildMatrix(split.train, { duplicates: base.duplicates ?? (implicit ? 'sum' : 'last'), eventWeights: base.eventWeights });
  const rawFull = buildMatrix(data, { duplicates: base.duplicates ?? (implicit ? 'sum' : 'last'), eventWeights: base.eventWeights });
  const fullMatrix = rawFull;

  // Implicit: the weightings searched (BM25 weights counts, so not data with negative values), each with its matrices and median value.
  const weightings: Weighting[] = !implicit ? ['none'] : base.weighting ? [base.weighting] : rawFull.byUser.values.every((v) => v >= 0) ? ['none', 'bm25'] : ['none'];
  const byWeighting = new Map(weightings.map((w) => {
    const search = weightMatrix(rawSearch, w).matrix;
    const full = weightMatrix(rawFull, w).matrix;
    return [w, { search, full, median: medianPositive(search.byUser.values), fullMedian: medianPositive(full.byUser.values) }] as const;
  }));
  const weighted = (w: Weighting | undefined) => byWeighting.get(w ?? 'none') ?? byWeighting.get(weightings[0])!;
  // The λ scale of each confidence form and weighting at its central α, on the search data and on all the data.
  const epsilonFor = (form: ConfidenceForm, w?: Weighting) => (form === 'log' ? (typeof base.epsilon === 'number' ? base.epsilon : weighted(w).median) : 1);
  const alphaCentre = (form: ConfidenceForm, w?: Weighting) => base.alpha ?? (form === 'log' ? TRAIN_DEFAULTS.alpha : form === 'linear' ? 1 / weighted(w).median : ALPHA_DEFAULT_LINEAR);
  const forms: ConfidenceForm[] = base.confidence ? [base.confidence] : ['log', 'linear'];
  // ε of the log form on all the data (the refit's): the caller's, or the median there.
  const fullEpsilon = (w?: Weighting) => (typeof base.epsilon === 'number' ? base.epsilon : weighted(w).fullMedian);
  const lambdaScale = new Map<string, { search: number; full: number; meanC: number }>();
  const transferExponent = regularizationTransferExponent(fullMatrix.byUser);
  if (implicit) {
    for (const w of weightings) {
      for (const form of forms) {
        const a = alphaCentre(form, w);
        const s = closedFormLambda(weighted(w).search, form, a, epsilonFor(form, w));
        const f = closedFormLambda(weighted(w).full, form, a, form === 'log' ? fullEpsilon(w) : 1);
        lambdaScale.set(`${form}|${w}`, { search: s.lambda, full: f.lambda, meanC: s.meanConfidence });
      }
    }
  }
  // Explicit: ALS-WR's λ is size-free (0.1 is good on every set measured); a plain λ must grow with the rows' counts.
  const plainScale = (2 * fullMatrix.nnz) / (fullMatrix.byUser.rows + fullMatrix.byUser.cols);
  const explicitCentre = TRAIN_DEFAULTS.regularization * (base.weightedRegularization === false ? plainScale : 1);
  /** λ of a candidate on the search data, and on all the data (the refit's). */
  const lambdaOf = (c: Candidate, on: 'search' | 'full'): number => {
    if (!implicit) return c.scale * explicitCentre;
    const ls = lambdaScale.get(`${c.confidence!}|${c.weighting ?? 'none'}`)!;
    const eps = c.confidence === 'log' ? epsilonFor('log', c.weighting) : 1;
    // Between α values λ follows the mean confidence (σ₁ scales with it), so no new σ₁ per candidate.
    const ratio = meanConfidence(weighted(c.weighting).search.byUser.values, c.confidence!, c.alpha!, eps) / ls.meanC;
    return c.scale * ratio * (on === 'search' ? ls.search : ls.search * Math.pow(ls.full / ls.search, transferExponent));
  };

  // Candidates: the defaults first, then a seeded Latin hypercube around them.
  const rng = new Rng(seed ^ 0x7e57);
  const strata = (n: number): number[] => {
    const p = Array.from({ length: n }, (_, i) => (i + rng.next()) / n);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  };
  const logRange = (u: number, lo: number, hi: number) => Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
  const factorChoices = base.factors !== undefined ? [base.factors] : FACTOR_CHOICES;
  const defaults: Candidate = implicit
    ? { scale: 1, factors: base.factors ?? TRAIN_DEFAULTS.factors, confidence: forms[0], alpha: alphaCentre(forms[0], weightings[0]), weighting: weightings[0] }
    : { scale: 1, factors: base.factors ?? TRAIN_DEFAULTS.factors, biases: base.biases ?? TRAIN_DEFAULTS.biases };
  const isDefaultFamily = (c: Candidate) => c.factors === defaults.factors && c.confidence === defaults.confidence && c.weighting === defaults.weighting && c.alpha === defaults.alpha && c.biases === defaults.biases;
  const makeCandidates = (n: number): Candidate[] => {
    const u1 = strata(n);
    const u2 = strata(n);
    // The defaults at λ₀ (the probe), then at 2λ₀ and λ₀/2: the calibration the defaults would do, so the search starts from them.
    const out: Candidate[] = [defaults, { ...defaults, scale: 2 }, { ...defaults, scale: 0.5 }];
    for (let i = 0; i < n - 2; i++) {
      const factors = factorChoices[(i + rng.int(factorChoices.length)) % factorChoices.length];
      if (implicit) {
        // Every form × weighting pair comes round in turn.
        const confidence = forms[i % forms.length];
        const weighting = weightings[Math.floor(i / forms.length) % weightings.length];
        const alpha = base.alpha ?? logRange(u2[i], alphaCentre(confidence, weighting) / 8, alphaCentre(confidence, weighting) * 8);
        out.push({ scale: logRange(u1[i], 1 / 8, 8), factors, confidence, alpha, weighting });
      } else {
        const biases = base.biases ?? i % 2 === 0;
        out.push({ scale: logRange(u1[i], 1 / 4, 4), factors, biases });
      }
    }
    return out;
  };

  const finalSolver = base.solver ?? TRAIN_DEFAULTS.solver;
  const maxIterations = base.iterations ?? TRAIN_DEFAULTS.iterations;
  const rungIterations = [Math.min(3, maxIterations), Math.min(6, maxIterations), maxIterations];
  const lastEvery = maxIterations >= 8 ? 2 : 1;
  const trials: TuneTrial[] = [];
  let bestSoFar = NaN;
  const paramsOf = (c: Candidate, iterations: number, on: 'search' | 'full'): TunedParams => ({
    factors: c.factors,
    regularization: lambdaOf(c, on),
    iterations,
    ...(implicit
      ? { confidence: c.confidence, alpha: c.alpha, weighting: c.weighting, ...(c.confidence === 'log' ? { epsilon: on === 'search' ? epsilonFor('log', c.weighting) : fullEpsilon(c.weighting) } : {}) }
      : { biases: c.biases }),
  });
  const run = async (c: Candidate, rung: number): Promise<{ score: number; iteration: number; seconds: number; perIteration: number }> => {
    throwIfAborted(hooks.signal);
    // Every rung runs conjugate gradient (the refit uses the caller's solver): ~3× cheaper per iteration at f = 64, the same optimum within noise.
    const solver = 'cg';
    const p = paramsOf(c, rungIterations[rung], 'search');
    const options: TrainOptions = { ...base, ...p, solver, tolerance: 0, onProgress: undefined };
    if (implicit && p.confidence !== 'log') delete options.epsilon;
    const last = rung === rungIterations.length - 1;
    // The last rung finds the iteration count by early stopping: scored every other iteration (scoring costs more than a sweep); earlier rungs at their end.
    const every = last ? lastEvery : rungIterations[rung];
    let r = await scoreRun(trainOnce, split, options, spec.metric, spec.k, hooks.signal, every);
    if (last && second && !Number.isNaN(r.score)) {
      // The last rung decides between close candidates: average over a second held-out split, halving the split's noise.
      const r2 = await scoreRun(trainOnce, second, options, spec.metric, spec.k, hooks.signal, every);
      r = { score: (r.score + r2.score) / 2, iteration: Math.round((r.iteration + r2.iteration) / 2), seconds: r.seconds + r2.seconds, perIteration: r.perIteration, ...(r2.error ? { error: r2.error } : {}) };
    }
    trials.push({ params: { ...p, iterations: r.iteration }, regularizationScale: c.scale, rung, solver, score: r.score, seconds: r.seconds, ...(r.error ? { error: r.error } : {}) });
    if (rung === rungIterations.length - 1 && better(r.score, bestSoFar)) bestSoFar = r.score;
    hooks.onProgress?.({ stage: 'tune', trial: trials.length, rung, params: { ...p, iterations: r.iteration }, score: r.score, seconds: r.seconds, best: bestSoFar });
    return r;
  };

  /** The defaults on all the data, with λ as training without `tune` would measure it; the score is the defaults' at the last rung they ran. */
  const defaultsFallback = async (): Promise<{ params: TunedParams; score: number }> => {
    const params = paramsOf(defaults, maxIterations, 'full');
    const last = [...trials].reverse().find((t) => t.regularizationScale === 1 && t.params.factors === defaults.factors && t.params.confidence === defaults.confidence && t.params.weighting === defaults.weighting && t.params.alpha === defaults.alpha && t.params.biases === defaults.biases);
    if (implicit) {
      const w = weighted(defaults.weighting);
      const calibrated = await calibrateRegularization(data, { ...base, feedback: 'implicit', confidence: defaults.confidence!, alpha: defaults.alpha!, epsilon: fullEpsilon(defaults.weighting), weighting: defaults.weighting }, w.full, trainOnce, hooks.signal);
      if (calibrated) params.regularization = calibrated.regularization;
    }
    return { params, score: last?.score ?? NaN };
  };

  // Probe: the defaults at the first rung tell what a run costs here: a conjugate-gradient
  // iteration (from the report) and the rest of a run (set-up and scoring).
  const probe = await run(defaults, 0);
  const iterationSeconds = probe.perIteration;
  const runOverhead = Math.max(0, probe.seconds - rungIterations[0] * iterationSeconds);
  // Candidates vary f (32 … 128): on average a little dearer than the probe's; Cholesky costs ~3× a CG iteration at f = 64.
  const mix = base.factors !== undefined ? 1 : 1.2;
  const refitFactor = finalSolver === 'cg' ? 1 : 3;
  const rung1Run = runOverhead + rungIterations[1] * iterationSeconds * mix;
  // Last rung: two held-out splits, each scored after every iteration (scoring ≈ half the run overhead).
  const lastRun = 2 * (runOverhead + rungIterations[2] * (iterationSeconds * mix + runOverhead / 2 / lastEvery));
  // The budget covers the refit on all the data too (the last rung's solver, the whole data).
  // (The winner may have the largest f: a Cholesky refit at f = 128 costs ~2.8× one at 64.)
  const refitMix = base.factors !== undefined ? 1 : Math.pow(Math.max(...FACTOR_CHOICES) / TRAIN_DEFAULTS.factors, refitFactor > 1 ? 1.5 : 1);
  const refitEstimate = (runOverhead + maxIterations * iterationSeconds * refitFactor * refitMix) * (data.length / Math.max(1, split.train.length));
  const budget = Math.max(spec.budgetSeconds * 0.3, spec.budgetSeconds - refitEstimate);
  const projected = (n: number) => n * probe.seconds * mix + Math.ceil(n / 3) * rung1Run + Math.ceil(n / 9) * lastRun;
  // The explicit space is smaller (λ, biases on/off, f) than the implicit one (λ, α, form, f): fewer candidates cover it.
  const maxCount = implicit ? 26 : 17;
  let count = 5;
  while (count < maxCount && projected(count + 1) <= budget * 0.9) count++;
  let pool = makeCandidates(count).map((c, i) => ({ c, score: i === 0 ? probe.score : NaN, iteration: i === 0 ? probe.iteration : 0, seconds: i === 0 ? probe.seconds : 0, perIteration: 0 }));
  for (let i = 1; i < pool.length && elapsed() < budget; i++) Object.assign(pool[i], await run(pool[i].c, 0));
  let rungReached = 0;
  for (let rung = 1; rung < rungIterations.length && elapsed() < budget; rung++) {
    const keep = Math.max(1, Math.ceil(pool.length / 3));
    const ranked = pool.filter((x) => !Number.isNaN(x.score)).sort((a, b) => (lower ? a.score - b.score : b.score - a.score));
    const survivors = ranked.slice(0, keep);
    // The best of the default family (the defaults' form, α and f at some λ) always goes on: the
    // search then ends at least where the defaults would, unless something beats them at full length.
    // It runs first, so a budget that runs out mid-rung (a slow or busy machine) still leaves
    // it to compare against: a challenger is then chosen only if it beat it at the same length.
    const incumbent = ranked.find((x) => isDefaultFamily(x.c));
    if (incumbent) {
      if (survivors.includes(incumbent)) survivors.splice(survivors.indexOf(incumbent), 1);
      survivors.unshift(incumbent);
    }
    pool = survivors.map((x) => ({ ...x, score: NaN }));
    const done: typeof pool = [];
    for (const x of pool) {
      // A run is started only if it should end within the budget (f = 128 at the last rung on a big catalogue takes long).
      const estimate = (rung === rungIterations.length - 1 ? lastRun : rung1Run) * (x.c.factors / defaults.factors);
      if (done.length > 0 && elapsed() + estimate > budget) break;
      done.push({ ...x, ...(await run(x.c, rung)) });
    }
    pool = done;
    rungReached = rung;
  }
  pool = pool.filter((x) => !Number.isNaN(x.score)).sort((a, b) => (lower ? a.score - b.score : b.score - a.score));
  if (pool.length === 0) {
    throw new AlsError('NON_FINITE', 'Every candidate of the search failed to train; see the trials for why.', { trials });
  }
  if (rungReached < rungIterations.length - 1) {
    // The budget ran out before any candidate ran at full length: short runs favour small λ and
    // few iterations (on the play-count set, a pick from 6-iteration runs scored 16 % below the
    // defaults), so the defaults are kept — λ calibrated as training without `tune` does.
    return { ...(await defaultsFallback()), metric: spec.metric, k: spec.k, trials, seconds: elapsed(), budgetSeconds: spec.budgetSeconds, validation: { users: split.users, pairs: split.pairs, sampledUsers: split.sampledUsers }, fallback: 'defaults' };
  }
  let winner = pool[0];
  // A challenger replaces the defaults' family only if it wins clearly: held-out scores of one
  // search carry noise of about 1 % (a few thousand users), and the defaults are the better bet
  // on a tie (on the generated shop set a challenger chosen by a hair scored 4.5 % below them).
  const incumbent = pool.find((x) => isDefaultFamily(x.c));
  if (incumbent && incumbent !== winner && !clearlyBetter(winner.score, incumbent.score)) winner = incumbent;
  // Refine λ beside the winner at the last rung while the budget lasts.
  if (rungReached === rungIterations.length - 1) {
    for (const f of [Math.SQRT2, Math.SQRT1_2]) {
      if (elapsed() + winner.seconds > budget) break;
      const c = { ...winner.c, scale: winner.c.scale * f };
      const r = await run(c, rungReached);
      if (better(r.score, winner.score)) winner = { c, ...r };
    }
  }
  return {
    // An early stop at 2–4 iterations on one noisy held-out part is not a convergence: ALS needs a few sweeps (the play-count set's refit at 2 lost 5 %).
    params: paramsOf(winner.c, Math.max(Math.min(MIN_REFIT_ITERATIONS, maxIterations), winner.iteration), 'full'),
    score: winner.score,
    metric: spec.metric,
    k: spec.k,
    trials,
    seconds: elapsed(),
    budgetSeconds: spec.budgetSeconds,
    validation: { users: split.users, pairs: split.pairs, sampledUsers: split.sampledUsers },
  };
}
