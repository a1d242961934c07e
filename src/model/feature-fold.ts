/**
 * One row's half-step solve in plain TypeScript, over "other" rows that live in two arrays
 * (the real rows and the features' pseudo rows): fold-in of a new user from a history and
 * attributes, and the item-side systems of feature explanations. f×f per call, so no kernel
 * memory is needed (f = 64: ~0.1 ms).
 */
import { toConfidence } from '../train/confidence.js';
import type { ResolvedTrainOptions } from '../train/options.js';
import { AlsError } from '../errors.js';

/** The rows a fold-in reads: factor vectors and (explicit) biases by position. */
export interface OtherRows {
  f: number;
  /** Row j's factors (length f). */
  row(j: number): Float64Array;
  /** Row j's bias (explicit with biases), else 0. */
  bias(j: number): number;
}

/** A row's system: A (k×k, Cholesky factor after {@link solveRow}) and its right-hand side. */
export interface RowSystem {
  /** k = f, or f + 1 with the bias lane. */
  k: number;
  /** Lower Cholesky factor of A, row-major. */
  L: Float64Array;
  /** Per entry, its weight in the right-hand side: implicit c·p, explicit r − μ − b_j. */
  weights: Float64Array;
}

/** Σ rows·rowsᵀ of several r×f blocks (YᵀY over real and pseudo rows alike). */
export function gramOf(f: number, ...blocks: Float64Array[]): Float64Array {
  const G = new Float64Array(f * f);
  for (const B of blocks) {
    for (let o = 0; o < B.length; o += f) {
      for (let a = 0; a < f; a++) {
        const va = B[o + a];
        if (va === 0) continue;
        for (let b = a; b < f; b++) G[a * f + b] += va * B[o + b];
      }
    }
  }
  for (let a = 0; a < f; a++) for (let b = 0; b < a; b++) G[a * f + b] = G[b * f + a];
  return G;
}

/**
 * Builds and factors a row's system, as the training half-step does: implicit
 * A = G + Σ (c_j − 1) y_j y_jᵀ + λI, explicit A = Σ ỹ_j ỹ_jᵀ + λ·w·I (ỹ = [y; 1] with biases,
 * w = the entry count with ALS-WR).
 * @throws AlsError `NOT_POSITIVE_DEFINITE` when A is singular (λ = 0 and too few entries)
 */
export function rowSystem(other: OtherRows, cols: ArrayLike<number>, vals: Float64Array, opts: ResolvedTrainOptions, withBias: boolean, gram: Float64Array | null, globalMean: number): RowSystem {
  const f = other.f;
  const explicit = opts.feedback === 'explicit';
  const k = explicit && withBias ? f + 1 : f;
  const A = new Float64Array(k * k);
  if (!explicit && gram) for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) A[a * k + b] = gram[a * f + b];
  const conf = explicit ? vals : toConfidence(vals, opts.confidence, opts.alpha, opts.epsilon);
  const weights = new Float64Array(cols.length);
  const y = new Float64Array(k);
  for (let t = 0; t < cols.length; t++) {
    y.set(other.row(cols[t]));
    if (k > f) y[f] = 1;
    const w = explicit ? 1 : Math.abs(conf[t]) - 1;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) A[a * k + b] += w * y[a] * y[b];
    weights[t] = explicit ? conf[t] - globalMean - other.bias(cols[t]) : conf[t] > 0 ? conf[t] : 0;
  }
  const lambda = opts.regularization * (explicit && opts.weightedRegularization ? cols.length : 1);
  for (let a = 0; a < k; a++) A[a * k + a] += lambda;
  if (!cholesky(A, k)) throw new AlsError('NOT_POSITIVE_DEFINITE', `The fold-in system (${cols.length} entries, ${f} factors) is not positive definite: the model's regularization is 0 and there are too few entries.`, { entries: cols.length, factors: f });
  return { k, L: A, weights };
}

/** x = A⁻¹ Σ_j weight_j·ỹ_j: the row's factors (and bias in the last lane with biases). */
export function solveRow(other: OtherRows, cols: ArrayLike<number>, sys: RowSystem): { x: Float64Array; bias: number } {
  const { k } = sys;
  const f = other.f;
  const rhs = new Float64Array(k);
  for (let t = 0; t < cols.length; t++) {
    const y = other.row(cols[t]);
    for (let a = 0; a < f; a++) rhs[a] += sys.weights[t] * y[a];
    if (k > f) rhs[f] += sys.weights[t];
  }
  choleskySolve(sys.L, k, rhs);
  return { x: rhs.slice(0, f), bias: k > f ? rhs[f] : 0 };
}

/** In-place lower Cholesky factor of the symmetric k×k A (row-major); false when not positive definite. */
export function cholesky(A: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let d = A[j * k + j];
    for (let p = 0; p < j; p++) d -= A[j * k + p] * A[j * k + p];
    if (!(d > 0)) return false;
    const l = Math.sqrt(d);
    A[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let s = A[i * k + j];
      for (let p = 0; p < j; p++) s -= A[i * k + p] * A[j * k + p];
      A[i * k + j] = s / l;
    }
  }
  return true;
}

/** Solves L·Lᵀ·x = b in place (L from {@link cholesky}). */
export function choleskySolve(L: Float64Array, k: number, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let p = 0; p < i; p++) s -= L[i * k + p] * b[p];
    b[i] = s / L[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i];
    for (let p = i + 1; p < k; p++) s -= L[p * k + i] * b[p];
    b[i] = s / L[i * k + i];
  }
}
