/**
 * Explicit-feedback quality: how far predicted ratings are from held-out ones.
 */
import type { Csr } from '../data/types.js';

/**
 * Root mean squared error of predictions against actual values.
 *
 * @param pred - predictions, one per observation
 * @param actual - true values, same length
 * @returns the RMSE; NaN when there are no observations
 * @throws RangeError if the lengths differ
 * @remarks RMSE = √( (1/N) Σ_j (pred_j − actual_j)² ). Penalises large errors more than
 * {@link mae}; it is the loss ALS minimises on observed pairs (without the regulariser).
 */
export function rmse(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkLengths(pred, actual);
  let s = 0;
  for (let j = 0; j < pred.length; j++) {
    const e = pred[j] - actual[j];
    s += e * e;
  }
  return Math.sqrt(s / pred.length);
}

/**
 * Mean absolute error of predictions against actual values.
 *
 * @param pred - predictions, one per observation
 * @param actual - true values, same length
 * @returns the MAE; NaN when there are no observations
 * @throws RangeError if the lengths differ
 * @remarks MAE = (1/N) Σ_j |pred_j − actual_j|.
 */
export function mae(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkLengths(pred, actual);
  let s = 0;
  for (let j = 0; j < pred.length; j++) s += Math.abs(pred[j] - actual[j]);
  return s / pred.length;
}

/** RMSE and MAE over a held-out matrix. */
export interface RatingMetrics {
  /** Root mean squared error (NaN if count = 0). */
  rmse: number;
  /** Mean absolute error (NaN if count = 0). */
  mae: number;
  /** Held-out entries scored. */
  count: number;
}

/**
 * RMSE and MAE of `predict` over every stored entry of a held-out matrix.
 *
 * @param predict - the model's prediction r̂_ui for (user row u, item column i)
 * @param test - held-out ratings r_ui, users × items (every stored entry counts, zeros too)
 * @returns `{ rmse, mae, count }`
 * @remarks With Ω_test the stored entries of `test` and N = |Ω_test|:
 * RMSE = √( (1/N) Σ_(u,i)∈Ω_test (r̂_ui − r_ui)² ), MAE = (1/N) Σ |r̂_ui − r_ui|.
 */
export function ratingMetrics(predict: (u: number, i: number) => number, test: Csr): RatingMetrics {
  const acc = new RatingAccumulator(predict, test);
  for (let u = 0; u < acc.count; u++) acc.add(u);
  return acc.result();
}

/**
 * {@link ratingMetrics} one user row at a time (for chunked, yielding evaluation): `add(0) …
 * add(count − 1)` then `result()` equals `ratingMetrics` bit for bit.
 */
export class RatingAccumulator {
  /** Rows to visit. */
  readonly count: number;
  private se = 0;
  private ae = 0;
  private n = 0;

  /** @param predict - as for {@link ratingMetrics} @param test - as for {@link ratingMetrics} */
  constructor(
    private readonly predict: (u: number, i: number) => number,
    private readonly test: Csr,
  ) {
    this.count = test.rows;
  }

  /** Adds user row `u`'s held-out entries. */
  add(u: number): void {
    const { test, predict } = this;
    for (let p = test.indptr[u]; p < test.indptr[u + 1]; p++) {
      const e = predict(u, test.indices[p]) - test.values[p];
      this.se += e * e;
      this.ae += Math.abs(e);
      this.n++;
    }
  }

  /** RMSE and MAE over the rows added so far. */
  result(): RatingMetrics {
    return { rmse: Math.sqrt(this.se / this.n), mae: this.ae / this.n, count: this.n };
  }
}

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`${a.length} predictions for ${b.length} actual values`);
}
