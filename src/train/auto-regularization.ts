/**
 * The default λ of implicit feedback, from the data: a fixed fraction of the largest singular
 * value of the confidence matrix C (c_ui = 1 + α·r_ui on the observed cells).
 *
 * Why σ₁: ALS's penalty λ(‖X‖² + ‖Y‖²) acts like a nuclear-norm penalty, which soft-thresholds
 * singular values at λ (Mazumder, Hastie & Tibshirani 2010, "Soft-Impute") — so λ's natural
 * unit is the scale of the data's singular values, which grows with the catalogue, the
 * activity and α. A fixed λ is far too small on large data (every factor over-fits) and
 * collapses the model on small data. The fraction was chosen by cross-validation on the
 * datasets of `npm run bench:cv` (see BENCHMARKS.md, "Model selection"): the best λ lay at
 * 0.04–0.18·σ₁(C) on every one, and λ ≳ 0.5·σ₁(C) collapsed the model to zero factors.
 */
import type { Csr } from '../data/types.js';
import { quantileOfPositive } from './confidence.js';

/** λ = AUTO_REGULARIZATION_SCALE · σ₁(C) for implicit feedback when `regularization` is `'auto'` (the default). */
export const AUTO_REGULARIZATION_SCALE = 0.1;

/**
 * The largest singular value of the sparse matrix whose entries are |confidence| (power
 * iteration on CᵀC, deterministic: a fixed start and plain arithmetic).
 * @param byUser - the matrix by user; `confidences` holds one signed confidence per stored entry
 * @param items - number of columns
 * @param confidences - signed confidences (as `toConfidence` returns), aligned with `byUser`
 * @param maxIterations - cap on power iterations (converges to 1e-4 relative in ~10–30)
 */
export function largestSingularValue(byUser: Pick<Csr, 'rows' | 'indptr' | 'indices'>, items: number, confidences: Float32Array | Float64Array, maxIterations = 50): number {
  const { indptr, indices } = byUser;
  const rows = byUser.rows;
  let v = new Float64Array(items).fill(1 / Math.sqrt(Math.max(items, 1)));
  const u = new Float64Array(rows);
  let sigma = 0;
  for (let it = 0; it < maxIterations; it++) {
    for (let r = 0; r < rows; r++) {
      let a = 0;
      for (let j = indptr[r]; j < indptr[r + 1]; j++) a += Math.abs(confidences[j]) * v[indices[j]];
      u[r] = a;
    }
    const w = new Float64Array(items);
    for (let r = 0; r < rows; r++) {
      const ur = u[r];
      for (let j = indptr[r]; j < indptr[r + 1]; j++) w[indices[j]] += Math.abs(confidences[j]) * ur;
    }
    let norm = 0;
    for (let i = 0; i < items; i++) norm += w[i] * w[i];
    norm = Math.sqrt(norm); // ‖CᵀC v‖ → σ₁² as v converges
    if (norm === 0) return 0;
    for (let i = 0; i < items; i++) w[i] /= norm;
    v = w;
    const next = Math.sqrt(norm);
    if (Math.abs(next - sigma) <= 1e-4 * next) return next;
    sigma = next;
  }
  return sigma;
}

/** Rows and columns of C whose L2 norm exceeds this quantile of the non-empty ones are scaled down to it before σ₁ is measured. */
export const ROBUST_NORM_QUANTILE = 0.99;

/**
 * The confidences with their heaviest rows and columns tamed: every row (then every column)
 * whose L2 norm exceeds the {@link ROBUST_NORM_QUANTILE} quantile of the non-empty rows'
 * (columns') norms is scaled down to that quantile. One "whale" user holding 50 000 items
 * with huge counts otherwise owns σ₁(C) outright (σ₁ ≥ its row norm), and λ = 0.1·σ₁ grew
 * from ~15 to ~95 and shrank every ordinary user's factors to nothing (issue 13). The top 1 %
 * keep their share of the direction, no more; on data without such rows nothing changes
 * (MovieLens-100K: σ₁ moves by < 1 %).
 * @param byUser - the matrix by user
 * @param items - number of columns
 * @param confidences - signed confidences aligned with `byUser`
 * @returns |confidences| with the heavy rows and columns scaled (a new array)
 */
