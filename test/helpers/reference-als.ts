/**
 * A plain TypeScript ALS, written straight from the equations with dense arrays and Gaussian
 * elimination (not Cholesky, so it shares no algorithm with the kernels). Implicit feedback
 * is solved in the *dense* form — every (user, item) pair with its confidence — which checks
 * the YᵀY + Yᵀ(Cᵘ − I)Y trick of the real implementation. Only for small problems.
 */
import { initFactors } from '../../src/train/init.js';
import { ln, Rng } from '../../src/util/rng.js';

export interface RefEntry {
  u: number;
  i: number;
  r: number;
}

export interface RefOptions {
  feedback: 'explicit' | 'implicit';
  factors: number;
  regularization: number;
  weightedRegularization?: boolean;
  biases?: boolean;
  alpha?: number;
  confidence?: 'linear' | 'log';
  epsilon?: number;
  iterations: number;
  seed: number;
}

export interface RefResult {
  X: Float64Array;
  Y: Float64Array;
  bu?: Float64Array;
  bi?: Float64Array;
  mu: number;
  loss: number[];
}

/** Solves A x = b (A: k×k dense, row-major) by Gaussian elimination with partial pivoting. */
export function gaussSolve(Ain: number[][], bin: number[]): number[] {
  const k = bin.length;
  const A = Ain.map((row) => row.slice());
  const b = bin.slice();
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    [A[c], A[p]] = [A[p], A[c]];
    [b[c], b[p]] = [b[p], b[c]];
    if (A[c][c] === 0) throw new Error('singular');
    for (let r = c + 1; r < k; r++) {
      const q = A[r][c] / A[c][c];
      for (let j = c; j < k; j++) A[r][j] -= q * A[c][j];
      b[r] -= q * b[c];
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = b[r];
    for (let j = r + 1; j < k; j++) s -= A[r][j] * x[j];
    x[r] = s / A[r][r];
  }
  return x;
}

/** Confidence and preference of one implicit value, from the paper's definitions. */
export function refConfidence(r: number, o: RefOptions): { c: number; p: number } {
  const a = Math.abs(r);
  const alpha = o.alpha ?? 1;
  const c = (o.confidence ?? 'linear') === 'linear' ? 1 + alpha * a : 1 + alpha * ln(1 + a / (o.epsilon ?? 1));
  return { c: Math.fround(c), p: r > 0 ? 1 : 0 }; // the engine stores confidences as f32
}

/** Dense implicit solve for one row: x = (Σ_all c y yᵀ + λI)⁻¹ Σ_all c p y. */
export function refImplicitRow(Y: Float64Array, n: number, f: number, entries: Map<number, number>, o: RefOptions): number[] {
  const A = Array.from({ length: f }, () => new Array<number>(f).fill(0));
  const b = new Array<number>(f).fill(0);
  for (let i = 0; i < n; i++) {
    const r = entries.get(i);
    const { c, p } = r === undefined ? { c: 1, p: 0 } : refConfidence(r, o);
    for (let a = 0; a < f; a++) {
      for (let d = 0; d < f; d++) A[a][d] += c * Y[i * f + a] * Y[i * f + d];
      b[a] += c * p * Y[i * f + a];
    }
  }
  for (let a = 0; a < f; a++) A[a][a] += o.regularization;
  return gaussSolve(A, b);
}

