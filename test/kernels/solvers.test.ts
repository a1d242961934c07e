/**
 * The row solvers of every WASM build against the plain TypeScript reference, on random
 * problems at many sizes: empty rows, single entries, rows spanning several packed chunks,
 * both signs of confidence, biases on/off, ALS-WR weighting on/off. Builds must agree with the
 * reference (and so with each other) to 1e-9 relative, and never write past their scratch.
 */
import { describe, expect, it } from 'vitest';
import { jobSolvers } from '../helpers/job-solvers.js';
import type { KernelRuntime } from '../../src/wasm/kernels.js';
import { KERNEL_SIZES, kernelCanaryIntact, kernelLayout, kernelProblem, kernelRelError, kernelRuntimes, type KernelProblem } from '../helpers/kernel-fixtures.js';

const runtimes = await kernelRuntimes();
const [reference, ...wasm] = runtimes;

interface SolveResult {
  status: number;
  X: Float64Array;
  bias: Float64Array;
  canaryOk: boolean;
}

function runImplicit(rt: KernelRuntime, p: KernelProblem, lambda: number, r0 = 0, r1 = p.rows): SolveResult {
  const q = kernelLayout(rt, p, p.f);
  const status = jobSolvers(rt).solveImplicitRows(q.X, q.Y, q.YtY, q.indptr, q.indices, q.conf, p.f, lambda, r0, r1, q.scratch, 0);
  return { status, X: rt.arena.f64(q.X, p.rows * p.f).slice(), bias: new Float64Array(0), canaryOk: kernelCanaryIntact(rt, q) };
}

interface ExplicitOptions {
  lambda: number;
  weighted: boolean;
  biases: boolean;
  mu: number;
  otherBiases: boolean;
}

function runExplicit(rt: KernelRuntime, p: KernelProblem, o: ExplicitOptions, r0 = 0, r1 = p.rows): SolveResult {
  const k = o.biases ? p.f + 1 : p.f;
  const q = kernelLayout(rt, p, k);
  const status = jobSolvers(rt).solveExplicitRows(
    q.X, q.Y, q.indptr, q.indices, q.ratings, p.f, o.lambda, o.weighted ? 1 : 0, o.mu,
    o.otherBiases ? q.biasOther : 0, o.biases ? q.biasOut : 0, r0, r1, q.scratch,
  );
  return {
    status,
    X: rt.arena.f64(q.X, p.rows * p.f).slice(),
    bias: o.biases ? rt.arena.f64(q.biasOut, p.rows).slice() : new Float64Array(0),
    canaryOk: kernelCanaryIntact(rt, q),
  };
}

/** solveExplicitRowsCG with `steps` steps, warm-started from the layout's fixed X and biases. */
function runExplicitCG(rt: KernelRuntime, p: KernelProblem, o: ExplicitOptions, steps: number, r0 = 0, r1 = p.rows): SolveResult {
  const k = o.biases ? p.f + 1 : p.f;
  const q = kernelLayout(rt, p, k, 'cg');
  const status = jobSolvers(rt).solveExplicitRowsCG(
    q.X, q.Y, q.indptr, q.indices, q.ratings, p.f, o.lambda, o.weighted ? 1 : 0, o.mu,
    o.otherBiases ? q.biasOther : 0, o.biases ? q.biasOut : 0, steps, r0, r1, q.scratch,
  );
  return {
    status,
    X: rt.arena.f64(q.X, p.rows * p.f).slice(),
    bias: o.biases ? rt.arena.f64(q.biasOut, p.rows).slice() : new Float64Array(0),
    canaryOk: kernelCanaryIntact(rt, q),
  };
}

function expectAgree(got: SolveResult, want: SolveResult, tag: string): void {
  expect(got.status, tag).toBe(want.status);
  expect(got.canaryOk, `${tag}: wrote past scratchBytes`).toBe(true);
  expect(kernelRelError(got.X, want.X), tag).toBeLessThan(1e-9);
  expect(kernelRelError(got.bias, want.bias), `${tag} biases`).toBeLessThan(1e-9);
}

