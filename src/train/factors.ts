/** What training produces and what an observer of a run sees: factors, as copies or as read-only views. */

/** Learned parameters of a factorisation (plain arrays, independent of any WASM memory). */
export interface Factors {
  /** Factors per row. */
  factors: number;
  /** m × f user factors, row-major. */
  userFactors: Float64Array;
  /** n × f item factors, row-major. */
  itemFactors: Float64Array;
  /** Explicit with biases only: b_u per user. */
  userBiases?: Float64Array;
  /** Explicit with biases only: b_i per item. */
  itemBiases?: Float64Array;
  /** Explicit with biases only: μ, the mean training rating (0 otherwise). */
  globalMean: number;
}

/**
 * The current factors of a running training, read in place (in its WASM memory, no copy), in
 * the caller's row numbering. Valid only during the observer's call: the next half-step
 * overwrites them. Scores are the bits a model with these factors would give.
 */
export interface FactorView {
  /** Restart (0-based). */
  restart: number;
  /** Iteration just finished (1-based). */
  iteration: number;
  /** Users (rows of X). */
  users: number;
  /** Items (rows of Y). */
  items: number;
  /** Predicted score of user row `u` for item row `i`: μ + b_u + b_i + x_uᵀy_i. */
  predict(u: number, i: number): number;
  /** Scores of every item for user row `u`, into `out` (item rows), by the kernels' Y·x. */
  scoreUser(u: number, out: Float64Array): void;
  /** A copy of the current factors (what to keep). */
  copy(): Factors;
}

/** Sees a training run after each iteration; returning true stops this restart (early stopping). */
export type IterationObserver = (view: FactorView) => boolean | Promise<boolean>;
