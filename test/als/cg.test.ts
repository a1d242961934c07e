/**
 * The conjugate-gradient solvers: the implicit kernel converges to the Cholesky solution as
 * steps grow, every build agrees with the TypeScript reference, and ALS with CG behaves like
 * ALS, for implicit and explicit feedback (the explicit kernel's own cases are in
 * test/kernels/solvers.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { jobSolvers } from '../helpers/job-solvers.js';
import { resolveTrainOptions } from '../../src/train/options.js';
import { Rng } from '../../src/util/rng.js';
import { trainFactors } from '../../src/train/train.js';
import type { KernelVariant } from '../../src/wasm/abi.js';
import { kernelVariantsAvailable, loadKernels, type KernelRuntime } from '../../src/wasm/kernels.js';
import { checkerboard, matrixFrom, plantedRatings, randomEntries } from '../helpers/als-fixtures.js';
import { relativeDistance } from '../helpers/reference-als.js';

const variants: KernelVariant[] = await kernelVariantsAvailable();

/** One implicit half-step problem laid out in a runtime; `solve` runs a solver on a copy of X0. */
function problem(rt: KernelRuntime, f: number, seed: number) {
  const rng = new Rng(seed);
  const rows = 25;
  const cols = 40;
  const indptr = [0];
  const indices: number[] = [];
  const conf: number[] = [];
  for (let r = 0; r < rows; r++) {
    const count = r === 4 ? 0 : 1 + rng.int(r % 5 === 0 ? cols : 12);
    const picked = new Set<number>();
    while (picked.size < count) picked.add(rng.int(cols));
    for (const c of [...picked].sort((a, b) => a - b)) {
      indices.push(c);
      conf.push(rng.next() < 0.1 ? -(1 + 5 * rng.next()) : 1 + 30 * rng.next());
    }
    indptr.push(indices.length);
  }
  const a = rt.arena;
  a.reset();
  const Y = a.putF64(Float64Array.from({ length: cols * f }, () => rng.normal() * 0.3));
  const G = a.alloc(8 * f * f);
  rt.exports.gramian(Y, cols, f, G);
  const X0 = Float64Array.from({ length: rows * f }, () => rng.normal() * 0.1);
  const X = a.alloc(8 * rows * f);
  const ptr = { indptr: a.putI32(indptr), indices: a.putI32(indices), conf: a.putF32(conf) };
  const scratch = a.alloc(Math.max(rt.exports.scratchBytes(f, cols), rt.exports.scratchBytesCG(f, cols)));
  return {
    rows,
    solve(kind: 'cholesky' | number): Float64Array {
      a.f64(X, rows * f).set(X0);
      const status =
        kind === 'cholesky'
          ? jobSolvers(rt).solveImplicitRows(X, Y, G, ptr.indptr, ptr.indices, ptr.conf, f, 0.1, 0, rows, scratch, 0)
          : jobSolvers(rt).solveImplicitRowsCG(X, Y, G, ptr.indptr, ptr.indices, ptr.conf, f, 0.1, kind, 0, rows, scratch, 0, 0, 0);
      expect(status).toBe(-1);
      return a.f64(X, rows * f).slice();
    },
    /** A solver with `lossOut`, split at `cut` into two calls: the two shares, and implicitLossRows minus Σ x·YtY·x at the result. */
    lossShares(kind: 'cholesky' | number, cut: number): { shares: number[]; expected: number } {
      a.f64(X, rows * f).set(X0);
      const out = a.alloc(16);
      const shares = [
        [0, cut],
        [cut, rows],
      ].map(([r0, r1]) => {
        a.f64(out, 1)[0] = NaN;
        const status =
          kind === 'cholesky'
            ? jobSolvers(rt).solveImplicitRows(X, Y, G, ptr.indptr, ptr.indices, ptr.conf, f, 0.1, r0, r1, scratch, out)
            : jobSolvers(rt).solveImplicitRowsCG(X, Y, G, ptr.indptr, ptr.indices, ptr.conf, f, 0.1, kind, r0, r1, scratch, out, 0, 0);
        expect(status).toBe(-1);
        return a.f64(out, 1)[0];
      });
      const x = a.f64(X, rows * f).slice();
      const g = a.f64(G, f * f).slice();
      let quad = 0;
      for (let r = 0; r < rows; r++) for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) quad += x[r * f + i] * g[i * f + j] * x[r * f + j];
      return { shares, expected: rt.exports.implicitLossRows(X, Y, G, ptr.indptr, ptr.indices, ptr.conf, f, 0, rows) - quad };
    },
  };
}