describe('solveImplicitRows', () => {
  it('runs on at least the SIMD and scalar builds here', () => {
    expect(wasm.map((rt) => rt.variant)).toEqual(expect.arrayContaining(['simd', 'scalar']));
  });

  it.each(KERNEL_SIZES)('agrees with the reference at f = %i (both signs of confidence)', (f) => {
    const p = kernelProblem(f, 1000 + f);
    const want = runImplicit(reference, p, 0.1);
    expect(want.status).toBe(-1);
    expect(want.X.every(Number.isFinite)).toBe(true);
    for (const rt of wasm) expectAgree(runImplicit(rt, p, 0.1), want, `${rt.variant} f=${f}`);
  });

  it.each([7, 64])('handles confidences below 1 (negative Gram weights) at f = %i', (f) => {
    const p = kernelProblem(f, 77 + f, { smallConfidence: true, negativeShare: 0.3 });
    const want = runImplicit(reference, p, 5);
    expect(want.status).toBe(-1);
    for (const rt of wasm) expectAgree(runImplicit(rt, p, 5), want, `${rt.variant} f=${f}`);
  });

  it('solves only rows [r0, r1) and leaves the others untouched', () => {
    const p = kernelProblem(16, 5);
    for (const rt of runtimes) {
      const got = runImplicit(rt, p, 0.1, 3, 7);
      for (let r = 0; r < p.rows; r++) {
        const row = got.X.subarray(r * 16, r * 16 + 16);
        if (r >= 3 && r < 7) expect(row.every(Number.isFinite), `${rt.variant} row ${r}`).toBe(true);
        else expect(row.every(Number.isNaN), `${rt.variant} row ${r}`).toBe(true);
      }
    }
  });

  it('gives rows without entries zero factors', () => {
    for (const f of [3, 64]) {
      const p = kernelProblem(f, 6);
      for (const rt of runtimes) {
        const got = runImplicit(rt, p, 0.1);
        for (const r of [0, 8]) expect(Array.from(got.X.subarray(r * f, r * f + f)), `${rt.variant} f=${f}`).toEqual(new Array(f).fill(0));
      }
    }
  });

  it('satisfies the normal equations (Hu et al. eq. 4) on a hand-checkable case', () => {
    // f = 2, Y = I (2 items), one user with c = [3, −2]: A = I + diag(2, 1) + λI, b = [3, 0].
    const p: KernelProblem = {
      rows: 1, cols: 2, f: 2, indptr: Int32Array.from([0, 2]), indices: Int32Array.from([0, 1]),
      conf: Float64Array.from([3, -2]), ratings: new Float64Array(2), Y: Float64Array.from([1, 0, 0, 1]),
      biasOther: new Float64Array(2), biasRow: new Float64Array(1), maxRowNnz: 2,
    };
    for (const rt of runtimes) {
      const got = runImplicit(rt, p, 0.5);
      expect(got.status).toBe(-1);
      expect(got.X[0], rt.variant).toBeCloseTo(3 / 3.5, 14);
      expect(got.X[1], rt.variant).toBeCloseTo(0, 14);
    }
  });

  it('reports the first row whose system is not positive definite', () => {
    // λ = −5 makes YᵀY + λI indefinite for every non-empty row; rows 0 (empty) is skipped.
    const p = kernelProblem(7, 9);
    for (const rt of runtimes) {
      expect(runImplicit(rt, p, -5).status, rt.variant).toBe(1);
      expect(runImplicit(rt, p, -5, 8, p.rows).status, rt.variant).toBe(9);
    }
  });
});

/** Explicit-solver settings: plain, ALS-WR, biases, both, and the other side's biases alone. */
const EXPLICIT_CONFIGS: ExplicitOptions[] = [
  { lambda: 0.1, weighted: false, biases: false, mu: 0, otherBiases: false },
  { lambda: 0.05, weighted: true, biases: false, mu: 3.1, otherBiases: false },
  { lambda: 0.1, weighted: false, biases: true, mu: 3.1, otherBiases: true },
  { lambda: 0.02, weighted: true, biases: true, mu: 2.5, otherBiases: true },
  { lambda: 0.1, weighted: false, biases: false, mu: 3.1, otherBiases: true },
];
const EXPLICIT_CASES = KERNEL_SIZES.flatMap((f) => EXPLICIT_CONFIGS.map((o) => ({ f, ...o })));

