/** The types of the training options (no behaviour: options.ts resolves them). */
import type { DuplicatePolicy } from '../data/csr.js';
import type { KernelVariant } from '../wasm/abi.js';
import type { Weighting } from './weighting.js';

/** Explicit ratings (squared error on observed pairs) or implicit feedback (Hu et al. 2008). */
export type Feedback = 'explicit' | 'implicit';
/**
 * How implicit values become confidences: `linear` c = 1 + α·r (Hu et al. 2008), `log`
 * c = 1 + α·ln(1 + r/ε) (scale-free in the tail), `scaled` c = α·r (benfred/implicit's
 * convention, for reproducing and folding into its models).
 */
export type ConfidenceForm = 'linear' | 'log' | 'scaled';
/**
 * Per-row solver. `cholesky` solves each f×f system exactly; `cg` (implicit or explicit
 * feedback) takes `cgSteps` conjugate-gradient steps warm-started from the previous factors
 * (and biases), never forming the system — several times cheaper per iteration at f = 64,
 * reaching the same loss and held-out quality after a few iterations.
 */
export type Solver = 'cholesky' | 'cg';
/**
 * Number format of the implicit conjugate-gradient half-steps. `f64` throughout, or `mixed`:
 * the other side's factors copied to f32 once per half-step, each row's vectors gathered from
 * that copy (half the bytes) into an f32 panel, and the residual's and the steps' multiply-adds
 * in f32 within blocks of four entries, their partial sums added in f64; x, r, p and YᵀY stay
 * f64. The warm-started steps head for the solution of the system with the gathered vectors
 * rounded to f32 — within f32 rounding (~1e-7 relative) of the f64 solution; held-out NDCG@10
 * is the same as `f64`'s (BENCHMARKS.md, "f32 panels for CG").
 */
export type Precision = 'f64' | 'mixed';
/** How repeated (user, item) pairs combine. */
export type { DuplicatePolicy };

/** Progress of a training run, keyed on `stage`. */
export type TrainProgress =
  | { stage: 'init'; restart: number; users: number; items: number; interactions: number; factors: number; kernels: KernelVariant }
  | { stage: 'sweep'; restart: number; iteration: number; side: 'users' | 'items'; rowsDone: number; rowsTotal: number }
  | { stage: 'iteration'; restart: number; iteration: number; loss: number; seconds: number; gflops: number }
  | { stage: 'validation'; restart: number; iteration: number; metric: string; value: number; best: number }
  | { stage: 'validating'; restart: number; iteration: number; usersDone: number; usersTotal: number }
  | { stage: 'done'; restart: number; iterations: number; loss: number; converged: boolean }
  /** A model trained on ratings trains two factor sets: the events after this one belong to the `rating` model or to its `ranking` head. */
  | { stage: 'head'; head: 'rating' | 'ranking' }
  /** `tune`: one training run of the search finished (`score` NaN when it failed; `best` is the best finished score of the last rung so far). */
  | {
      stage: 'tune';
      trial: number;
      rung: number;
      params: { factors: number; regularization: number; iterations: number; confidence?: ConfidenceForm; alpha?: number; epsilon?: number; weighting?: Weighting; biases?: boolean };
      score: number;
      seconds: number;
      best: number;
    };

