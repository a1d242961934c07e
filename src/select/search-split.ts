/**
 * The held-out data of a search on the training data alone (tuning, the λ calibration of the
 * defaults), and the score of one training run on it.
 */
import type { TrainOnce } from './fit-types.js';
import type { TrainOptions } from '../train/options.js';
import { Rng } from '../util/rng.js';
import { now } from '../util/yield.js';
import { splitInteractions } from '../data/split.js';
import { markReusable } from '../data/matrix-cache.js';
import { sampleUsers, selectEntries } from '../data/subset.js';
import type { Interactions } from '../data/types.js';
import { isAlsError } from '../errors.js';
import type { QualityMetric } from './evaluate.js';

/** The search's data: a training part and a held-out part (a user sample of both for big data). */
export interface SearchSplit {
  train: Interactions;
  holdout: Interactions;
  users: number;
  pairs: number;
  sampledUsers: boolean;
  /** The training part's share of the (sampled) users' rows, ≈ 0.8: how much data per row it has against all the data. */
  share: number;
}

/** The outcome of {@link scoreRun}: the best held-out score, its iteration, the run's seconds and the median seconds per iteration. */
export interface RunScore {
  score: number;
  iteration: number;
  seconds: number;
  perIteration: number;
  error?: string;
}

/** Splits off a per-user held-out part of the training data, or returns null when the data is too small to score anything reliably. */
export function searchSplit(data: Interactions, seed: number, maxEntries: number, maxUsers: number): SearchSplit | null {
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
  // The search trains many runs on this part: its matrix is built once (the part is never changed).
  return { train: markReusable(split.train), holdout, users, pairs: holdout.length, sampledUsers: sampled, share: split.train.length / sample.length };
}

/** The held-out score of one training run (best over its iterations) and its best iteration. */
export async function scoreRun(
  trainOnce: TrainOnce,
  split: SearchSplit,
  options: TrainOptions,
  scoring: { metric: QualityMetric; k: number; relevant?: number },
  signal: AbortSignal | undefined,
  every = 1,
): Promise<RunScore> {
  const t0 = now();
  try {
    // Scoring costs about one conjugate-gradient sweep: short runs are scored at their end only.
    const validation = { data: split.holdout, metric: scoring.metric, k: scoring.k, relevant: scoring.relevant, every, patience: 2 };
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