describe('solveExplicitRows', () => {
  const cases = EXPLICIT_CASES;

  it.each(cases)('agrees with the reference at f = $f (weighted $weighted, biases $biases, μ $mu, other biases $otherBiases)', ({ f, ...o }) => {
    const p = kernelProblem(f, 2000 + f);
    const want = runExplicit(reference, p, o);
    expect(want.status).toBe(-1);
    expect(want.X.every(Number.isFinite)).toBe(true);
    for (const rt of wasm) expectAgree(runExplicit(rt, p, o), want, `${rt.variant} f=${f}`);
  });

  it.each(['exact', 'CG'])('gives rows without entries zero factors and zero bias (%s solver)', (solver) => {
    const f = 7;
    const p = kernelProblem(f, 5);
    const o = { lambda: 0.1, weighted: true, biases: true, mu: 3, otherBiases: true };
    for (const rt of runtimes) {
      // The CG solver starts from non-zero factors and biases (kernelLayout's warm start).
      const got = solver === 'exact' ? runExplicit(rt, p, o) : runExplicitCG(rt, p, o, 3);
      for (const r of [0, 8]) {
        expect(Array.from(got.X.subarray(r * f, r * f + f)), rt.variant).toEqual(new Array(f).fill(0));
        expect(got.bias[r], rt.variant).toBe(0);
      }
    }
  });

  it('fits one rating exactly with biases and no regularisation in the bias direction', () => {
    // f = 1, y = [2], one rating 5, μ = 1, b_i = 0.5: x̃ = (ỹỹᵀ + λI)⁻¹ ỹ·3.5 with ỹ = [2, 1].
    const p: KernelProblem = {
      rows: 1, cols: 1, f: 1, indptr: Int32Array.from([0, 1]), indices: Int32Array.from([0]),
      conf: new Float64Array(1), ratings: Float64Array.from([5]), Y: Float64Array.from([2]),
      biasOther: Float64Array.from([0.5]), biasRow: new Float64Array(1), maxRowNnz: 1,
    };
    // (ỹỹᵀ + λI)⁻¹ ỹ t = ỹ t / (‖ỹ‖² + λ) (ỹ is an eigenvector).
    const lambda = 0.25;
    for (const rt of runtimes) {
      const got = runExplicit(rt, p, { lambda, weighted: false, biases: true, mu: 1, otherBiases: true });
      expect(got.X[0], rt.variant).toBeCloseTo((2 * 3.5) / (5 + lambda), 13);
      expect(got.bias[0], rt.variant).toBeCloseTo(3.5 / (5 + lambda), 13);
    }
  });

  it('reports the first row whose system is not positive definite', () => {
    // λ = 0: rows with one rating cannot determine f = 3 factors (rank 1 < 3).
    const p = kernelProblem(3, 9);
    const o = { lambda: 0, weighted: false, biases: false, mu: 0, otherBiases: false };
    for (const rt of runtimes) {
      expect(runExplicit(rt, p, o).status, rt.variant).toBe(1);
      expect(runExplicit(rt, p, o, 3, p.rows).status, rt.variant).toBe(11);
      // With biases the system is (f+1)-dimensional: row 2 (two ratings) fails too.
      expect(runExplicit(rt, p, { ...o, biases: true }, 2, p.rows).status, rt.variant).toBe(2);
    }
  });
});