/** Options of one training run. Every field is optional; defaults are in {@link TRAIN_DEFAULTS}. */
export interface TrainOptions {
  /** Feedback model. Default: `explicit` when the data has a value column and no event column, else `implicit`. */
  feedback?: Feedback;
  /** Latent factors f (1 … 1024). Default 64. */
  factors?: number;
  /**
   * L2 regularization λ ≥ 0, or `'auto'` (implicit only): λ = 0.1·σ₁(C), scaled to the data
   * (see `autoRegularization`). Default: 0.1 for explicit (with ALS-WR), `'auto'` for implicit —
   * both chosen by cross-validation (BENCHMARKS.md, "Model selection").
   */
  regularization?: number | 'auto';
  /** Explicit only: scale λ by each row's count (ALS-WR, Zhou et al. 2008). Default true (robust to the factor count in cross-validation). */
  weightedRegularization?: boolean;
  /** Explicit only: learn a global mean and user/item biases. Default true. */
  biases?: boolean;
  /** Implicit only: confidence scale α > 0. Default 2 for the `log` form, 1 for `linear` and `scaled`. */
  alpha?: number;
  /**
   * Implicit only: confidence form. Default `log` (with ε = the median value): scale-free in
   * the tail, so play counts of 10⁵ do not drown ordinary rows (BENCHMARKS.md, "Quality on real data").
   */
  confidence?: ConfidenceForm;
  /** Implicit `log` form only: ε > 0 in 1 + α·ln(1 + r/ε). Default 1. */
  epsilon?: number | 'auto';
  /** Per-event-type weights applied to the event column and summed per pair, e.g. `{view: 3, basket: 10, purchase: 40}`. */
  eventWeights?: Record<string, number>;
  /**
   * Implicit only: weighting of the summed values before the confidence form: `none`, or `bm25`
   * (benfred/implicit's `bm25_weight`, K1 = 100, B = 0.8: damps long rows and ubiquitous items;
   * see `weighting.ts`). Default `none`.
   */
  weighting?: Weighting;
  /** Repeated pairs: default `sum` for implicit, `last` for explicit. */
  duplicates?: DuplicatePolicy;
  /** Maximum number of iterations (≥ 1). Default 15. */
  iterations?: number;
  /** Stop when |ΔL|/L falls below this (≥ 0; 0 = run all iterations). Default 0. */
  tolerance?: number;
  /** Seed of the random start. Default 42. */
  seed?: number;
  /** Independent starts (seeds seed, seed+1, …); the lowest final loss wins. Default 1. */
  restarts?: number;
  /** Row solver. Default `cholesky`. */
  solver?: Solver;
  /** Conjugate-gradient steps per row and half-step (`solver: 'cg'`, 1 … 100). Default 3. */
  cgSteps?: number;
  /**
   * Implicit feedback with `solver: 'cg'` only: the steps' number format ({@link Precision}).
   * Default `mixed` (same held-out NDCG@10 as `f64`, 1.27–1.37× faster per iteration: BENCHMARKS.md).
   */
  precision?: Precision;
  /**
   * Threads for the sweeps (1 … 256), the engine thread included: > 1 runs a pool of workers on
   * one shared WebAssembly memory, with results bit-identical to 1. Needs SharedArrayBuffer (a
   * cross-origin isolated page); elsewhere runs on 1 and says why in the report's `workersNote`.
   * More than 4 × the cores (at most 64, `maxWorkers()`) runs on that many, with a `workersNote`:
   * extra threads never speed a run up, and each costs memory.
   * Default: the cores here (`navigator.hardwareConcurrency`, `os.availableParallelism()`), at most 8.
   */
  workers?: number;
  /** Kernel build; `auto` picks relaxed-SIMD > SIMD > scalar. Default `auto`. */
  kernels?: KernelVariant | 'auto';
  /** Called with progress events (per chunk of rows and per iteration). */
  onProgress?: (p: TrainProgress) => void;
  /** Cancels the run between chunks with an `AbortError`. */
  signal?: AbortSignal;
}

/** Options after defaults and validation. */
export interface ResolvedTrainOptions {
  feedback: Feedback;
  factors: number;
  /** λ; NaN until training computes it when `autoRegularization` is set. */
  regularization: number;
  /** Whether λ is (or was) computed from the data (`regularization: 'auto'`). */
  autoRegularization: boolean;
  weightedRegularization: boolean;
  biases: boolean;
  alpha: number;
  confidence: ConfidenceForm;
  /** ε of the log form; NaN until training measures it when `autoEpsilon` is set. */
  epsilon: number;
  /** Whether ε is (or was) the median of the data's positive values (`epsilon: 'auto'`, the default). */
  autoEpsilon: boolean;
  eventWeights?: Record<string, number>;
  weighting: Weighting;
  duplicates: DuplicatePolicy;
  iterations: number;
  tolerance: number;
  seed: number;
  restarts: number;
  solver: Solver;
  cgSteps: number;
  /** `f64` wherever `precision` does not apply. */
  precision: Precision;
  workers: number;
  kernels: KernelVariant | 'auto';
  /**
   * Implicit fold-in scales λ by the history's positive entries (λ·n₊), as Spark's ALS solves
   * every row (ALS-WR for implicit preferences too). Set by `importFactors` for Spark models; never by training.
   */
  regularizationPerPositive?: boolean;
}

