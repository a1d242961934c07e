/**
 * Held-out validation during training: scores the current factors on validation data after
 * each iteration (or every `every` iterations), reports the score as progress, keeps the best
 * factors seen, and asks training to stop a restart when the score has not improved for
 * `patience` evaluations (early stopping).
 * see: the `eval_set` / `early_stopping_rounds` of gradient-boosting libraries (XGBoost,
 * LightGBM): the same idea applied to ALS iterations.
 */
import type { Csr, IdMap, Interactions } from '../data/types.js';
import type { Factors, FactorView } from '../train/factors.js';
import type { Feedback, TrainProgress } from '../train/options.js';
import { badOption, checkOptions } from '../errors.js';
import { alignToModel, checkHasRatings, evaluateAligned, isAtKMetric, isLowerBetter, isRankingMetric, metricsFor, type AlignedTest, type QualityMetric } from './evaluate.js';

/** Options of held-out validation during training (`validation` in `train`'s options). */
export interface ValidationOptions {
  /** Held-out interactions, ids as in the training data (e.g. the `test` part of a split). */
  data: Interactions;
  /** Metric to watch: a ranking metric for any feedback, rmse/mae for ratings. Default `rmse` (explicit) or `ndcg` (implicit). */
  metric?: QualityMetric;
  /** Cut-off of the ranking metrics (integer ≥ 1). Default 10. */
  k?: number;
  /** Ranking metrics: a held-out pair is relevant when its value is ≥ this (see `EvaluateOptions.relevant`). Default: every held-out rating (explicit), every value > 0 (implicit). */
  relevant?: number;
  /** Score every this many iterations (integer ≥ 1). Default 1. */
  every?: number;
  /**
   * Stop a restart after this many evaluations without improvement, and keep the best
   * factors seen (integer ≥ 0; 0 = never stop early, but still keep the best). Default 0.
   */
  patience?: number;
}

/** One validation score. */
export interface ValidationPoint {
  /** Restart (0-based). */
  restart: number;
  /** Iteration (1-based). */
  iteration: number;
  /** The metric's value (NaN when no held-out pair could be scored). */
  value: number;
}

/** What validation saw, in the training report. */
export interface ValidationReport {
  /** The watched metric. */
  metric: QualityMetric;
  /** Cut-off of the ranking metrics. */
  k: number;
  /** Every score, in order. */
  history: ValidationPoint[];
  /** The best score, whose factors the model holds; null when nothing could be scored. */
  best: ValidationPoint | null;
  /** Whether patience stopped some restart before its last iteration. */
  stoppedEarly: boolean;
}

/** Every option of {@link ValidationOptions} (typed: a new option fails to compile until listed). */
const VALIDATION_OPTION_NAMES = Object.keys({ data: 1, metric: 1, k: 1, relevant: 1, every: 1, patience: 1 } satisfies Record<keyof ValidationOptions, 1>);

/** Validation options after defaults and checks. */
interface ResolvedValidation {
  data: Interactions;
  metric: QualityMetric;
  k: number;
  relevant?: number;
  every: number;
  patience: number;
}

/**
 * Checks validation options against the feedback type.
 * @throws AlsError `BAD_OPTION` naming `validation.<field>` and the allowed values
 */
export function resolveValidation(v: ValidationOptions, feedback: Feedback): ResolvedValidation {
  if (typeof v !== 'object' || v === null) throw badOption('validation', v, 'an object { data, metric?, k?, every?, patience? }');
  checkOptions(v, VALIDATION_OPTION_NAMES, 'validation');
  const d = v.data as Partial<Interactions> | undefined;
  if (!d || typeof d !== 'object' || !(d.user instanceof Int32Array) || !(d.item instanceof Int32Array) || !d.users || !d.items) {
    throw badOption('validation.data', typeof v.data, 'held-out interactions (e.g. the test part of a split)');
  }
  const allowed = metricsFor(feedback);
  const metric = v.metric ?? (feedback === 'explicit' ? 'rmse' : 'ndcg');
  if (!allowed.includes(metric)) throw badOption('validation.metric', metric, `one of ${allowed.map((m) => `"${m}"`).join(', ')} for ${feedback} feedback`);
  checkHasRatings(v.data, feedback, 'validation.data');
  const int = (x: unknown, name: string, def: number, min: number): number => {
    const val = x ?? def;
    if (typeof val !== 'number' || !Number.isInteger(val) || val < min || val > 1_000_000) throw badOption(`validation.${name}`, x, `an integer in [${min}, 1000000]`);
    return val;
  };
  if (v.relevant !== undefined && (typeof v.relevant !== 'number' || Number.isNaN(v.relevant))) throw badOption('validation.relevant', v.relevant, 'a number: a held-out pair whose value is ≥ it is relevant');
  return { data: v.data, metric, k: int(v.k, 'k', 10, 1), relevant: v.relevant, every: int(v.every, 'every', 1, 1), patience: int(v.patience, 'patience', 0, 0) };
}

