/**
 * Implicit-feedback quality: how well each user's held-out items are ranked among the items
 * they had not interacted with in training.
 * This module is the loop over users (and their blocks); the metrics of one user are in
 * at-k-metrics.ts (@k) and full-ranking-metrics.ts (AUC, MPR).
 * see: benfred/implicit `evaluation.pyx` (ranking_metrics_at_k) for the @k metrics;
 * Hu, Koren & Volinsky 2008, §6 for the expected percentile rank.
 */
import type { Csr } from '../data/types.js';
import { badOption } from '../errors.js';
import { topK } from '../recommend/top-k.js';
import { userAtK } from './at-k-metrics.js';
import { FullRankingSums } from './full-ranking-metrics.js';

/** Inputs of {@link rankingMetrics}. */
export interface RankingInput {
  /** Fills `out` (length numItems) with the scores of every item for user row `u`. */
  score: (u: number, out: Float64Array) => void;
  /** Number of items (columns of train and test). */
  numItems: number;
  /** Training interactions, users × items: every stored entry is left out of its user's ranking. */
  train: Csr;
  /** Held-out interactions, users × items: entries with value > 0 are the positives (see `relevant`). */
  test: Csr;
  /**
   * Entries with value ≥ this are the positives instead (−Infinity: every held-out entry, e.g.
   * ratings of any value), and each weighs 1 in MPR: relevance is then binary. Default: value
   * > 0, each positive weighted by its value in MPR (Hu et al.'s held-out counts).
   */
  relevant?: number;
  /** Cut-off k of the @k metrics (an integer ≥ 1). */
  k: number;
  /** Evaluate only these user rows (default: all rows of `test`). */
  users?: Int32Array;
  /** Skip the full-ranking metrics (AUC and MPR are NaN): the @k metrics alone cost about half. */
  atKOnly?: boolean;
  /**
   * A faster scorer for blocks of users (e.g. `AlsModel.topKRows` over the WASM kernel): for
   * the user rows given, the top `k` items with each user's `train` row left out, and, when
   * `withScores`, every score (users × numItems). It must rank exactly as `score` + {@link topK}
   * would (the same scores, ties by lower index); the metrics are then the same bits.
   */
  scoreBlock?: (rows: Int32Array, k: number, withScores: boolean) => { indices: Int32Array; counts: Int32Array; all?: Float64Array };
  /** Rank only the items marked 1 (cold-start protocols: only the held-out films); default every item. */
  candidates?: Uint8Array;
}

/** Ranking quality; see {@link rankingMetrics} for the definitions. */
export interface RankingMetrics {
  /** The cut-off. */
  k: number;
  /** precision@k, denominator min(k, |T_u|), averaged over users. */
  precision: number;
  /** recall@k, averaged over users. */
  recall: number;
  /** MAP@k (mean over users of AP@k). */
  map: number;
  /** NDCG@k with binary gains, averaged over users. */
  ndcg: number;
  /** AUC over all candidate items (not only the top k), averaged over users that have negatives. */
  auc: number;
  /** Mean (expected) percentile rank: 0 = top, 0.5 = random, lower is better. */
  mpr: number;
  /** Users evaluated: those with at least one held-out positive. */
  users: number;
}

