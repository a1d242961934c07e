import type { KernelExports } from './abi.js';

// see: Hu, Koren & Volinsky 2008, eq. 4 (implicit); Zhou et al. 2008 (ALS-WR, explicit);
// Golub & Van Loan §4.2 (Cholesky, the textbook inner-product form used here).

/**
 * The kernels in plain TypeScript: textbook loops in f64, no blocking, no SIMD, the same ABI
 * (byte pointers into `memory`) and status codes as the WASM builds. It is the correctness
 * oracle for the kernel tests, the baseline of the benchmarks, and a fallback where
 * WebAssembly is unavailable.
 *
 * @param memory - the memory holding every buffer the kernels are given
 */
export function createReferenceKernels(memory: WebAssembly.Memory): KernelExports {
  const F = () => new Float64Array(memory.buffer);
  /** Interaction values (confidences, ratings) are stored as f32 (see train.ts). */
  const F32 = () => new Float32Array(memory.buffer);
  const I = () => new Int32Array(memory.buffer);

  /** Cholesky A = UᵀU on the upper triangle at element offset `a` (k×k). */
  function cholesky(M: Float64Array, a: number, k: number): number {
    for (let j = 0; j < k; j++) {
      let s = M[a + j * k + j];
      for (let p = 0; p < j; p++) s -= M[a + p * k + j] * M[a + p * k + j];
      if (!(s > 0)) return j;
      const d = Math.sqrt(s);
      M[a + j * k + j] = d;
      for (let i = j + 1; i < k; i++) {
        let t = M[a + j * k + i];
        for (let p = 0; p < j; p++) t -= M[a + p * k + j] * M[a + p * k + i];
        M[a + j * k + i] = t / d;
      }
    }
    return -1;
  }

  /** Solves UᵀU x = b in place (b at element offset `b`). */
  function solve(M: Float64Array, a: number, k: number, b: number): void {
    for (let j = 0; j < k; j++) {
      let s = M[b + j];
      for (let p = 0; p < j; p++) s -= M[a + p * k + j] * M[b + p];
      M[b + j] = s / M[a + j * k + j];
    }
    for (let j = k - 1; j >= 0; j--) {
      let s = M[b + j];
      for (let p = j + 1; p < k; p++) s -= M[a + j * k + p] * M[b + p];
      M[b + j] = s / M[a + j * k + j];
    }
  }

  /**
   * Σ_u [x_uᵀ·YtY·x_u + Σ_{i∈Ω_u} (|c|(p − s)² − s²)] over rows [r0, r1): the implicit loss's
   * data term; without YtY (0), only its observed part (the sums after x_uᵀ·YtY·x_u).
   */
  function implicitLoss(X: number, Y: number, YtY: number, indptr: number, indices: number, conf: number, f: number, r0: number, r1: number): number {
    const M = F();
    const V = F32();
    const N = I();
    let total = 0;
    for (let u = r0; u < r1; u++) {
      const x = (X >>> 3) + u * f;
      for (let a = 0; YtY && a < f; a++) {
        for (let d = 0; d < f; d++) total += M[x + a] * M[(YtY >>> 3) + a * f + d] * M[x + d];
      }
      for (let j = N[(indptr >>> 2) + u]; j < N[(indptr >>> 2) + u + 1]; j++) {
        const i = N[(indices >>> 2) + j];
        const c = V[(conf >>> 2) + j];
        let s = 0;
        for (let a = 0; a < f; a++) s += M[x + a] * M[(Y >>> 3) + i * f + a];
        const p = c > 0 ? 1 : 0;
        total += Math.abs(c) * (p - s) * (p - s) - s * s;
      }
    }
    return total;
  }

  return {
    scratchBytes(k: number): number {
      // A (k×k), b (k), one augmented row ỹ (k).
      return 8 * (k * k + 2 * k);
    },

    gramian(Y, n, k, out) {
      gramianRows(F(), Y, n, k, out, 0, k);
    },

    gramianBlocks(Y, n, k, out, b0, b1) {
      gramianRows(F(), Y, n, k, out, 4 * b0, Math.min(4 * b1, k));
    },

    gramAccumulate(A, k, rows, count, weights) {
      const M = F();
      const V = F32();
      const a0 = A >>> 3;
      const r0 = rows >>> 3;
      const w0 = weights >>> 3;
      for (let j = 0; j < count; j++) {
        const w = weights === 0 ? 1 : M[w0 + j];
        for (let a = 0; a < k; a++) {
          for (let b = a; b < k; b++) M[a0 + a * k + b] += w * M[r0 + j * k + a] * M[r0 + j * k + b];
        }
      }
    },

    cholesky(A, k) {
      return cholesky(F(), A >>> 3, k);
    },

    choleskySolve(U, k, b) {
      solve(F(), U >>> 3, k, b >>> 3);
    },

    solveImplicitRows(X, Y, YtY, indptr, indices, conf, f, lambda, r0, r1, scratch, lossOut) {
      const M = F();
      const V = F32();
      const N = I();
      const A = scratch >>> 3;
      const b = A + f * f;
      for (let u = r0; u < r1; u++) {
        if (N[(indptr >>> 2) + u + 1] <= N[(indptr >>> 2) + u]) {
          // No observations: the right-hand side is 0, so x_u = 0 (no system to solve).
          for (let a = 0; a < f; a++) M[(X >>> 3) + u * f + a] = 0;
          continue;
        }
        for (let p = 0; p < f * f; p++) M[A + p] = M[(YtY >>> 3) + p];
        for (let p = 0; p < f; p++) M[b + p] = 0;
        for (let j = N[(indptr >>> 2) + u]; j < N[(indptr >>> 2) + u + 1]; j++) {
          const i = N[(indices >>> 2) + j];
          const c = V[(conf >>> 2) + j];
          const y = (Y >>> 3) + i * f;
          const w = Math.abs(c) - 1;
          for (let a = 0; a < f; a++) {
            for (let d = a; d < f; d++) M[A + a * f + d] += w * M[y + a] * M[y + d];
            if (c > 0) M[b + a] += c * M[y + a];
          }
        }
        for (let a = 0; a < f; a++) M[A + a * f + a] += lambda;
        if (cholesky(M, A, f) >= 0) return u;
        solve(M, A, f, b);
        for (let a = 0; a < f; a++) M[(X >>> 3) + u * f + a] = M[b + a];
      }
      if (lossOut) F()[lossOut >>> 3] = implicitLoss(X, Y, 0, indptr, indices, conf, f, r0, r1);
      return -1;
    },

    scratchBytesCG(f: number, maxRowNnz: number): number {
      return 8 * (3 * f + 2 * Math.max(1, maxRowNnz) + Math.max(1, maxRowNnz) * f) + 64;
    },

    solveImplicitRowsCG(X, Y, YtY, indptr, indices, conf, f, lambda, steps, r0, r1, _scratch, lossOut, precision) {
      const M = F();
      const V = F32();
      const N = I();
      const y = (i: number) => (Y >>> 3) + i * f;
      // Mixed precision: the products see each y rounded to f32; the residual keeps the f64 y.
      const round = precision ? Math.fround : (v: number) => v;
      /** A·v = YtY·v + λv + Σ (|c|−1)(yᵀv) y, textbook loops. */
      const applyA = (v: number[], lo: number, hi: number, rnd: (v: number) => number): number[] => {
        const out = new Array<number>(f).fill(0);
        for (let a = 0; a < f; a++) {
          for (let d = 0; d < f; d++) out[a] += M[(YtY >>> 3) + a * f + d] * v[d];
          out[a] += lambda * v[a];
        }
        for (let j = lo; j < hi; j++) {
          const i = N[(indices >>> 2) + j];
          const w = Math.abs(V[(conf >>> 2) + j]) - 1;
          let s = 0;
          for (let a = 0; a < f; a++) s += rnd(M[y(i) + a]) * v[a];
          for (let a = 0; a < f; a++) out[a] += w * s * rnd(M[y(i) + a]);
        }
        return out;
      };
      for (let u = r0; u < r1; u++) {
        const lo = N[(indptr >>> 2) + u];
        const hi = N[(indptr >>> 2) + u + 1];
        const xo = (X >>> 3) + u * f;
        if (hi === lo) {
          for (let a = 0; a < f; a++) M[xo + a] = 0;
          continue;
        }
        const x = Array.from({ length: f }, (_, a) => M[xo + a]);
        const Ax = applyA(x, lo, hi, (v) => v);
        const r = Ax.map((v) => -v);
        for (let j = lo; j < hi; j++) {
          const c = V[(conf >>> 2) + j];
          if (c > 0) for (let a = 0; a < f; a++) r[a] += c * M[y(N[(indices >>> 2) + j]) + a];
        }
        if (!conjugateGradient((v) => applyA(v, lo, hi, round), x, r, steps)) return u;
        for (let a = 0; a < f; a++) M[xo + a] = x[a];
      }
      if (lossOut) F()[lossOut >>> 3] = implicitLoss(X, Y, 0, indptr, indices, conf, f, r0, r1);
      return -1;
    },

    solveExplicitRows(X, Y, indptr, indices, ratings, f, lambda, weighted, mu, biasOther, biasOut, r0, r1, scratch) {
      const M = F();
      const V = F32();
      const N = I();
      const k = biasOut !== 0 ? f + 1 : f;
      const A = scratch >>> 3;
      const b = A + k * k;
      const yv = b + k;
      for (let u = r0; u < r1; u++) {
        const lo = N[(indptr >>> 2) + u];
        const hi = N[(indptr >>> 2) + u + 1];
        if (hi === lo) {
          for (let a = 0; a < f; a++) M[(X >>> 3) + u * f + a] = 0;
          if (biasOut !== 0) M[(biasOut >>> 3) + u] = 0;
          continue;
        }
        for (let p = 0; p < k * k; p++) M[A + p] = 0;
        for (let p = 0; p < k; p++) M[b + p] = 0;
        for (let j = lo; j < hi; j++) {
          const i = N[(indices >>> 2) + j];
          for (let a = 0; a < f; a++) M[yv + a] = M[(Y >>> 3) + i * f + a];
          if (k > f) M[yv + f] = 1;
          const target = V[(ratings >>> 2) + j] - mu - (biasOther !== 0 ? M[(biasOther >>> 3) + i] : 0);
          for (let a = 0; a < k; a++) {
            for (let d = a; d < k; d++) M[A + a * k + d] += M[yv + a] * M[yv + d];
            M[b + a] += target * M[yv + a];
          }
        }
        const reg = lambda * (weighted !== 0 ? hi - lo : 1);
        for (let a = 0; a < k; a++) M[A + a * k + a] += reg;
        if (cholesky(M, A, k) >= 0) return u;
        solve(M, A, k, b);
        for (let a = 0; a < f; a++) M[(X >>> 3) + u * f + a] = M[b + a];
        if (biasOut !== 0) M[(biasOut >>> 3) + u] = M[b + f];
      }
      return -1;
    },

    solveExplicitRowsCG(X, Y, indptr, indices, ratings, f, lambda, weighted, mu, biasOther, biasOut, steps, r0, r1) {
      const M = F();
      const V = F32();
      const N = I();
      const k = biasOut !== 0 ? f + 1 : f;
      /** ỹ_i = [y_i; 1] with biases, else y_i. */
      const yTilde = (i: number) => Array.from({ length: k }, (_, a) => (a < f ? M[(Y >>> 3) + i * f + a] : 1));
      for (let u = r0; u < r1; u++) {
        const lo = N[(indptr >>> 2) + u];
        const hi = N[(indptr >>> 2) + u + 1];
        const xo = (X >>> 3) + u * f;
        if (hi === lo) {
          for (let a = 0; a < f; a++) M[xo + a] = 0;
          if (biasOut !== 0) M[(biasOut >>> 3) + u] = 0;
          continue;
        }
        const reg = lambda * (weighted !== 0 ? hi - lo : 1);
        const rows: number[][] = [];
        const targets: number[] = [];
        for (let j = lo; j < hi; j++) {
          const i = N[(indices >>> 2) + j];
          rows.push(yTilde(i));
          targets.push(V[(ratings >>> 2) + j] - mu - (biasOther !== 0 ? M[(biasOther >>> 3) + i] : 0));
        }
        /** A·v = Σ ỹ(ỹᵀv) + λ_u v, textbook loops. */
        const applyA = (v: number[]): number[] => {
          const out = v.map((e) => reg * e);
          for (const y of rows) {
            const s = dot(y, v);
            for (let a = 0; a < k; a++) out[a] += s * y[a];
          }
          return out;
        };
        const x = Array.from({ length: k }, (_, a) => (a < f ? M[xo + a] : M[(biasOut >>> 3) + u]));
        const Ax = applyA(x);
        const r = Ax.map((v) => -v);
        rows.forEach((y, j) => {
          for (let a = 0; a < k; a++) r[a] += targets[j] * y[a];
        });
        if (!conjugateGradient(applyA, x, r, steps)) return u;
        for (let a = 0; a < f; a++) M[xo + a] = x[a];
        if (biasOut !== 0) M[(biasOut >>> 3) + u] = x[f];
      }
      return -1;
    },

    implicitLossRows(X, Y, YtY, indptr, indices, conf, f, r0, r1) {
      return implicitLoss(X, Y, YtY, indptr, indices, conf, f, r0, r1);
    },

    explicitLossRows(X, Y, indptr, indices, ratings, f, mu, biasRow, biasCol, r0, r1) {
      const M = F();
      const V = F32();
      const N = I();
      let total = 0;
      for (let u = r0; u < r1; u++) {
        for (let j = N[(indptr >>> 2) + u]; j < N[(indptr >>> 2) + u + 1]; j++) {
          const i = N[(indices >>> 2) + j];
          let s = mu + (biasRow !== 0 ? M[(biasRow >>> 3) + u] : 0) + (biasCol !== 0 ? M[(biasCol >>> 3) + i] : 0);
          for (let a = 0; a < f; a++) s += M[(X >>> 3) + u * f + a] * M[(Y >>> 3) + i * f + a];
          const e = V[(ratings >>> 2) + j] - s;
          total += e * e;
        }
      }
      return total;
    },

    scoreRows(Y, n, f, x, out) {
      const M = F();
      const V = F32();
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let a = 0; a < f; a++) s += M[(Y >>> 3) + i * f + a] * M[(x >>> 3) + a];
        M[(out >>> 3) + i] = s;
      }
    },

    topKRows(Q, b, T, f, list, m, qConst, tBias, exPtr, exIdx, common, nCommon, k, outIdx, outVal, outCount, scores, n) {
      const M = F();
      const N = I();
      const commonRows = new Set(N.subarray(common >>> 2, (common >>> 2) + nCommon));
      for (let q = 0; q < b; q++) {
        const excluded = new Set(exPtr ? N.subarray((exIdx >>> 2) + N[(exPtr >>> 2) + q], (exIdx >>> 2) + N[(exPtr >>> 2) + q + 1]) : []);
        const kept: { t: number; s: number }[] = [];
        for (let p = 0; p < m; p++) {
          const t = list ? N[(list >>> 2) + p] : p;
          let s = 0;
          for (let a = 0; a < f; a++) s += M[(T >>> 3) + t * f + a] * M[(Q >>> 3) + q * f + a];
          if (tBias) s += M[(qConst >>> 3) + q] + M[(tBias >>> 3) + t];
          if (scores) M[(scores >>> 3) + q * n + t] = s;
          if (!Number.isNaN(s) && !excluded.has(t) && !commonRows.has(t)) kept.push({ t, s });
        }
        kept.sort((x, y) => (y.s > x.s ? 1 : y.s < x.s ? -1 : x.t - y.t));
        const top = kept.slice(0, k);
        top.forEach((e, j) => {
          N[(outIdx >>> 2) + q * k + j] = e.t;
          M[(outVal >>> 3) + q * k + j] = e.s;
        });
        N[(outCount >>> 2) + q] = top.length;
      }
    },
  };
}