/** What the model is trained on: its feedback, ids and seen-items matrix (the rows the factor views use). */
export interface ValidatedRun {
  /** The run's feedback. */
  feedback: Feedback;
  /** User ids ↔ rows. */
  users: IdMap;
  /** Item ids ↔ rows. */
  items: IdMap;
  /** Training interactions by user row (left out of rankings). */
  seen: Csr;
  /** Rating models: the scale the model's predictions will be kept on, so validation scores them as `evaluate` will. */
  ratingScale?: readonly [number, number];
}

/**
 * Watches one training run: plug {@link Validator.observe} and {@link Validator.restartScore}
 * into `trainFactors`'s hooks. The held-out set is put in the run's rows once; each
 * evaluation scores the run's factor views in place (no model, no copy but the best factors).
 */
export class Validator {
  private readonly history: ValidationPoint[] = [];
  private best: ValidationPoint | null = null;
  private bestFactors: Factors | null = null;
  /** Per restart: best signed score and evaluations since it improved. */
  private readonly perRestart = new Map<number, { best: number; stale: number }>();
  private stoppedEarly = false;
  private readonly sign: number;
  private readonly aligned: AlignedTest;

  /**
   * @param v - resolved validation options
   * @param run - what the model is trained on
   * @param emit - progress sink for `validation` and `validating` events
   * @param signal - cancels a running evaluation between chunks of users
   */
  constructor(
    private readonly v: ResolvedValidation,
    private readonly run: ValidatedRun,
    private readonly emit: (p: TrainProgress) => void,
    private readonly signal?: AbortSignal,
  ) {
    this.sign = isLowerBetter(v.metric) ? 1 : -1;
    this.aligned = alignToModel({ users: run.users, items: run.items, options: { feedback: run.feedback } }, v.data);
  }

  /**
   * Scores the current factors (every `every` iterations); returns true to stop this restart.
   * @param view - the restart, iteration and read-only views of the current factors
   */
  async observe(view: FactorView): Promise<boolean> {
    if (view.iteration % this.v.every !== 0) return false;
    const { restart, iteration } = view;
    const scale = this.run.ratingScale;
    const predictIndex = scale ? (u: number, i: number) => Math.min(scale[1], Math.max(scale[0], view.predict(u, i))) : view.predict;
    const scorer = { ...this.run, options: { feedback: this.run.feedback }, predictIndex, scoreUser: view.scoreUser };
    // In chunks of users that yield (progress `validating`): a big validation set must not stall the worker.
    const onProgress = (p: { usersDone: number; usersTotal: number }) => this.emit({ stage: 'validating', restart, iteration, usersDone: p.usersDone, usersTotal: p.usersTotal });
    // Watching an @k metric: the full-ranking ones (AUC, MPR) are not computed; watching RMSE/MAE: no ranking at all.
    const atKOnly = isAtKMetric(this.v.metric);
    const ranking = isRankingMetric(this.v.metric);
    const r = (await evaluateAligned(scorer, this.aligned, { k: this.v.k, relevant: this.v.relevant, signal: this.signal, onProgress, atKOnly, ranking })) as unknown as Record<string, number>;
    const value = r[this.v.metric];
    const point = { restart, iteration, value };
    this.history.push(point);
    const state = this.perRestart.get(restart) ?? { best: Infinity, stale: 0 };
    this.perRestart.set(restart, state);
    if (!Number.isNaN(value) && this.sign * value < state.best) {
      state.best = this.sign * value;
      state.stale = 0;
    } else {
      state.stale++;
    }
    if (!Number.isNaN(value) && (this.best === null || this.sign * value < this.sign * this.best.value)) {
      this.best = point;
      this.bestFactors = view.copy();
    }
    this.emit({ stage: 'validation', restart, iteration, metric: this.v.metric, value, best: this.best?.value ?? NaN });
    const stop = this.v.patience > 0 && state.stale >= this.v.patience;
    if (stop) this.stoppedEarly = true;
    return stop;
  }

  /** The restart's best score, lower is better: restarts are compared on it instead of the loss. */
  restartScore(restart: number): number {
    const s = this.perRestart.get(restart);
    return s && Number.isFinite(s.best) ? s.best : Infinity;
  }

  /** The factors of the best score, or null when nothing could be scored. */
  get bestSnapshot(): Factors | null {
    return this.bestFactors;
  }

  /** The report of what was seen. */
  report(): ValidationReport {
    return { metric: this.v.metric, k: this.v.k, history: this.history, best: this.best, stoppedEarly: this.stoppedEarly };
  }
}
