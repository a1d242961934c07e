/**
 * The dense kernels (gramian, gramAccumulate, cholesky, choleskySolve, scoreRows) and the
 * partial losses of every build against the reference, plus fast-check properties of the
 * Cholesky factorisation: UᵀU = A, a small solve residual, the exact failing pivot.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KERNEL_SIZES, kernelLayout, kernelProblem, kernelRelError, kernelRuntimes } from '../helpers/kernel-fixtures.js';
import { KernelRandom } from '../helpers/kernel-random.js';

const runtimes = await kernelRuntimes();
const [reference, ...wasm] = runtimes;

/** A random SPD matrix BᵀB + δI (k×k, full) from a flat array of k² entries. */
function spdMatrix(k: number, entries: ArrayLike<number>, shift: number): Float64Array {
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

describe('gramian, scoreRows and the losses', () => {
  it.each(KERNEL_SIZES)('agree with the reference at f = %i', (f) => {
    const p = kernelProblem(f, 500 + f);
    // Factors for the losses: a fixed random X in every runtime.
    const rng = new KernelRandom(f);
    const X = Float64Array.from({ length: p.rows * f }, () => rng.normal() / Math.sqrt(f));
    const outputs = runtimes.map((rt) => {
      const q = kernelLayout(rt, p, p.f);
      rt.arena.f64(q.X, X.length).set(X);
      const K = rt.exports;
      K.scoreRows(q.Y, p.cols, f, q.X + 8 * f * 3, q.scores);
      return {
        v: rt.variant,
        G: rt.arena.f64(q.YtY, f * f).slice(),
        scores: rt.arena.f64(q.scores, p.cols).slice(),
        imp: K.implicitLossRows(q.X, q.Y, q.YtY, q.indptr, q.indices, q.conf, f, 0, p.rows),
        impPart: K.implicitLossRows(q.X, q.Y, q.YtY, q.indptr, q.indices, q.conf, f, 2, 5),
        exp: K.explicitLossRows(q.X, q.Y, q.indptr, q.indices, q.ratings, f, 3.1, q.biasRow, q.biasOther, 0, p.rows),
        expPlain: K.explicitLossRows(q.X, q.Y, q.indptr, q.indices, q.ratings, f, 0, 0, 0, 0, p.rows),
      };
    });
    const want = outputs[0];
    // The Gram is symmetric and full.
    for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) expect(want.G[a * f + b]).toBe(want.G[b * f + a]);
    for (const got of outputs.slice(1)) {
      expect(kernelRelError(got.G, want.G), got.v).toBeLessThan(1e-12);
      expect(kernelRelError(got.scores, want.scores), got.v).toBeLessThan(1e-12);
      for (const key of ['imp', 'impPart', 'exp', 'expPlain'] as const) {
        expect(Math.abs(got[key] - want[key]) / Math.max(1e-300, Math.abs(want[key])), `${got.v} ${key}`).toBeLessThan(1e-9);
      }
    }
  });

  it('computes the implicit loss as the dense sum over all pairs (known answer)', () => {
    // The loss Σ_all c (p − s)² with c = 1 off Ω, checked densely.
    const p = kernelProblem(3, 12, { cols: 10, counts: [0, 4, 10, 1] });
    const rng = new KernelRandom(4);
    const X = Float64Array.from({ length: p.rows * 3 }, () => rng.normal());
    let dense = 0;
    for (let u = 0; u < p.rows; u++) {
      const cOf = new Map<number, number>();
      for (let j = p.indptr[u]; j < p.indptr[u + 1]; j++) cOf.set(p.indices[j], p.conf[j]);
      for (let i = 0; i < p.cols; i++) {
        let s = 0;
        for (let a = 0; a < 3; a++) s += X[u * 3 + a] * p.Y[i * 3 + a];
        const c = cOf.get(i) ?? -1; // unobserved: preference 0, confidence 1
        dense += Math.abs(c) * ((c > 0 ? 1 : 0) - s) ** 2;
      }
    }
    for (const rt of runtimes) {
      const q = kernelLayout(rt, p, 3);
      rt.arena.f64(q.X, X.length).set(X);
      const got = rt.exports.implicitLossRows(q.X, q.Y, q.YtY, q.indptr, q.indices, q.conf, 3, 0, p.rows);
      expect(got, rt.variant).toBeCloseTo(dense, 9);
    }
  });
});