describe.each(variants)('conjugate gradient with %s kernels', (variant) => {
  it.each([1, 3, 8, 16, 33])('converges to the Cholesky solution as steps grow (f = %i)', async (f) => {
    const rt = await loadKernels({ variant });
    const p = problem(rt, f, 100 + f);
    const exact = p.solve('cholesky');
    const errors = [1, 3, f, 4 * f + 10].map((steps) => relativeDistance(p.solve(steps), exact));
    expect(errors[errors.length - 1]).toBeLessThan(1e-8);
    // More steps never end farther away (CG minimises the A-norm error; allow rounding).
    for (let t = 1; t < errors.length; t++) expect(errors[t]).toBeLessThanOrEqual(errors[t - 1] * 1.5 + 1e-12);
    // One step is exact in one dimension; beyond that a single step is not enough.
    if (f > 1) expect(errors[0]).toBeGreaterThan(1e3 * errors[errors.length - 1]);
  });
});

describe.each(variants)('the loss share of the implicit solvers with %s kernels', (variant) => {
  for (const kind of [3, 'cholesky'] as const) {
    it.each([1, 4, 7, 16])(`${kind === 'cholesky' ? 'Cholesky' : 'CG'}: adds up, over two calls, to implicitLossRows at the new factors, less Σ x·YtY·x (f = %i)`, async (f) => {
      const rt = await loadKernels({ variant });
      const p = problem(rt, f, 300 + f);
      const { shares, expected } = p.lossShares(kind, 11);
      expect(shares.every(Number.isFinite)).toBe(true);
      expect(Math.abs(shares[0] + shares[1] - expected)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
    });
  }
});

describe('conjugate gradient across builds', () => {
  it('every WASM build matches the TypeScript reference to 1e-9', async () => {
    const ref = problem(await loadKernels({ variant: 'reference' }), 16, 7).solve(3);
    for (const v of variants.filter((x) => x !== 'reference')) {
      const got = problem(await loadKernels({ variant: v }), 16, 7).solve(3);
      expect(relativeDistance(got, ref), v).toBeLessThan(1e-9);
    }
  });
});

describe('ALS with solver: cg', () => {
  const entries = randomEntries(80, 60, 3, (r) => 1 + Math.floor(5 * r.next()), 2, 15);

  it('decreases the loss monotonically and ends near the Cholesky loss', async () => {
    const run = async (solver: 'cg' | 'cholesky') => {
      const opts = resolveTrainOptions({ feedback: 'implicit', factors: 10, alpha: 5, regularization: 0.1, iterations: 25, solver, ...(solver === 'cg' ? { cgSteps: 3 } : {}) }, 'implicit');
      return (await trainFactors(matrixFrom(80, 60, entries), opts)).report.loss;
    };
    const cg = await run('cg');
    const exact = await run('cholesky');
    for (let t = 1; t < cg.length; t++) expect(cg[t]).toBeLessThanOrEqual(cg[t - 1] * (1 + 1e-12));
    expect(Math.abs(cg[cg.length - 1] - exact[exact.length - 1]) / exact[exact.length - 1]).toBeLessThan(0.01);
  });

  // Mixed CG sums the loss from s = y·x over the f32 copy of the other side: f32 rounding of y
  // (relative 2⁻²⁴ per factor) moves each s, and the loss, by ~1e-8 at most (1.7e-9 seen here).
  it.each([
    ['cg', 'f64', 1e-9],
    ['cg', 'mixed', 1e-7],
    ['cholesky', 'f64', 1e-9],
  ] as const)('%s (%s): reports, with 1 and 2 workers, the dense implicit loss of the factors it returns', async (solver, precision, tolerance) => {
    // The item half-step sums the loss as it solves; check it against the textbook sum.
    const m = 80;
    const n = 60;
    const alpha = 5;
    const lambda = 0.1;
    const value = new Map(entries.map((e) => [e.u * n + e.i, e.r]));
    for (const workers of [1, 2]) {
      const opts = resolveTrainOptions({ feedback: 'implicit', factors: 6, alpha, confidence: 'linear', regularization: lambda, iterations: 4, solver, workers, ...(solver === 'cg' ? { precision } : {}) }, 'implicit');
      const { factors, report } = await trainFactors(matrixFrom(m, n, entries), opts);
      const { userFactors: X, itemFactors: Y } = factors;
      let loss = 0;
      for (let u = 0; u < m; u++) {
        for (let i = 0; i < n; i++) {
          const r = value.get(u * n + i);
          let s = 0;
          for (let a = 0; a < 6; a++) s += X[u * 6 + a] * Y[i * 6 + a];
          loss += r === undefined ? s * s : Math.abs(1 + alpha * r) * ((r > 0 ? 1 : 0) - s) ** 2;
        }
      }
      loss += lambda * (X.reduce((t, v) => t + v * v, 0) + Y.reduce((t, v) => t + v * v, 0));
      expect(Math.abs(report.loss[report.loss.length - 1] - loss) / loss, `${workers} workers`).toBeLessThan(tolerance);
    }
  });

  it('ranks the withheld diagonal first on the checkerboard', async () => {
    const size = 50;
    const opts = resolveTrainOptions({ feedback: 'implicit', factors: 8, regularization: 0.1, alpha: 10, iterations: 20, solver: 'cg' }, 'implicit');
    const { factors } = await trainFactors(matrixFrom(size, size, checkerboard(size)), opts);
    const f = 8;
    for (let u = 0; u < size; u++) {
      let best = -1;
      let bestScore = -Infinity;
      for (let i = 0; i < size; i++) {
        if (u % 2 === i % 2 && u !== i) continue;
        let s = 0;
        for (let a = 0; a < f; a++) s += factors.userFactors[u * f + a] * factors.itemFactors[i * f + a];
        if (s > bestScore) {
          bestScore = s;
          best = i;
        }
      }
      expect(best).toBe(u);
    }
  });

  it('refuses cgSteps outside [1, 100], naming the option', () => {
    expect(() => resolveTrainOptions({ solver: 'cg', cgSteps: 0 }, 'implicit')).toThrow(/"cgSteps" must be an integer in \[1, 100\]/);
    expect(() => resolveTrainOptions({ feedback: 'explicit', solver: 'cg', cgSteps: 101 }, 'explicit')).toThrow(/"cgSteps" must be an integer in \[1, 100\]/);
  });
});

describe('ALS with solver: cg, explicit feedback', () => {
  const entries = randomEntries(80, 60, 5, (r) => 1 + Math.floor(5 * r.next()), 2, 15);
  const run = async (o: Record<string, unknown>, m = 80, n = 60, data = entries) => {
    const opts = resolveTrainOptions({ feedback: 'explicit', factors: 8, iterations: 20, ...o }, 'explicit');
    return trainFactors(matrixFrom(m, n, data), opts);
  };

  it.each([
    { biases: true, weightedRegularization: true, regularization: 0.05 },
    { biases: false, weightedRegularization: false, regularization: 0.5 },
  ])('decreases the loss monotonically, and ends within 0.5 % of the Cholesky loss on planted ratings (biases $biases, ALS-WR $weightedRegularization)', async (o) => {
    // Each step lowers its row's quadratic, so no half-step can raise the loss.
    const random = (await run({ ...o, solver: 'cg', cgSteps: 3 })).report.loss;
    for (let t = 1; t < random.length; t++) expect(random[t]).toBeLessThanOrEqual(random[t - 1] * (1 + 1e-12));
    // Where the optimum is well defined (planted rank 4), both solvers reach the same loss.
    const { train } = plantedRatings(120, 90, 4, 0.35, 0.3, 21);
    const planted = async (solver: 'cg' | 'cholesky') => (await run({ ...o, factors: 6, solver }, 120, 90, train)).report.loss.at(-1)!;
    const exact = await planted('cholesky');
    expect(Math.abs((await planted('cg')) - exact) / exact).toBeLessThan(0.005);
  });

  it('recovers planted low-rank ratings to near the noise level, as Cholesky does', async () => {
    const noise = 0.1;
    const { train, test } = plantedRatings(120, 90, 3, 0.35, noise, 21);
    const rmse = async (solver: 'cg' | 'cholesky') => {
      const { factors } = await run({ factors: 3, regularization: 0.05, biases: true, iterations: 25, solver }, 120, 90, train);
      let se = 0;
      for (const e of test) {
        let s = factors.globalMean + factors.userBiases![e.u] + factors.itemBiases![e.i];
        for (let a = 0; a < 3; a++) s += factors.userFactors[e.u * 3 + a] * factors.itemFactors[e.i * 3 + a];
        se += (e.r - s) ** 2;
      }
      return Math.sqrt(se / test.length);
    };
    const cg = await rmse('cg');
    expect(cg).toBeLessThan(2 * noise);
    expect(cg).toBeLessThan((await rmse('cholesky')) * 1.05);
  });

  it('matches the TypeScript reference kernels (same steps, same sums) to 1e-9', async () => {
    const o = { biases: true, weightedRegularization: true, regularization: 0.05, iterations: 5, solver: 'cg' };
    const ref = (await run({ ...o, kernels: 'reference' })).factors;
    for (const kernels of variants.filter((v) => v !== 'reference')) {
      const got = (await run({ ...o, kernels })).factors;
      expect(relativeDistance(got.userFactors, ref.userFactors), kernels).toBeLessThan(1e-9);
      expect(relativeDistance(got.itemBiases!, ref.itemBiases!), kernels).toBeLessThan(1e-9);
    }
  });
});
