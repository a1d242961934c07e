/**
 * `train(data, { tune })`: choosing training options on the training data alone, a per-user
 * held-out part of it scoring each candidate. Successive halving (Jamieson & Talwalkar 2016;
 * Li et al. 2018, "Hyperband") over λ, α, the confidence form, the factor count (and biases for
 * ratings), with the iteration count set by early stopping: the rungs, the budget, the choice
 * of the winner, and the defaults kept when the budget ends too early. Candidates are a Latin
 * hypercube around the data-derived defaults (tune-space.ts); λ is searched as a multiple of
 * the closed form for each confidence, so one range fits every data set; the search runs
 * conjugate-gradient sweeps and the last rung the solver of the refit.
 *
 * The option checks (tune-options.ts) and the measured default λ of implicit feedback, which
 * the defaults fallback uses ({@link calibrateRegularization}, calibrate-regularization.ts), are
 * re-exported from here.
 */
import type { TrainOnce, TuneOptions, TuneProgress, TuneReport, TuneTrial, TunedParams } from './fit-types.js';
import { TRAIN_DEFAULTS, type Feedback, type TrainOptions } from '../train/options.js';
import { now } from '../util/yield.js';
import type { Interactions } from '../data/types.js';
import { AlsError, throwIfAborted } from '../errors.js';
import { isLowerBetter } from './evaluate.js';
import { calibrateRegularization } from './calibrate-regularization.js';
import { scoreRun, searchSplit } from './search-split.js';
import { tuneSearchSpace, type Candidate } from './tune-space.js';

export type { RegularizationCalibration, TrainOnce, TunedParams, TuneOptions, TuneProgress, TuneReport, TuneTrial } from './fit-types.js';
export { resolveTuneOptions, TUNE_DEFAULT_BUDGET_SECONDS, type ResolvedTuneOptions } from './tune-options.js';
import type { ResolvedTuneOptions } from './tune-options.js';
export { calibrateRegularization } from './calibrate-regularization.js';

/** Held-out users scored by `tune` (ranking cost grows with users × items; NDCG's standard error is then ≈ 0.005). */
const TUNE_VALIDATION_USERS = 2000;
/** `tune` trains on at most this many entries (a user sample beyond): λ carries over as a multiple of the closed form. */
const TUNE_SEARCH_ENTRIES = 1_500_000;
/** Fewest iterations of the refit, whatever the early stop said. */
const MIN_REFIT_ITERATIONS = 5;
/** Smallest relative margin by which a challenger must beat the defaults to be chosen. */
const CLEAR_MARGIN = 0.01;

/**
 * The relative margin a challenger must win by: at least {@link CLEAR_MARGIN}; for a ranking
 * metric (per-user values in [0, 1], higher better), half the largest relative standard error
 * of a mean of `users` such values with mean `score` — √((1 − s) / (s·n)), the Bernoulli bound.
 * Two candidates scored on the same users differ by much less noise than that bound, so half of
 * it asks for a win of a few paired standard errors: 2.7 % on the shop set (2 000 users, NDCG
 * ≈ 0.15), 2.5 % on MovieLens-100K (943 users, ≈ 0.3), 1.7 % on a 1 M set (2 000 users, ≈ 0.3).
 */