describe('gramianBlocks', () => {
  it.each([1, 3, 4, 7, 16, 18])('gives exactly the bits of gramian when its block rows are split and run out of order (k = %i)', (k) => {
    const n = 37;
    const rng = new KernelRandom(k + 100);
    const Y = Float64Array.from({ length: n * k }, () => rng.normal());
    for (const rt of runtimes) {
      const Yp = rt.arena.putF64(Y);
      const whole = rt.arena.alloc(8 * k * k);
      const split = rt.arena.alloc(8 * k * k);
      rt.arena.f64(split, k * k).fill(NaN);
      rt.exports.gramian(Yp, n, k, whole);
      const blocks = Math.ceil(k / 4);
      // Last block first, then the rest one by one: the order must not matter.
      rt.exports.gramianBlocks(Yp, n, k, split, blocks - 1, blocks);
      for (let b = 0; b < blocks - 1; b++) rt.exports.gramianBlocks(Yp, n, k, split, b, b + 1);
      expect(Array.from(rt.arena.f64(split, k * k)), rt.variant).toEqual(Array.from(rt.arena.f64(whole, k * k)));
    }
  });
});

describe('gramAccumulate', () => {
  it('adds weighted outer products to the upper triangle only', () => {
    const rng = new KernelRandom(3);
    for (const k of [1, 5, 16, 33]) {
      const count = 7;
      const rows = Float64Array.from({ length: count * k }, () => rng.normal());
      const w = Float64Array.from({ length: count }, () => rng.next() - 0.2);
      for (const weighted of [true, false]) {
        for (const rt of runtimes) {
          rt.arena.reset();
          const A = rt.arena.putF64(new Float64Array(k * k).fill(0.5));
          rt.exports.gramAccumulate(A, k, rt.arena.putF64(rows), count, weighted ? rt.arena.putF64(w) : 0);
          const got = rt.arena.f64(A, k * k);
          for (let a = 0; a < k; a++) {
            for (let b = 0; b < k; b++) {
              let s = 0.5;
              if (b >= a) for (let j = 0; j < count; j++) s += (weighted ? w[j] : 1) * rows[j * k + a] * rows[j * k + b];
              expect(got[a * k + b], `${rt.variant} k=${k} (${a},${b})`).toBeCloseTo(s, 12);
            }
          }
        }
      }
    }
  });
});

