/**
 * Every WASM kernel build against the plain TypeScript reference kernels, on random sizes,
 * plus properties of the Cholesky factorisation. Builds must agree to 1e-9 relative.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/als/rng.js';
import type { KernelExports, KernelVariant } from '../../src/wasm/abi.js';
import { kernelVariantsAvailable, loadKernels, type KernelRuntime } from '../../src/wasm/kernels.js';

const SIZES = [1, 2, 3, 7, 16, 63, 64, 65, 128, 200];
const wasmVariants = (await kernelVariantsAvailable()).filter((v) => v !== 'reference') as KernelVariant[];

/** Relative distance scaled by the largest magnitude of the expected values. */
function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 1e-300;
  for (let j = 0; j < a.length; j++) {
    d = Math.max(d, Math.abs(a[j] - b[j]));
    s = Math.max(s, Math.abs(b[j]));
  }
  return d / s;
}

/** A random implicit/explicit problem laid out identically in two runtimes. */
interface Problem {
  rows: number;
  cols: number;
  f: number;
  indptr: Int32Array;
  indices: Int32Array;
  conf: Float64Array;
  ratings: Float64Array;
  Y: Float64Array;
  biasOther: Float64Array;
}

function makeProblem(f: number, seed: number): Problem {
  const rng = new Rng(seed);
  const rows = 12;
  const cols = Math.max(5, Math.min(300, 3 * f));
  const counts = [0, 1, 2, f + 3, 3 * f + 1, 5, cols, 4, 0, 9, 2 * f, 1].map((c) => Math.min(c, cols));
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  for (let r = 0; r < rows; r++) {
    const picked = new Set<number>();
    while (picked.size < counts[r]) picked.add(rng.int(cols));
    idx.push(...[...picked].sort((a, b) => a - b));
    indptr[r + 1] = idx.length;
  }
  const nnz = idx.length;
  return {
    rows,
    cols,
    f,
    indptr,
    indices: Int32Array.from(idx),
    conf: Float64Array.from({ length: nnz }, () => (rng.next() < 0.15 ? -(1 + 3 * rng.next()) : 1 + 20 * rng.next())),
    ratings: Float64Array.from({ length: nnz }, () => 1 + 4 * rng.next()),
    Y: Float64Array.from({ length: cols * f }, () => rng.normal() / Math.sqrt(f)),
    biasOther: Float64Array.from({ length: cols }, () => rng.normal() * 0.3),
  };
}

/** Lays a problem out in a runtime and returns pointers. */
function layout(rt: KernelRuntime, p: Problem) {
  const a = rt.arena;
  a.reset();
  const maxNnz = Math.max(...Array.from({ length: p.rows }, (_, r) => p.indptr[r + 1] - p.indptr[r]));
  const ptr = {
    indptr: a.putI32(p.indptr),
    indices: a.putI32(p.indices),
    conf: a.putF64(p.conf),
    ratings: a.putF64(p.ratings),
    Y: a.putF64(p.Y),
    biasOther: a.putF64(p.biasOther),
    X: a.alloc(8 * p.rows * p.f),
    biasOut: a.alloc(8 * p.rows),
    G: a.alloc(8 * p.f * p.f),
    scores: a.alloc(8 * p.cols),
    scratch: a.alloc(rt.exports.scratchBytes(p.f + 1, maxNnz)),
    canary: 0,
  };
  ptr.canary = a.alloc(64);
  a.f64(ptr.canary, 8).fill(12345.678);
  return ptr;
}

type Outputs = { G: Float64Array; Ximp: Float64Array; Xexp: Float64Array; bexp: Float64Array; Xw: Float64Array; lossImp: number; lossExp: number; scores: Float64Array; canaryOk: boolean; statuses: number[] };