export function tameHeavyRows(byUser: Pick<Csr, 'rows' | 'indptr' | 'indices'>, items: number, confidences: Float32Array | Float64Array): Float64Array {
  const { indptr, indices, rows } = byUser;
  const out = Float64Array.from(confidences, Math.abs);
  const rowNorm = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = indptr[r]; j < indptr[r + 1]; j++) s += out[j] * out[j];
    rowNorm[r] = Math.sqrt(s);
  }
  const rowCap = quantileOfPositive(rowNorm, ROBUST_NORM_QUANTILE);
  for (let r = 0; r < rows; r++) {
    if (rowNorm[r] <= rowCap) continue;
    const scale = rowCap / rowNorm[r];
    for (let j = indptr[r]; j < indptr[r + 1]; j++) out[j] *= scale;
  }
  const colNorm = new Float64Array(items);
  for (let j = 0; j < out.length; j++) colNorm[indices[j]] += out[j] * out[j];
  for (let i = 0; i < items; i++) colNorm[i] = Math.sqrt(colNorm[i]);
  const colCap = quantileOfPositive(colNorm, ROBUST_NORM_QUANTILE);
  for (let j = 0; j < out.length; j++) {
    const norm = colNorm[indices[j]];
    if (norm > colCap) out[j] *= colCap / norm;
  }
  return out;
}


/**
 * The data-scaled starting λ for implicit feedback: {@link AUTO_REGULARIZATION_SCALE} · σ₁(C̃),
 * with C̃ the confidences after {@link tameHeavyRows}. `train` then calibrates it on held-out
 * pairs (see `calibrateRegularization`); this closed form is what is used where no held-out
 * calibration can run (too little data) and the centre of the calibration and of `tune`.
 * @param byUser - the training matrix by user
 * @param items - number of items
 * @param confidences - signed confidences of `byUser`'s entries
 */
export function autoRegularization(byUser: Pick<Csr, 'rows' | 'indptr' | 'indices'>, items: number, confidences: Float32Array | Float64Array): number {
  return AUTO_REGULARIZATION_SCALE * largestSingularValue(byUser, items, tameHeavyRows(byUser, items, confidences));
}

/** Median stored entries per user at or below which λ found on a part of the data is carried to all of it in proportion to the closed form (exponent 1). */
const SPARSE_USERS_MEDIAN = 10;
/** …and at or above which it is carried unchanged (exponent 0); log-linear between. */
const DENSE_USERS_MEDIAN = 40;

/**
 * How a λ chosen on held-out pairs of a part of the data (80 % of each user's pairs) carries
 * over to all of it: λ_full = λ_part · (λ₀(full) / λ₀(part))^x, with λ₀ the closed form.
 *
 * Measured (BENCHMARKS.md, "Quality on real data"): on data with many pairs per user
 * (MovieLens-100K, median 65; generated play counts, ~49) the best λ on all the data equals
 * the best on the part (x = 0 scored 1.3–3.9 % above x = 1), because the unobserved cells'
 * YᵀY term, which does not grow with the data, dominates each user's system; on sparse data
 * (a median of 4–9 pairs per user) the confidence-weighted term dominates and λ grows with
 * the data like the closed form (x = 1 scored 2.3–3.0 % above x = 0).
 *
 * @param byUser - the (full) matrix by user
 * @returns x in [0, 1]
 */
export function regularizationTransferExponent(byUser: Pick<Csr, 'rows' | 'indptr'>): number {
  const counts: number[] = [];
  for (let r = 0; r < byUser.rows; r++) {
    const n = byUser.indptr[r + 1] - byUser.indptr[r];
    if (n > 0) counts.push(n);
  }
  if (counts.length === 0) return 1;
  counts.sort((a, b) => a - b);
  const median = counts[counts.length >> 1];
  const x = Math.log(DENSE_USERS_MEDIAN / median) / Math.log(DENSE_USERS_MEDIAN / SPARSE_USERS_MEDIAN);
  return Math.min(1, Math.max(0, x));
}