describe('cholesky and choleskySolve', () => {
  it.each([1, 2, 3, 4, 5, 8, 17, 64, 65])('agree with the reference on an SPD matrix at k = %i', (k) => {
    const rng = new KernelRandom(k);
    const A = spdMatrix(k, Float64Array.from({ length: k * k }, () => rng.normal()), 0.5);
    const b = Float64Array.from({ length: k }, () => rng.normal());
    const outs = runtimes.map((rt) => {
      rt.arena.reset();
      const Ap = rt.arena.putF64(A);
      const bp = rt.arena.putF64(b);
      const status = rt.exports.cholesky(Ap, k);
      rt.exports.choleskySolve(Ap, k, bp);
      const U = rt.arena.f64(Ap, k * k).slice();
      // Only the upper triangle is defined; the strict lower triangle must be left alone.
      for (let a = 0; a < k; a++) for (let c = 0; c < a; c++) expect(U[a * k + c]).toBe(A[a * k + c]);
      return { v: rt.variant, status, U, x: rt.arena.f64(bp, k).slice() };
    });
    for (const o of outs) {
      expect(o.status, o.v).toBe(-1);
      expect(kernelRelError(o.U, outs[0].U), o.v).toBeLessThan(1e-11);
      expect(kernelRelError(o.x, outs[0].x), o.v).toBeLessThan(1e-9);
    }
  });

  const spd = fc.integer({ min: 1, max: 40 }).chain((k) =>
    fc.record({
      k: fc.constant(k),
      entries: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: k * k, maxLength: k * k }),
      shift: fc.double({ min: 0.05, max: 2, noNaN: true }),
      rhs: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: k, maxLength: k }),
    }),
  );

  it('UᵀU = A and ‖A x − b‖ is small, in every build (property)', () => {
    fc.assert(
      fc.property(spd, ({ k, entries, shift, rhs }) => {
        const A = spdMatrix(k, entries, shift);
        let scale = 0;
        for (const v of A) scale = Math.max(scale, Math.abs(v));
        for (const rt of runtimes) {
          rt.arena.reset();
          const Ap = rt.arena.putF64(A);
          const bp = rt.arena.putF64(rhs);
          expect(rt.exports.cholesky(Ap, k), rt.variant).toBe(-1);
          const U = rt.arena.f64(Ap, k * k).slice();
          for (let a = 0; a < k; a++) {
            for (let c = a; c < k; c++) {
              let s = 0;
              for (let p = 0; p <= a; p++) s += U[p * k + a] * U[p * k + c];
              expect(Math.abs(s - A[a * k + c]), `${rt.variant} (${a},${c})`).toBeLessThan(1e-10 * scale + 1e-12);
            }
          }
          rt.exports.choleskySolve(Ap, k, bp);
          const x = rt.arena.f64(bp, k);
          let resid = 0;
          let xn = 0;
          let bn = 0;
          for (let a = 0; a < k; a++) {
            let s = 0;
            for (let c = 0; c < k; c++) s += A[a * k + c] * x[c];
            resid = Math.max(resid, Math.abs(s - rhs[a]));
            xn = Math.max(xn, Math.abs(x[a]));
            bn = Math.max(bn, Math.abs(rhs[a]));
          }
          // Backward-stable: residual ≲ ε·‖A‖·‖x‖ (generous constant).
          expect(resid, rt.variant).toBeLessThan(1e-9 * (scale * xn + bn) + 1e-300);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('returns the first non-positive pivot of an indefinite matrix (property)', () => {
    fc.assert(
      fc.property(spd, fc.nat(), fc.double({ min: 0, max: 10, noNaN: true }), ({ k, entries, shift }, at, deficit) => {
        // A = SPD with its j-th Schur pivot pushed to ≤ 0: subtract (pivot_j + deficit) e_j e_jᵀ.
        const j = at % k;
        const A = spdMatrix(k, entries, shift);
        // pivot_j of the SPD matrix, from the reference factor.
        reference.arena.reset();
        const Ap = reference.arena.putF64(A);
        expect(reference.exports.cholesky(Ap, k)).toBe(-1);
        const pivot = reference.arena.f64(Ap, k * k)[j * k + j] ** 2;
        const B = A.slice();
        B[j * k + j] -= pivot + deficit;
        for (const rt of runtimes) {
          rt.arena.reset();
          const status = rt.exports.cholesky(rt.arena.putF64(B), k);
          // A zero pivot may round to a tiny positive one: then the failure (if any) comes later.
          if (deficit > 1e-6 * pivot) expect(status, rt.variant).toBe(j);
          else expect(status === j || status === -1 || status > j, rt.variant).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reports NaN input as a failed pivot', () => {
    for (const rt of runtimes) {
      rt.arena.reset();
      const A = Float64Array.from([4, 1, 1, Number.NaN]);
      expect(rt.exports.cholesky(rt.arena.putF64(A), 2), rt.variant).toBe(1);
    }
  });
});