/** Runs the reference ALS (same init and order as the library: X from Y, then Y from X). */
export function referenceAls(m: number, n: number, entries: RefEntry[], o: RefOptions): RefResult {
  const f = o.factors;
  const rng = new Rng(o.seed);
  const X = new Float64Array(m * f);
  const Y = new Float64Array(n * f);
  initFactors(X, m, f, rng);
  initFactors(Y, n, f, rng);
  const byUser = Array.from({ length: m }, () => new Map<number, number>());
  const byItem = Array.from({ length: n }, () => new Map<number, number>());
  for (const e of entries) {
    byUser[e.u].set(e.i, e.r);
    byItem[e.i].set(e.u, e.r);
  }
  const explicit = o.feedback === 'explicit';
  const biases = explicit && !!o.biases;
  const mu = biases ? entries.reduce((s, e) => s + e.r, 0) / entries.length : 0;
  const bu = new Float64Array(m);
  const bi = new Float64Array(n);
  const loss: number[] = [];

  const solveSide = (out: Float64Array, rows: number, other: Float64Array, nOther: number, lists: Map<number, number>[], bOut: Float64Array, bOther: Float64Array) => {
    for (let r = 0; r < rows; r++) {
      const list = lists[r];
      let x: number[];
      if (explicit) {
        if (list.size === 0) {
          x = new Array<number>(biases ? f + 1 : f).fill(0);
        } else {
          const k = biases ? f + 1 : f;
          const A = Array.from({ length: k }, () => new Array<number>(k).fill(0));
          const b = new Array<number>(k).fill(0);
          for (const [i, rating] of list) {
            const y = Array.from({ length: k }, (_, a) => (a < f ? other[i * f + a] : 1));
            const target = Math.fround(rating) - mu - (biases ? bOther[i] : 0); // ratings are stored as f32
            for (let a = 0; a < k; a++) {
              for (let d = 0; d < k; d++) A[a][d] += y[a] * y[d];
              b[a] += target * y[a];
            }
          }
          const w = o.weightedRegularization ? list.size : 1;
          for (let a = 0; a < k; a++) A[a][a] += o.regularization * w;
          x = gaussSolve(A, b);
        }
      } else {
        x = refImplicitRow(other, nOther, f, list, o);
      }
      for (let a = 0; a < f; a++) out[r * f + a] = x[a];
      if (biases) bOut[r] = x[f];
    }
  };

  const computeLoss = (): number => {
    let data = 0;
    if (explicit) {
      for (const e of entries) {
        let s = mu + bu[e.u] + bi[e.i];
        for (let a = 0; a < f; a++) s += X[e.u * f + a] * Y[e.i * f + a];
        data += (Math.fround(e.r) - s) ** 2;
      }
    } else {
      for (let u = 0; u < m; u++) {
        for (let i = 0; i < n; i++) {
          const r = byUser[u].get(i);
          const { c, p } = r === undefined ? { c: 1, p: 0 } : refConfidence(r, o);
          let s = 0;
          for (let a = 0; a < f; a++) s += X[u * f + a] * Y[i * f + a];
          data += c * (p - s) ** 2;
        }
      }
    }
    let reg = 0;
    for (let u = 0; u < m; u++) {
      let s = biases ? bu[u] ** 2 : 0;
      for (let a = 0; a < f; a++) s += X[u * f + a] ** 2;
      reg += (explicit && o.weightedRegularization ? byUser[u].size : 1) * s;
    }
    for (let i = 0; i < n; i++) {
      let s = biases ? bi[i] ** 2 : 0;
      for (let a = 0; a < f; a++) s += Y[i * f + a] ** 2;
      reg += (explicit && o.weightedRegularization ? byItem[i].size : 1) * s;
    }
    return data + o.regularization * reg;
  };

  for (let it = 0; it < o.iterations; it++) {
    solveSide(X, m, Y, n, byUser, bu, bi);
    solveSide(Y, n, X, m, byItem, bi, bu);
    loss.push(computeLoss());
  }
  return { X, Y, bu: biases ? bu : undefined, bi: biases ? bi : undefined, mu, loss };
}

/** Max |a − b| / max(1, max |b|): a scale-aware distance between two factor matrices. */
export function relativeDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1;
  for (let j = 0; j < a.length; j++) {
    diff = Math.max(diff, Math.abs(a[j] - b[j]));
    scale = Math.max(scale, Math.abs(b[j]));
  }
  return diff / scale;
}