/**
 * Top-k and full-ranking metrics of a scorer, with each user's training items excluded from
 * their ranking.
 *
 * @param input - the scorer, the train/test split, k and optionally the users to evaluate
 * @returns the metrics averaged over the users with ≥ 1 held-out positive (NaN if none), and
 *   how many such users there were
 * @throws AlsError `BAD_OPTION` if k is not an integer ≥ 1
 * @throws RangeError if train/test/numItems disagree in shape or a user row is out of range
 * @remarks
 * For user u: the candidates C_u are all items not stored in u's training row; the held-out
 * positives T_u are u's test entries with r_ui > 0 (r_ui ≥ `relevant` when given) that are candidates (a test item also in
 * train can never be recommended, so it is not counted); the negatives N_u = C_u ∖ T_u.
 * R_u is C_u ordered by descending score, ties by lower index (as {@link topK}), NaN scores
 * last; rel_j = 1 if R_u[j] ∈ T_u (j = 1-based rank); hits = Σ_{j≤k} rel_j. Then
 *
 * - precision@k = hits / min(k, |T_u|) — benfred/implicit's denominator, so a perfect
 *   ranking scores 1 even when |T_u| < k
 * - recall@k = hits / |T_u|
 * - AP@k = (1 / min(k, |T_u|)) · Σ_{j≤k} P@j · rel_j, with P@j = (Σ_{l≤j} rel_l) / j;
 *   MAP@k = the mean of AP@k over users
 * - NDCG@k = DCG@k / IDCG@k, DCG@k = Σ_{j≤k} rel_j / log2(j + 1),
 *   IDCG@k = Σ_{j=1}^{min(k, |T_u|)} 1 / log2(j + 1) (binary gains)
 * - AUC_u = (1 / (|T_u|·|N_u|)) Σ_{i∈T_u} Σ_{n∈N_u} ([s_i > s_n] + ½[s_i = s_n]) — the full
 *   AUC over every candidate, not a top-k truncation; users with N_u = ∅ are left out of the
 *   AUC mean. (The @k metrics break ties by index; AUC and MPR count ties as half.)
 * - rank_ui = (1 / |N_u|) Σ_{n∈N_u} ([s_n > s_i] + ½[s_n = s_i]) ∈ [0, 1], 0 = above every
 *   negative; MPR = Σ_{u, i∈T_u} r_ui·rank_ui / Σ r_ui (Hu, Koren & Volinsky 2008's
 *   expected percentile rank, weighted by the held-out value r_ui — by 1 with `relevant`; lower is better, random
 *   scores give 0.5). Each positive is ranked among the negatives only, so the other
 *   held-out positives do not push it down: a perfect ranking gives exactly 0 and a reversed
 *   one 1. (Hu et al. rank among all items; with one held-out item per user the two agree.)
 *   Consequently rank_ui = 1 − (that positive's share of AUC_u).
 *
 * NaN scores count as −∞ for AUC and MPR and are never in the top k. Cost per user:
 * O(n log k) for the @k part and about O(n) for AUC/MPR (each negative placed among the
 * sorted positives, starting from a bucket of their range; no sort of the n scores).
 */
export function rankingMetrics(input: RankingInput): RankingMetrics {
  const acc = new RankingAccumulator(input);
  for (let t = 0; t < acc.count; t++) acc.add(t);
  return acc.result();
}

/**
 * {@link rankingMetrics} one user at a time, so a caller can score users in chunks and yield
 * between them (the engine's `evaluate` and validation). The same sums in the same order:
 * `add(0) … add(count − 1)` then `result()` equals `rankingMetrics(input)` bit for bit.
 */
export class RankingAccumulator {
  /** Users to visit: `add(t)` for t in [0, count). */
  readonly count: number;
  // Scratch reused across users: one allocation per call, not per user.
  private readonly scores: Float64Array;
  private readonly inTrain: Uint8Array;
  private readonly isPositive: Uint8Array;
  private readonly positives: Int32Array;
  private readonly weights: Float64Array;
  /** AUC and MPR over the users added. */
  private readonly full: FullRankingSums;
  /** The current block of {@link RankingInput.scoreBlock}: visit positions [from, to), user row → its slot in the block. */
  private block: { from: number; to: number; slot: Map<number, number>; indices: Int32Array; counts: Int32Array; all?: Float64Array } | null = null;
  private users = 0;
  private precision = 0;
  private recall = 0;
  private map = 0;
  private ndcg = 0;

  /**
   * @param input - as for {@link rankingMetrics}
   * @throws as {@link rankingMetrics}
   */
  constructor(private readonly input: RankingInput) {
    const { numItems, train, test, k } = input;
    if (!Number.isInteger(k) || k < 1) throw badOption('k', k, 'an integer ≥ 1');
    if (!Number.isInteger(numItems) || numItems < 0 || train.cols !== numItems || test.cols !== numItems) {
      throw new RangeError(`numItems ${numItems}, train has ${train.cols} columns and test ${test.cols}: they must agree`);
    }
    if (input.relevant !== undefined && (typeof input.relevant !== 'number' || Number.isNaN(input.relevant))) throw badOption('relevant', input.relevant, 'a number (a held-out value ≥ it is relevant)');
    if (train.rows !== test.rows) throw new RangeError(`train has ${train.rows} rows and test ${test.rows}: they must agree`);
    if (input.users) {
      for (const u of input.users) if (!(u >= 0 && u < test.rows)) throw new RangeError(`user ${u} out of range [0, ${test.rows})`);
    }
    this.count = input.users ? input.users.length : test.rows;
    this.scores = new Float64Array(numItems);
    this.inTrain = new Uint8Array(numItems);
    this.isPositive = new Uint8Array(numItems);
    this.positives = new Int32Array(numItems);
    this.weights = new Float64Array(numItems);
    this.full = new FullRankingSums(numItems);
  }