function runAll(rt: KernelRuntime, p: Problem, lambda: number): Outputs {
  const K: KernelExports = rt.exports;
  const q = layout(rt, p);
  const f = p.f;
  K.gramian(q.Y, p.cols, f, q.G);
  const G = rt.arena.f64(q.G, f * f).slice();
  const s1 = K.solveImplicitRows(q.X, q.Y, q.G, q.indptr, q.indices, q.conf, f, lambda, 0, p.rows, q.scratch);
  const Ximp = rt.arena.f64(q.X, p.rows * f).slice();
  const lossImp = K.implicitLossRows(q.X, q.Y, q.G, q.indptr, q.indices, q.conf, f, 0, p.rows);
  K.scoreRows(q.Y, p.cols, f, q.X + 8 * f * 3, q.scores);
  const scores = rt.arena.f64(q.scores, p.cols).slice();
  const s2 = K.solveExplicitRows(q.X, q.Y, q.indptr, q.indices, q.ratings, f, lambda, 0, 3.1, q.biasOther, q.biasOut, 0, p.rows, q.scratch);
  const Xexp = rt.arena.f64(q.X, p.rows * f).slice();
  const bexp = rt.arena.f64(q.biasOut, p.rows).slice();
  const lossExp = K.explicitLossRows(q.X, q.Y, q.indptr, q.indices, q.ratings, f, 3.1, q.biasOut, q.biasOther, 0, p.rows);
  const s3 = K.solveExplicitRows(q.X, q.Y, q.indptr, q.indices, q.ratings, f, lambda, 1, 0, 0, 0, 0, p.rows, q.scratch);
  const Xw = rt.arena.f64(q.X, p.rows * f).slice();
  const canaryOk = rt.arena.f64(q.canary, 8).every((v) => v === 12345.678);
  return { G, Ximp, Xexp, bexp, Xw, lossImp, lossExp, scores, canaryOk, statuses: [s1, s2, s3] };
}

describe('kernels vs the TypeScript reference', async () => {
  const reference = await loadKernels({ variant: 'reference' });
  const runtimes = await Promise.all(wasmVariants.map((v) => loadKernels({ variant: v })));

  it('has at least the SIMD and scalar builds here', () => {
    expect(wasmVariants).toEqual(expect.arrayContaining(['simd', 'scalar']));
  });

  it.each(SIZES)('agree on every kernel at f = %i', (f) => {
    const p = makeProblem(f, 1000 + f);
    const want = runAll(reference, p, 0.1);
    expect(want.statuses).toEqual([-1, -1, -1]);
    const results = runtimes.map((rt) => ({ rt, got: runAll(rt, p, 0.1) }));
    for (const { rt, got } of results) {
      const tag = `${rt.variant} f=${f}`;
      expect(got.statuses, tag).toEqual([-1, -1, -1]);
      expect(rel(got.G, want.G), tag).toBeLessThan(1e-12);
      expect(rel(got.Ximp, want.Ximp), tag).toBeLessThan(1e-9);
      expect(rel(got.Xexp, want.Xexp), tag).toBeLessThan(1e-9);
      expect(rel(got.bexp, want.bexp), tag).toBeLessThan(1e-9);
      expect(rel(got.Xw, want.Xw), tag).toBeLessThan(1e-9);
      expect(Math.abs(got.lossImp - want.lossImp) / Math.abs(want.lossImp), tag).toBeLessThan(1e-9);
      expect(Math.abs(got.lossExp - want.lossExp) / Math.abs(want.lossExp), tag).toBeLessThan(1e-9);
      expect(rel(got.scores, want.scores), tag).toBeLessThan(1e-12);
      expect(got.canaryOk, `${tag}: scratch overflow`).toBe(true);
    }
    // The builds agree with each other too.
    for (const { got } of results.slice(1)) expect(rel(got.Ximp, results[0].got.Ximp)).toBeLessThan(1e-9);
  });

  it('gives empty rows zero factors and zero bias', () => {
    const p = makeProblem(7, 5);
    for (const rt of [reference, ...runtimes]) {
      const got = runAll(rt, p, 0.1);
      // rows 0 and 8 have no entries
      for (const r of [0, 8]) {
        expect(Array.from(got.Ximp.subarray(r * 7, r * 7 + 7)).every((v) => v === 0), rt.variant).toBe(true);
        expect(Array.from(got.Xexp.subarray(r * 7, r * 7 + 7)).every((v) => v === 0), rt.variant).toBe(true);
        expect(got.bexp[r]).toBe(0);
      }
    }
  });

  it('reports the first row whose system is not positive definite', () => {
    // λ = 0: rows 1 and 11 have one rating each and cannot determine f = 3 factors (explicit).
    const p = makeProblem(3, 9);
    for (const rt of [reference, ...runtimes]) {
      const q = layout(rt, p);
      expect(rt.exports.solveExplicitRows(q.X, q.Y, q.indptr, q.indices, q.ratings, 3, 0, 0, 0, 0, 0, 0, p.rows, q.scratch), rt.variant).toBe(1);
      expect(rt.exports.solveExplicitRows(q.X, q.Y, q.indptr, q.indices, q.ratings, 3, 0, 0, 0, 0, 0, 3, p.rows, q.scratch), rt.variant).toBe(11);
    }
  });

  it('gramAccumulate adds weighted outer products to the upper triangle', () => {
    const rng = new Rng(3);
    for (const k of [1, 5, 16]) {
      const rows = Float64Array.from({ length: 6 * k }, () => rng.normal());
      const w = Float64Array.from({ length: 6 }, () => rng.next());
      const outs = [reference, ...runtimes].map((rt) => {
        rt.arena.reset();
        const A = rt.arena.putF64(new Float64Array(k * k).fill(0.5));
        rt.exports.gramAccumulate(A, k, rt.arena.putF64(rows), 6, rt.arena.putF64(w));
        return rt.arena.f64(A, k * k).slice();
      });
      for (let a = 0; a < k; a++) {
        for (let b = a; b < k; b++) {
          let s = 0.5;
          for (let j = 0; j < 6; j++) s += w[j] * rows[j * k + a] * rows[j * k + b];
          for (const o of outs) expect(o[a * k + b]).toBeCloseTo(s, 12);
        }
      }
    }
  });
});

