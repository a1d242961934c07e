/**
 * How an explicit (rating) model's λ carries between a part of the data and all of it. Model
 * selection trains on parts — a cross-validation fold holds (k − 1)/k of the data, `tune`'s
 * search 80 % of each user's pairs — and the λ it picks is then used on all of it. The best λ
 * is not the same on both: with less data per row the best regularisation per row is
 * relatively stronger.
 *
 * Measured on MovieLens-100K ratings (an 80 % per-user part as "all", parts of it of share ρ,
 * every model scored on the same other 20 %): the best ALS-WR λ (per-row penalty λ·n_u) was
 * 0.115–0.12 on all of it and 0.175–0.185 on half of it (f = 50 and 64; ×1.52–1.54 = ρ^−0.6);
 * on a 2/3 part 0.14–0.15. The best plain λ (penalty λ per row) moved the other way, ≈ 13 → ≈ 10.5
 * on half (ρ^+0.3). Both say the best per-row penalty grows like (rows' data)^0.4 — between a
 * fixed prior (exponent 0, plain λ size-free) and ALS-WR's proportional one (exponent 1, ALS-WR's
 * λ size-free). Cross-validating without this carried the 2/3 parts' preference for λ = 0.2 to
 * the full data, where it scored RMSE 0.929 against the default 0.1's 0.911.
 */

/** Growth exponent of the best per-row penalty with the data per row (see the module comment). */
export const PER_ROW_PENALTY_GROWTH = 0.4;

/**
 * The λ on a part of the data equivalent to `lambda` on all of it, for an explicit model.
 * @param lambda - λ on all the data (as `train` on it would use it)
 * @param partRows - interactions in the part (e.g. a fold's training rows)
 * @param fullRows - interactions in all the data
 * @param weighted - ALS-WR (`weightedRegularization`, the default): the per-row penalty is λ·n_u
 * @returns λ · ρ^(g − 1) with ALS-WR, λ · ρ^g with a plain λ, where ρ = partRows / fullRows and
 *   g = {@link PER_ROW_PENALTY_GROWTH}; `lambda` itself when ρ is not in (0, 1)
 */
export function explicitLambdaOnPart(lambda: number, partRows: number, fullRows: number, weighted: boolean): number {
  const rho = partRows / fullRows;
  if (!(rho > 0 && rho < 1)) return lambda;
  return lambda * Math.pow(rho, PER_ROW_PENALTY_GROWTH - (weighted ? 1 : 0));
}
