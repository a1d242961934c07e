/**
 * The implicit CG kernel in mixed precision (precision code 2, `precision: 'mixed'`): the row's
 * vectors are gathered from an f32 copy of Y (toF32Rows), the residual and the steps' products
 * are taken in f32 within blocks with f64 partial sums. On random rows (fast-check: factor
 * count, row lengths, seeds, steps) one call stays within MIXED_TOLERANCE of the f64 steps and
 * of the reference's mixed steps; repeated warm-started calls reach the exact (Cholesky)
 * solution of the system with Y rounded to f32, which is within f32 rounding of the f64 one.
 * toF32Rows itself rounds each factor to nearest, pads to whole quads with 0 and writes nothing
 * past its rows, in every build.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jobSolvers } from '../helpers/job-solvers.js';
import type { KernelRuntime } from '../../src/wasm/kernels.js';
import { f32RowBytes } from '../../src/wasm/abi.js';
import { PRECISION_CODES } from '../../src/kernels/solve-job.js';
import { kernelCanaryIntact, kernelLayout, kernelProblem, kernelRelError, kernelRuntimes, type KernelProblem } from '../helpers/kernel-fixtures.js';

const runtimes = await kernelRuntimes();
const [reference, ...wasm] = runtimes;
const MIXED = PRECISION_CODES.mixed;

/**
 * Largest difference of one mixed call (1–8 steps) from the f64 reference, relative to the
 * largest |x|: f32 rounding (2⁻²⁴ ≈ 6e-8) of y, x, p and YᵀY and of the f32 sums over up to
 * 32 entries, amplified by the steps' α and β. The largest seen over 150 problems (f 1–70, rows
 * of 0–200 entries, 1–8 steps) was 7.9e-7 (the reference's mixed steps: 7.0e-8).
 */
const MIXED_TOLERANCE = 1e-4;

/** The kernel's f32 copy of the problem's Y (after the layout, so the canary keeps its place). */
function layoutWithCopy(rt: KernelRuntime, p: KernelProblem) {
  const q = kernelLayout(rt, p, p.f, 'cg');
  const Y32 = rt.arena.alloc(f32RowBytes(p.f) * p.cols, 16);
  rt.exports.toF32Rows(q.Y, p.cols, p.f, Y32);
  return { ...q, Y32 };
}

/** solveImplicitRowsCG from the layout's warm start, `calls` times in a row; the rows, status and canary. */
function runCG(rt: KernelRuntime, p: KernelProblem, steps: number, precision: number, calls = 1) {
  const q = layoutWithCopy(rt, p);
  let status = -1;
  for (let c = 0; c < calls && status === -1; c++) {
    status = jobSolvers(rt).solveImplicitRowsCG(q.X, q.Y, q.YtY, q.indptr, q.indices, q.conf, p.f, 0.5, steps, 0, p.rows, q.scratch, 0, precision, precision ? q.Y32 : 0);
  }
  return { status, X: rt.arena.f64(q.X, p.rows * p.f).slice(), canaryOk: kernelCanaryIntact(rt, q) };
}

/**
 * The exact solution (reference Cholesky) of the problem's rows; with `rounded`, of the system
 * mixed CG heads for: YᵀY of the f64 Y, the rows' own terms from Y rounded to f32.
 */
function exactRows(p: KernelProblem, rounded = false): Float64Array {
  const q = kernelLayout(reference, p, p.f);
  if (rounded) reference.arena.f64(q.Y, p.cols * p.f).set(p.Y.map(Math.fround));
  expect(jobSolvers(reference).solveImplicitRows(q.X, q.Y, q.YtY, q.indptr, q.indices, q.conf, p.f, 0.5, 0, p.rows, q.scratch, 0)).toBe(-1);
  return reference.arena.f64(q.X, p.rows * p.f).slice();
}

