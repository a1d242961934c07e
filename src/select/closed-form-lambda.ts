/**
 * The closed-form λ of implicit feedback (the robust σ₁ rule of `autoRegularization`) for a
 * confidence, and the mean |c| that scales it between nearby α without a new σ₁.
 */
import { autoRegularization } from '../train/auto-regularization.js';
import { toConfidence } from '../train/confidence.js';
import type { ConfidenceForm } from '../train/options.js';
import type { RatingMatrix } from '../data/types.js';

/** The closed-form λ for a confidence on a matrix (robust σ₁ rule), and the mean |c| it was measured at. */
export function closedFormLambda(matrix: RatingMatrix, form: ConfidenceForm, alpha: number, epsilon: number): { lambda: number; meanConfidence: number } {
  const { byUser } = matrix;
  const c = toConfidence(byUser.values, form, alpha, epsilon);
  return { lambda: autoRegularization(byUser, byUser.cols, c), meanConfidence: meanAbs(c) };
}

/** Mean |c| of a confidence over the stored values (for scaling λ between nearby α without a new σ₁). */
export function meanConfidence(values: Float64Array, form: ConfidenceForm, alpha: number, epsilon: number): number {
  return meanAbs(toConfidence(values, form, alpha, epsilon));
}

/** Mean of |c| (0 for no entries). */
function meanAbs(c: Float64Array): number {
  let s = 0;
  for (let j = 0; j < c.length; j++) s += Math.abs(c[j]);
  return s / Math.max(1, c.length);
}