export function clearMargin(score: number, users: number, rankingMetric: boolean): number {
  if (!rankingMetric || !(score > 0 && score < 1) || !(users > 0)) return CLEAR_MARGIN;
  return Math.max(CLEAR_MARGIN, 0.5 * Math.sqrt((1 - score) / (score * users)));
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
  spec: ResolvedTuneOptions,
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
  const threshold = spec.relevant === undefined ? {} : { relevant: spec.relevant };
  const lower = isLowerBetter(spec.metric);
  // A second held-out split at the last rung for the ranking metrics only: their per-user values
  // are noisy (NDCG's standard error ≈ 0.005–0.01 here), while an error metric averages every
  // held-out rating (on MovieLens-100K the last rung's candidates differ by 0.1–0.3 % RMSE, the
  // refit lands within 0.2 % of the grid with one split, and the second split doubled the rung).
  const twoSplits = second !== null && !lower;
  const better = (a: number, b: number) => (Number.isNaN(b) ? !Number.isNaN(a) : lower ? a < b : a > b);
  // The metrics where higher is better are the ranking ones, with per-user values in [0, 1].
  const clearlyBetter = (a: number, b: number) => {
    const margin = clearMargin(b, split.users, !lower);
    return lower ? a < b * (1 - margin) : a > b * (1 + margin);
  };
  const { defaults, isDefaultFamily, makeCandidates, lambdaOf, paramsOf, weighted, fullEpsilon } = tuneSearchSpace(data, split, base, implicit, seed);
  // Implicit: the defaults' λ as training without `tune` calibrates it (6-iteration runs over
  // multiples of the closed form). The search starts from it and keeps it to the last rung, so
  // it ends at least where the defaults would: its own 3-iteration probes favour small λ (on the
  // play-count set they preferred 2λ₀ to the calibrated 4λ₀, which then lost 16 % at full length).
  const calibrated = implicit && (base.regularization === undefined || base.regularization === 'auto')
    ? await calibrateRegularization(data, { ...base, feedback: 'implicit', confidence: defaults.confidence!, alpha: defaults.alpha!, epsilon: fullEpsilon(defaults.weighting), weighting: defaults.weighting }, weighted(defaults.weighting).full, trainOnce, hooks.signal)
    : null;
  if (calibrated) defaults.scale = calibrated.regularization / lambdaOf({ ...defaults, scale: 1 }, 'full');
  /** The incumbent: the calibrated defaults themselves; else (ratings) the defaults' family at any λ. */
  const isDefaults = (c: Candidate) => isDefaultFamily(c) && (!calibrated || c.scale === defaults.scale);

  const finalSolver = base.solver ?? TRAIN_DEFAULTS.solver;
  const maxIterations = base.iterations ?? TRAIN_DEFAULTS.iterations;
  const rungIterations = [Math.min(3, maxIterations), Math.min(6, maxIterations), maxIterations];
  const lastEvery = maxIterations >= 8 ? 2 : 1;
  const trials: TuneTrial[] = [];
  let bestSoFar = NaN;
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
    let r = await scoreRun(trainOnce, split, options, spec, hooks.signal, every);
    if (last && twoSplits && !Number.isNaN(r.score)) {
      // The last rung decides between close candidates: average over a second held-out split, halving the split's noise.
      const r2 = await scoreRun(trainOnce, second, options, spec, hooks.signal, every);
      r = { score: (r.score + r2.score) / 2, iteration: Math.round((r.iteration + r2.iteration) / 2), seconds: r.seconds + r2.seconds, perIteration: r.perIteration, ...(r2.error ? { error: r2.error } : {}) };
    }
    trials.push({ params: { ...p, iterations: r.iteration }, regularizationScale: c.scale, rung, solver, score: r.score, seconds: r.seconds, ...(r.error ? { error: r.error } : {}) });
    if (rung === rungIterations.length - 1 && better(r.score, bestSoFar)) bestSoFar = r.score;
    hooks.onProgress?.({ stage: 'tune', trial: trials.length, rung, params: { ...p, iterations: r.iteration }, score: r.score, seconds: r.seconds, best: bestSoFar });
    return r;
  };

  /** The defaults on all the data, as training without `tune` makes them (λ calibrated, every iteration); the score is theirs at the last rung they ran. */
  const defaultsResult = (): { params: TunedParams; score: number } => {
    const params = paramsOf(defaults, maxIterations, 'full');
    const last = [...trials].reverse().find((t) => t.regularizationScale === defaults.scale && t.params.factors === defaults.factors && t.params.confidence === defaults.confidence && t.params.weighting === defaults.weighting && t.params.alpha === defaults.alpha && t.params.biases === defaults.biases);
    if (calibrated) params.regularization = calibrated.regularization;
    return { params, score: last?.score ?? NaN };
  };

  // Probe: the defaults at the first rung tell what a run costs here: a conjugate-gradient
  // iteration (from the report) and the rest of a run (set-up and scoring).
  // Seconds already spent (the defaults' λ calibration) come off what the search may plan for.
  const spentBefore = elapsed();
  const probe = await run(defaults, 0);
  const iterationSeconds = probe.perIteration;
  const runOverhead = Math.max(0, probe.seconds - rungIterations[0] * iterationSeconds);
  // Candidates vary f (32 … 128): on average a little dearer than the probe's; Cholesky costs ~3× a CG iteration at f = 64.
  const mix = base.factors !== undefined ? 1 : 1.2;
  const refitFactor = finalSolver === 'cg' ? 1 : 3;
  const rung1Run = runOverhead + rungIterations[1] * iterationSeconds * mix;
  // Last rung: one or two held-out splits, each scored every `lastEvery` iterations (scoring ≈ half the run overhead).
  const lastRun = (twoSplits ? 2 : 1) * (runOverhead + rungIterations[2] * (iterationSeconds * mix + runOverhead / 2 / lastEvery));
  // The budget covers the refit on all the data too (the caller's solver, the whole data): a
  // Cholesky refit at f = 128 costs ~2.8× one at 64. The plan reserves the defaults' refit; a
  // run of the last rung or beside the winner starts only if its own refit still fits after it.
  const refitOf = (factors: number) => (runOverhead + maxIterations * iterationSeconds * refitFactor * Math.pow(factors / defaults.factors, refitFactor > 1 ? 1.5 : 1)) * (data.length / Math.max(1, split.train.length));
  const budget = Math.max(spec.budgetSeconds * 0.3, spec.budgetSeconds - refitOf(defaults.factors));
  const lastRungLimit = (factors: number) => Math.min(budget, spec.budgetSeconds - refitOf(factors));
  const projected = (n: number) => n * probe.seconds * mix + Math.ceil(n / 3) * rung1Run + Math.ceil(n / 9) * lastRun;
  // The explicit space is smaller (λ, biases on/off, f) than the implicit one (λ, α, form, f): fewer candidates cover it.
  const maxCount = implicit ? 26 : 17;
  let count = 5;
  while (count < maxCount && projected(count + 1) <= (budget - spentBefore) * 0.9) count++;
  let pool = makeCandidates(count).map((c, i) => ({ c, score: i === 0 ? probe.score : NaN, iteration: i === 0 ? probe.iteration : 0, seconds: i === 0 ? probe.seconds : 0, perIteration: 0 }));
  for (let i = 1; i < pool.length && elapsed() < budget; i++) Object.assign(pool[i], await run(pool[i].c, 0));
  let rungReached = 0;
  for (let rung = 1; rung < rungIterations.length && elapsed() < budget; rung++) {
    const keep = Math.max(1, Math.ceil(pool.length / 3));
    const ranked = pool.filter((x) => !Number.isNaN(x.score)).sort((a, b) => (lower ? a.score - b.score : b.score - a.score));
    const survivors = ranked.slice(0, keep);
    // The defaults always go on: the search then ends at least where they would, unless
    // something beats them at full length. They run first, so a budget that runs out mid-rung
    // (a slow or busy machine) still leaves them to compare against: a challenger is then
    // chosen only if it beat them at the same length.
    const incumbent = ranked.find((x) => isDefaults(x.c));
    if (incumbent) {
      if (survivors.includes(incumbent)) survivors.splice(survivors.indexOf(incumbent), 1);
      survivors.unshift(incumbent);
    }
    pool = survivors.map((x) => ({ ...x, score: NaN }));
    const done: typeof pool = [];
    for (const x of pool) {
      // A run is started only if it should end within the budget (f = 128 at the last rung on a big catalogue takes long).
      const last = rung === rungIterations.length - 1;
      const estimate = (last ? lastRun : rung1Run) * (x.c.factors / defaults.factors);
      // Skipped, not stopped at: a cheaper candidate behind it may still fit.
      if (done.length > 0 && elapsed() + estimate > (last ? lastRungLimit(x.c.factors) : budget)) continue;
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
    return { ...defaultsResult(), metric: spec.metric, k: spec.k, ...threshold, trials, seconds: elapsed(), budgetSeconds: spec.budgetSeconds, validation: { users: split.users, pairs: split.pairs, sampledUsers: split.sampledUsers }, fallback: 'defaults', ...(calibrated ? { regularizationCalibration: calibrated.calibration } : {}) };
  }
  let winner = pool[0];
  // A challenger replaces the defaults only if it wins clearly (see clearMargin): held-out
  // scores of one search are noisy, and the defaults are the better bet on a tie (on the
  // generated shop set challengers that won by 1–2 % scored 4.5 % below them on the real hold-out).
  const incumbent = pool.find((x) => isDefaults(x.c));
  if (incumbent && incumbent !== winner && !clearlyBetter(winner.score, incumbent.score)) winner = incumbent;
  if (implicit && calibrated && winner === incumbent) {
    // The defaults won: they are refit exactly as training without `tune` makes them (their λ was
    // already chosen on held-out pairs; a √2 step beside it on one noisy split is not evidence).
    return { ...defaultsResult(), score: winner.score, metric: spec.metric, k: spec.k, ...threshold, trials, seconds: elapsed(), budgetSeconds: spec.budgetSeconds, validation: { users: split.users, pairs: split.pairs, sampledUsers: split.sampledUsers }, regularizationCalibration: calibrated.calibration };
  }
  // Refine λ beside the winner at the last rung while the budget lasts.
  if (rungReached === rungIterations.length - 1 && typeof base.regularization !== 'number') {
    for (const f of [Math.SQRT2, Math.SQRT1_2]) {
      if (elapsed() + winner.seconds > lastRungLimit(winner.c.factors)) break;
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
    ...threshold,
    trials,
    seconds: elapsed(),
    budgetSeconds: spec.budgetSeconds,
    validation: { users: split.users, pairs: split.pairs, sampledUsers: split.sampledUsers },
    ...(calibrated ? { regularizationCalibration: calibrated.calibration } : {}),
  };
}
