/**
 * The implicit CG kernel with f32 panels (precision code 2, `precision: 'mixed'`) against the
 * plain TypeScript reference in f64: on random rows (fast-check: factor count, row lengths,
 * seeds, steps) one call stays within MIXED_TOLERANCE of the f64 steps, and because the
 * residual b − A·x is formed in f64, repeated warm-started calls reach the exact (Cholesky)
 * solution — f32 only shapes each step, not the answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KernelRuntime } from '../../src/wasm/kernels.js';
import { PRECISION_CODES } from '../../src/als/options.js';
import { kernelCanaryIntact, kernelLayout, kernelProblem, kernelRelError, kernelRuntimes, type KernelProblem } from '../helpers/kernel-fixtures.js';

const runtimes = await kernelRuntimes();
const [reference, ...wasm] = runtimes;
const MIXED = PRECISION_CODES.mixed;

/**
 * Largest difference of one mixed call (1–8 steps) from the f64 reference, relative to the
 * largest |x|: f32 rounding (2⁻²⁴ ≈ 6e-8) of y, p and YᵀY, amplified by the steps' α and β.
 * The largest seen over 150 problems (f 1–70, rows of 0–200 entries, 1–8 steps) was 4.7e-7.
 */
const MIXED_TOLERANCE = 1e-4;

/** solveImplicitRowsCG from the layout's warm start, `calls` times in a row; the rows, status and canary. */
function runCG(rt: KernelRuntime, p: KernelProblem, steps: number, precision: number, calls = 1) {
  const q = kernelLayout(rt, p, p.f, 'cg');
  let status = -1;
  for (let c = 0; c < calls && status === -1; c++) {
    status = rt.exports.solveImplicitRowsCG(q.X, q.Y, q.YtY, q.indptr, q.indices, q.conf, p.f, 0.5, steps, 0, p.rows, q.scratch, 0, precision);
  }
  return { status, X: rt.arena.f64(q.X, p.rows * p.f).slice(), canaryOk: kernelCanaryIntact(rt, q) };
}

describe('implicit CG with f32 panels (precision: mixed)', () => {
  it('stays within the stated tolerance of the f64 reference for any f, row lengths and steps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1e6 }),
        (f, counts, steps, seed) => {
          const p = kernelProblem(f, seed, { counts, cols: 220, negativeShare: 0.1 });
          const want = runCG(reference, p, steps, 0);
          expect(want.status).toBe(-1);
          for (const rt of wasm) {
            const got = runCG(rt, p, steps, MIXED);
            expect(got.status, rt.variant).toBe(-1);
            expect(got.canaryOk, `${rt.variant}: wrote past its scratch`).toBe(true);
            expect(kernelRelError(got.X, want.X), `${rt.variant} f=${f}`).toBeLessThan(MIXED_TOLERANCE);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('is not the f64 kernel: its rows differ from the f64 build’s, by more than f64 rounding', () => {
    const p = kernelProblem(64, 3, { counts: [50, 120, 7], cols: 220 });
    for (const rt of wasm) {
      const d = kernelRelError(runCG(rt, p, 3, MIXED).X, runCG(rt, p, 3, 0).X);
      expect(d, rt.variant).toBeGreaterThan(1e-12);
      expect(d, rt.variant).toBeLessThan(MIXED_TOLERANCE);
    }
  });

  it.each([1, 6, 63, 64, 65])('repeated warm-started calls reach the exact solution (the residual is f64), f = %i', (f) => {
    const p = kernelProblem(f, 17 + f, { counts: [f + 3, 40, 1, 160], cols: 220, negativeShare: 0 });
    const q = kernelLayout(reference, p, p.f);
    expect(reference.exports.solveImplicitRows(q.X, q.Y, q.YtY, q.indptr, q.indices, q.conf, p.f, 0.5, 0, p.rows, q.scratch, 0)).toBe(-1);
    const exact = reference.arena.f64(q.X, p.rows * p.f).slice();
    for (const rt of wasm) {
      const got = runCG(rt, p, 3, MIXED, 40);
      expect(got.status, rt.variant).toBe(-1);
      expect(kernelRelError(got.X, exact), rt.variant).toBeLessThan(1e-9);
    }
  });

  it('gives an empty row zero factors, like the f64 kernel', () => {
    const p = kernelProblem(9, 5, { counts: [0, 4, 0], cols: 30 });
    for (const rt of wasm) {
      const X = runCG(rt, p, 3, MIXED).X;
      expect(Array.from(X.subarray(0, 9)), rt.variant).toEqual(new Array(9).fill(0));
      expect(Array.from(X.subarray(18, 27)), rt.variant).toEqual(new Array(9).fill(0));
    }
  });
});