describe('solveExplicitRowsCG', () => {
  const cases = EXPLICIT_CASES;

  it.each(cases)('agrees with the reference after 3 steps at f = $f (weighted $weighted, biases $biases, μ $mu, other biases $otherBiases)', ({ f, ...o }) => {
    const p = kernelProblem(f, 4000 + f);
    const want = runExplicitCG(reference, p, o, 3);
    expect(want.status).toBe(-1);
    expect(want.X.every(Number.isFinite)).toBe(true);
    for (const rt of wasm) expectAgree(runExplicitCG(rt, p, o, 3), want, `${rt.variant} f=${f}`);
  });

  it.each([1, 2, 7, 16, 33])('converges to the exact solver as steps grow (f = %i, with and without biases)', (f) => {
    const p = kernelProblem(f, 4100 + f);
    for (const o of [EXPLICIT_CONFIGS[1], EXPLICIT_CONFIGS[3]]) {
      for (const rt of runtimes) {
        const exact = runExplicit(rt, p, o);
        const k = o.biases ? f + 1 : f;
        const dist = (r: SolveResult) => Math.max(kernelRelError(r.X, exact.X), kernelRelError(r.bias, exact.bias));
        const errors = [1, 3, k, 4 * k + 20].map((steps) => dist(runExplicitCG(rt, p, o, steps)));
        expect(errors[errors.length - 1], `${rt.variant} biases ${o.biases}`).toBeLessThan(1e-8);
        if (k > 1) expect(errors[0], `${rt.variant} biases ${o.biases}`).toBeGreaterThan(1e3 * errors[errors.length - 1]);
      }
    }
  });

  it('solves one rating with biases in one step (ỹ is the only direction)', () => {
    // From x̃ = 0 the residual is ỹ·t: one step lands on ỹ t / (‖ỹ‖² + λ), the exact solution.
    const p: KernelProblem = {
      rows: 1, cols: 1, f: 1, indptr: Int32Array.from([0, 1]), indices: Int32Array.from([0]),
      conf: new Float64Array(1), ratings: Float64Array.from([5]), Y: Float64Array.from([2]),
      biasOther: Float64Array.from([0.5]), biasRow: new Float64Array(1), maxRowNnz: 1,
    };
    const lambda = 0.25;
    for (const rt of runtimes) {
      const q = kernelLayout(rt, p, 2, 'cg');
      rt.arena.f64(q.X, 1)[0] = 0;
      rt.arena.f64(q.biasOut, 1)[0] = 0;
      expect(jobSolvers(rt).solveExplicitRowsCG(q.X, q.Y, q.indptr, q.indices, q.ratings, 1, lambda, 0, 1, q.biasOther, q.biasOut, 1, 0, 1, q.scratch), rt.variant).toBe(-1);
      expect(rt.arena.f64(q.X, 1)[0], rt.variant).toBeCloseTo((2 * 3.5) / (5 + lambda), 13);
      expect(rt.arena.f64(q.biasOut, 1)[0], rt.variant).toBeCloseTo(3.5 / (5 + lambda), 13);
    }
  });

  it('reports the first row where pᵀAp is not positive (a NaN rating)', () => {
    const p = kernelProblem(5, 11);
    const ratings = Float64Array.from(p.ratings);
    ratings[p.indptr[6]] = Number.NaN; // row 6's first rating
    const o = { lambda: 0.1, weighted: false, biases: true, mu: 3, otherBiases: true };
    for (const rt of runtimes) {
      expect(runExplicitCG(rt, { ...p, ratings }, o, 3).status, rt.variant).toBe(6);
      expect(runExplicitCG(rt, { ...p, ratings }, o, 3, 7, p.rows).status, rt.variant).toBe(-1);
    }
  });
});

describe('builds agree with each other', () => {
  it.each([16, 64, 65])('scalar, SIMD and relaxed SIMD to 1e-9 at f = %i', (f) => {
    const p = kernelProblem(f, 3000 + f);
    const results = wasm.map((rt) => ({ v: rt.variant, imp: runImplicit(rt, p, 0.1), exp: runExplicit(rt, p, { lambda: 0.1, weighted: true, biases: true, mu: 3, otherBiases: true }) }));
    for (const r of results.slice(1)) {
      expect(kernelRelError(r.imp.X, results[0].imp.X), `${r.v} vs ${results[0].v}`).toBeLessThan(1e-9);
      expect(kernelRelError(r.exp.X, results[0].exp.X), `${r.v} vs ${results[0].v}`).toBeLessThan(1e-9);
      expect(kernelRelError(r.exp.bias, results[0].exp.bias), `${r.v} vs ${results[0].v}`).toBeLessThan(1e-9);
    }
  });
});

describe('scratchBytes', () => {
  it('is enough for every k and row length, and grows with both', () => {
    for (const rt of wasm) {
      let prev = 0;
      for (let k = 1; k <= 260; k++) {
        const b = rt.exports.scratchBytes(k, 50);
        expect(b, `${rt.variant} k=${k}`).toBeGreaterThanOrEqual(prev);
        expect(rt.exports.scratchBytes(k, 5000)).toBeGreaterThanOrEqual(b);
        prev = b;
      }
    }
  });

  it('leaves the canary after the scratch intact with the longest rows and odd sizes', () => {
    for (const f of [1, 5, 62, 127, 128, 129]) {
      const cols = 600;
      const p = kernelProblem(f, 40 + f, { cols, counts: [cols, 1, 257, 129, 128, 0] });
      for (const rt of wasm) {
        expect(runImplicit(rt, p, 0.1).canaryOk, `${rt.variant} implicit f=${f}`).toBe(true);
        expect(runExplicit(rt, p, { lambda: 0.1, weighted: false, biases: true, mu: 0, otherBiases: false }).canaryOk, `${rt.variant} explicit+bias f=${f}`).toBe(true);
      }
    }
  });
});