describe('implicit CG gathering from an f32 copy (precision: mixed)', () => {
  it('stays within the stated tolerance of the f64 and of the mixed reference for any f, row lengths and steps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1e6 }),
        (f, counts, steps, seed) => {
          const p = kernelProblem(f, seed, { counts, cols: 220, negativeShare: 0.1 });
          const want = runCG(reference, p, steps, 0);
          const wantMixed = runCG(reference, p, steps, MIXED);
          expect(want.status).toBe(-1);
          expect(wantMixed.status).toBe(-1);
          expect(kernelRelError(wantMixed.X, want.X), `reference f=${f}`).toBeLessThan(MIXED_TOLERANCE);
          for (const rt of wasm) {
            const got = runCG(rt, p, steps, MIXED);
            expect(got.status, rt.variant).toBe(-1);
            expect(got.canaryOk, `${rt.variant}: wrote past its scratch`).toBe(true);
            expect(kernelRelError(got.X, want.X), `${rt.variant} f=${f}`).toBeLessThan(MIXED_TOLERANCE);
            expect(kernelRelError(got.X, wantMixed.X), `${rt.variant} f=${f} vs mixed reference`).toBeLessThan(MIXED_TOLERANCE);
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

  it.each([1, 6, 63, 64, 65])('repeated warm-started calls reach the solution of the system with Y rounded to f32, f = %i', (f) => {
    const p = kernelProblem(f, 17 + f, { counts: [f + 3, 40, 1, 160], cols: 220, negativeShare: 0 });
    const rounded = exactRows(p, true);
    const exact = exactRows(p);
    // The two fixed points differ by the rounding of Y (relative 2⁻²⁴, times the conditioning): 3–8e-8 here.
    expect(kernelRelError(rounded, exact)).toBeLessThan(1e-6);
    // The reference (f64 sums over the f32 copy) reaches the rounded system's solution exactly.
    expect(kernelRelError(runCG(reference, p, 3, MIXED, 40).X, rounded)).toBeLessThan(1e-9);
    for (const rt of wasm) {
      const got = runCG(rt, p, 3, MIXED, 40);
      expect(got.status, rt.variant).toBe(-1);
      // The kernels' residual has f32 sums within blocks: its floor is f32 rounding (1–2e-7 seen), not f64's.
      expect(kernelRelError(got.X, rounded), rt.variant).toBeLessThan(1e-6);
      expect(kernelRelError(got.X, exact), rt.variant).toBeLessThan(1e-6);
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

describe('toF32Rows: the f32 copy mixed CG gathers from', () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e40, max: 1e40 });

  it('rounds every factor to the nearest f32, pads each row to whole quads with 0 and writes nothing past them, in every build', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 7 }), fc.array(finite, { minLength: 1, maxLength: 64 }), (f, n, shift, pool) => {
        const values = Float64Array.from({ length: n * f }, (_, j) => pool[(j * 7 + shift) % pool.length]);
        const rowBytes = f32RowBytes(f);
        for (const rt of runtimes) {
          const a = rt.arena;
          a.reset();
          const Y = a.putF64(values);
          // The copy may start at any 16-byte boundary; 64 canary bytes follow it.
          const Y32 = a.alloc(16 * shift + n * rowBytes + 64, 16) + 16 * shift;
          const bytes = new Uint8Array(rt.memory.buffer, Y32, n * rowBytes + 64);
          bytes.fill(0xa5);
          rt.exports.toF32Rows(Y, n, f, Y32);
          const out = new Float32Array(rt.memory.buffer, Y32, (n * rowBytes) / 4);
          for (let i = 0; i < n; i++) {
            for (let l = 0; l < rowBytes / 4; l++) {
              const want = l < f ? Math.fround(values[i * f + l]) : 0;
              expect(Object.is(out[(i * rowBytes) / 4 + l], want), `${rt.variant} f=${f} row ${i} lane ${l}: ${out[(i * rowBytes) / 4 + l]} vs ${want}`).toBe(true);
            }
          }
          expect(Array.from(new Uint8Array(rt.memory.buffer, Y32 + n * rowBytes, 64)).every((b) => b === 0xa5), `${rt.variant}: wrote past its rows`).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('rounds the f32 range’s edges as f64 → f32 conversion does: ±∞ past it, ±0 and subnormals kept', () => {
    const edge = Float64Array.of(3.5e38, -3.5e38, 1e-46, -1e-46, 1.5e-45, -0, 0, 2 ** 24 + 1, 1 / 3);
    for (const rt of runtimes) {
      const a = rt.arena;
      a.reset();
      const Y = a.putF64(edge);
      const Y32 = a.alloc(f32RowBytes(edge.length), 16);
      rt.exports.toF32Rows(Y, 1, edge.length, Y32);
      const out = Array.from(new Float32Array(rt.memory.buffer, Y32, edge.length));
      expect(out.map((v, j) => Object.is(v, Math.fround(edge[j]))), rt.variant).toEqual(new Array(edge.length).fill(true));
    }
  });
});