describe('Cholesky properties (fast-check)', async () => {
  const runtimes = [await loadKernels({ variant: 'reference' }), ...(await Promise.all(wasmVariants.map((v) => loadKernels({ variant: v }))))];

  /** A random SPD matrix BᵀB + δI from a flat array of entries. */
  const spd = fc.integer({ min: 1, max: 40 }).chain((k) =>
    fc.record({ k: fc.constant(k), entries: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: k * k, maxLength: k * k }), shift: fc.double({ min: 0.05, max: 2, noNaN: true }) }),
  );

  function spdMatrix(k: number, entries: number[], shift: number): Float64Array {
    const A = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let s = a === b ? shift : 0;
        for (let p = 0; p < k; p++) s += entries[p * k + a] * entries[p * k + b];
        A[a * k + b] = s;
      }
    }
    return A;
  }

  it('UᵀU = A and the solve residual is small, in every build', () => {
    fc.assert(
      fc.property(spd, fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 40, maxLength: 40 }), ({ k, entries, shift }, rhs) => {
        const A = spdMatrix(k, entries, shift);
        const b = Float64Array.from(rhs.slice(0, k));
        for (const rt of runtimes) {
          rt.arena.reset();
          const Ap = rt.arena.putF64(A);
          const bp = rt.arena.putF64(b);
          expect(rt.exports.cholesky(Ap, k)).toBe(-1);
          const U = rt.arena.f64(Ap, k * k).slice();
          let scale = 0;
          for (const v of A) scale = Math.max(scale, Math.abs(v));
          for (let a = 0; a < k; a++) {
            for (let c = a; c < k; c++) {
              let s = 0;
              for (let p = 0; p <= a; p++) s += U[p * k + a] * U[p * k + c];
              expect(Math.abs(s - A[a * k + c])).toBeLessThan(1e-10 * scale + 1e-12);
            }
          }
          rt.exports.choleskySolve(Ap, k, bp);
          const x = rt.arena.f64(bp, k);
          let resid = 0;
          let bn = 1e-300;
          for (let a = 0; a < k; a++) {
            let s = 0;
            for (let c = 0; c < k; c++) s += A[a * k + c] * x[c];
            resid = Math.max(resid, Math.abs(s - b[a]));
            bn = Math.max(bn, Math.abs(b[a]));
          }
          // Backward-stable: residual ≲ ε·‖A‖·‖x‖, bounded here generously.
          let xn = 0;
          for (const v of x) xn = Math.max(xn, Math.abs(v));
          expect(resid).toBeLessThan(1e-9 * (scale * xn + bn));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reports the first non-positive pivot of an indefinite matrix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 0, max: 19 }), (k, badAt) => {
        const j = badAt % k;
        // Diagonal with one non-positive entry: the first bad pivot is exactly j.
        const A = new Float64Array(k * k);
        for (let a = 0; a < k; a++) A[a * k + a] = a === j ? -1 : 2;
        for (const rt of runtimes) {
          rt.arena.reset();
          expect(rt.exports.cholesky(rt.arena.putF64(A), k)).toBe(j);
        }
      }),
      { numRuns: 40 },
    );
  });
});