  /** Adds the `t`-th user (row `users[t]`, or row t). */
  add(t: number): void {
    const { train, test, k } = this.input;
    const { inTrain, isPositive, positives, weights } = this;
    const u = this.input.users ? this.input.users[t] : t;
    const trainLo = train.indptr[u];
    const trainHi = train.indptr[u + 1];
    for (let p = trainLo; p < trainHi; p++) inTrain[train.indices[p]] = 1;
    const mask = this.input.candidates;
    const binary = this.input.relevant !== undefined;
    let npos = 0;
    for (let p = test.indptr[u]; p < test.indptr[u + 1]; p++) {
      const i = test.indices[p];
      if (this.isRelevant(test.values[p]) && !inTrain[i] && !isPositive[i] && (!mask || mask[i])) {
        isPositive[i] = 1;
        positives[npos] = i;
        weights[npos] = binary ? 1 : test.values[p];
        npos++;
      }
    }

    if (npos > 0) {
      this.users++;
      let top: Int32Array;
      let scores = this.scores;
      // Candidates (a cold-start protocol) rank through the per-user scorer: the block scorer ranks every item.
      if (this.input.scoreBlock && !mask) {
        const got = this.fromBlock(t, u);
        top = got.top;
        if (got.scores) scores = got.scores;
      } else {
        this.input.score(u, scores);
        // @k metrics from the top k of the candidates (train row is sorted: a merge, not a lookup).
        top = mask
          ? topK(scores, k, (i) => inTrain[i] === 1 || mask[i] === 0).indices
          : topK(scores, k, train.indices.subarray(trainLo, trainHi)).indices;
      }
      const atK = userAtK(top, isPositive, k, npos);
      this.precision += atK.precision;
      this.recall += atK.recall;
      this.map += atK.averagePrecision;
      this.ndcg += atK.ndcg;
      if (!this.input.atKOnly) this.full.add(scores, positives, weights, npos, inTrain, isPositive, mask);
    }

    for (let p = trainLo; p < trainHi; p++) inTrain[train.indices[p]] = 0;
    for (let j = 0; j < npos; j++) isPositive[positives[j]] = 0;
  }

  /** Whether a held-out value makes its pair a positive (see {@link RankingInput.relevant}). */
  private isRelevant(v: number): boolean {
    const r = this.input.relevant;
    return r === undefined ? v > 0 : v >= r;
  }

  /**
   * User `u` (visit position t) from the current block, scoring the next block first when t is
   * past it: up to {@link BLOCK_USERS} of the following users that have a held-out positive.
   */
  private fromBlock(t: number, u: number): { top: Int32Array; scores?: Float64Array } {
    const { test, numItems, k } = this.input;
    if (!this.block || t < this.block.from || t >= this.block.to || !this.block.slot.has(u)) {
      const withScores = !this.input.atKOnly;
      // With every score kept, a block holds at most ~1 M of them (8 MB).
      const size = withScores ? Math.max(1, Math.min(BLOCK_USERS, Math.floor(SCORES_PER_BLOCK / Math.max(1, numItems)))) : BLOCK_USERS;
      const rows: number[] = [];
      const slot = new Map<number, number>();
      let to = t;
      for (; to < this.count && rows.length < size; to++) {
        const v = this.input.users ? this.input.users[to] : to;
        if (slot.has(v)) continue;
        let positive = false;
        for (let p = test.indptr[v]; p < test.indptr[v + 1] && !positive; p++) positive = this.isRelevant(test.values[p]);
        if (!positive && v !== u) continue;
        slot.set(v, rows.length);
        rows.push(v);
      }
      const r = this.input.scoreBlock!(Int32Array.from(rows), k, withScores);
      this.block = { from: t, to, slot, ...r };
    }
    const q = this.block.slot.get(u)!;
    const b = this.block;
    return {
      top: b.indices.subarray(q * k, q * k + b.counts[q]),
      scores: b.all ? b.all.subarray(q * numItems, (q + 1) * numItems) : undefined,
    };
  }

  /** The metrics over the users added so far. */
  result(): RankingMetrics {
    const users = this.users;
    const avg = (x: number) => (users > 0 ? x / users : NaN);
    return {
      k: this.input.k,
      precision: avg(this.precision),
      recall: avg(this.recall),
      map: avg(this.map),
      ndcg: avg(this.ndcg),
      auc: this.full.auc(),
      mpr: this.full.mpr(),
      users,
    };
  }
}

/** Users per {@link RankingInput.scoreBlock} call. */
const BLOCK_USERS = 128;
/** Scores per block when every score is kept (AUC, MPR). */
const SCORES_PER_BLOCK = 1 << 20;

