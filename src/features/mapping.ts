/**
 * Cold rows' factors from their features by an attribute-to-factor mapping (Gantner et al.
 * 2010, "Learning Attribute-to-Feature Mappings for Cold-Start Recommendations"): a ridge
 * regression of the warm rows' factors (and biases) on their features, fitted once after
 * training, W = (FᵀF + λI)⁻¹ Fᵀ [Y b] with an intercept column in F. A cold row's factors
 * are then w₀ + Σ_g v_g·w_g. On MovieLens-100K this ranks held-out films far better than
 * solving the cold row's half-step over the features' pseudo rows (BENCHMARKS.md, "Side
 * information"), because it keeps the scale and the shared directions of real factor vectors.
 */
import { cholesky, choleskySolve } from '../model/feature-fold.js';
import type { FeatureSide } from '../model/feature-types.js';

/** The ridge λ of the mapping (features are 0–1 strengths; FᵀF holds counts of rows per feature). */
export const MAPPING_LAMBDA = 1;

/** Rows (p + 1) × k of the mapping: one per feature, then the intercept; k = f, or f + 1 with the bias. */
export interface Mapping {
  /** Columns: factors, then the bias when the model has biases. */
  k: number;
  /** (p + 1) × k, row-major; the last row is the intercept. */
  weights: Float64Array;
}

/**
 * Fits the mapping on the rows for which `warm(r)` holds.
 * @param side - the features and which rows carry them
 * @param factors - rows × f factors
 * @param f - factors per row
 * @param biases - the rows' biases (explicit with biases)
 */
export function fitMapping(side: Pick<FeatureSide, 'names' | 'indptr' | 'indices' | 'strengths'>, factors: Float64Array, f: number, biases: Float64Array | undefined, warm: (r: number) => boolean): Mapping {
  const p = side.names.length + 1;
  const k = biases ? f + 1 : f;
  const A = new Float64Array(p * p);
  const B = new Float64Array(p * k);
  const rows = side.indptr.length - 1;
  const cols: number[] = [];
  const vals: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (!warm(r)) continue;
    cols.length = 0;
    vals.length = 0;
    for (let j = side.indptr[r]; j < side.indptr[r + 1]; j++) (cols.push(side.indices[j]), vals.push(side.strengths[j]));
    cols.push(p - 1);
    vals.push(1);
    for (let a = 0; a < cols.length; a++) {
      for (let b = 0; b < cols.length; b++) A[cols[a] * p + cols[b]] += vals[a] * vals[b];
      for (let c = 0; c < f; c++) B[cols[a] * k + c] += vals[a] * factors[r * f + c];
      if (biases) B[cols[a] * k + f] += vals[a] * biases[r];
    }
  }
  for (let a = 0; a < p; a++) A[a * p + a] += MAPPING_LAMBDA;
  cholesky(A, p); // positive definite: λ > 0
  const W = new Float64Array(p * k);
  const col = new Float64Array(p);
  for (let c = 0; c < k; c++) {
    for (let a = 0; a < p; a++) col[a] = B[a * k + c];
    choleskySolve(A, p, col);
    for (let a = 0; a < p; a++) W[a * k + c] = col[a];
  }
  return { k, weights: W };
}

/** w₀ + Σ v_g·w_g: a row's factors (and bias in the last lane) from its features (rows of the mapping) and strengths. */
export function applyMapping(m: Mapping, cols: ArrayLike<number>, strengths: ArrayLike<number>): Float64Array {
  const { k, weights: W } = m;
  const p = W.length / k;
  const out = W.slice((p - 1) * k, p * k);
  for (let t = 0; t < cols.length; t++) for (let c = 0; c < k; c++) out[c] += strengths[t] * W[cols[t] * k + c];
  return out;
}