/** Σ a[j]·b[j]. */
function dot(a: number[], b: number[]): number {
  return a.reduce((s, v, j) => s + v * b[j], 0);
}

/**
 * Textbook conjugate gradient: up to `steps` steps on A·x = b from x (updated in place), with
 * r = b − A·x on entry (updated too). Stops early once ‖r‖² < 1e-20, as the kernels do.
 * @returns false when pᵀAp ≤ 0 (A is not positive definite)
 */
function conjugateGradient(applyA: (v: number[]) => number[], x: number[], r: number[], steps: number): boolean {
  let p = r.slice();
  let rsold = dot(r, r);
  for (let it = 0; it < steps; it++) {
    if (rsold < 1e-20) break;
    const Ap = applyA(p);
    const pAp = dot(p, Ap);
    if (!(pAp > 0)) return false;
    const alpha = rsold / pAp;
    for (let a = 0; a < x.length; a++) {
      x[a] += alpha * p[a];
      r[a] -= alpha * Ap[a];
    }
    const rsnew = dot(r, r);
    p = r.map((v, a) => v + (rsnew / rsold) * p[a]);
    rsold = rsnew;
  }
  return true;
}

/** Rows [a0, a1) of the full Gram YᵀY, in textbook loops. */
function gramianRows(M: Float64Array, Y: number, n: number, k: number, out: number, a0: number, a1: number): void {
  const y = Y >>> 3;
  const o = out >>> 3;
  for (let a = a0; a < a1; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += M[y + i * k + a] * M[y + i * k + b];
      M[o + a * k + b] = s;
    }
  }
}
