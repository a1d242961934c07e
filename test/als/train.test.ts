import { describe, expect, it } from 'vitest';
import { resolveTrainOptions, type TrainOptions, type TrainProgress } from '../../src/train/options.js';
import { trainFactors } from '../../src/train/train.js';
import { isAlsError } from '../../src/errors.js';
import { kernelVariantsAvailable } from '../../src/wasm/kernels.js';
import type { KernelVariant } from '../../src/wasm/abi.js';
import { checkerboard, matrixFrom, plantedRatings, randomEntries } from '../helpers/als-fixtures.js';
import { referenceAls, relativeDistance, type RefOptions } from '../helpers/reference-als.js';

const variants: KernelVariant[] = await kernelVariantsAvailable();

function run(m: number, n: number, entries: Parameters<typeof matrixFrom>[2], o: TrainOptions, kernels: KernelVariant) {
  const opts = resolveTrainOptions({ ...o, kernels }, o.feedback ?? 'implicit');
  return trainFactors(matrixFrom(m, n, entries), opts);
}

/** Cases compared against the dense reference ALS. */
const cases: { name: string; m: number; n: number; value: (r: { next(): number; normal(): number }) => number; o: RefOptions }[] = [
  { name: 'implicit linear', m: 9, n: 7, value: (r) => 1 + Math.floor(5 * r.next()), o: { feedback: 'implicit', factors: 3, regularization: 0.1, alpha: 2, confidence: 'linear', iterations: 4, seed: 3 } },
  { name: 'implicit log, with negatives', m: 8, n: 11, value: (r) => (r.next() < 0.2 ? -2 : 1 + 10 * r.next()), o: { feedback: 'implicit', factors: 5, regularization: 0.3, alpha: 3, confidence: 'log', epsilon: 0.5, iterations: 3, seed: 9 } },
  { name: 'implicit f=16', m: 20, n: 17, value: (r) => 1 + 3 * r.next(), o: { feedback: 'implicit', factors: 16, regularization: 0.05, alpha: 5, confidence: 'linear', iterations: 3, seed: 1 } },
  { name: 'explicit plain', m: 10, n: 8, value: (r) => 1 + Math.floor(5 * r.next()), o: { feedback: 'explicit', factors: 2, regularization: 0.2, weightedRegularization: false, biases: false, iterations: 5, seed: 4 } },
  { name: 'explicit ALS-WR', m: 12, n: 9, value: (r) => 1 + 4 * r.next(), o: { feedback: 'explicit', factors: 4, regularization: 0.05, weightedRegularization: true, biases: false, iterations: 5, seed: 5 } },
  { name: 'explicit with biases', m: 11, n: 10, value: (r) => 1 + Math.floor(5 * r.next()), o: { feedback: 'explicit', factors: 3, regularization: 0.1, weightedRegularization: false, biases: true, iterations: 5, seed: 6 } },
  { name: 'explicit biases + ALS-WR, f=7', m: 15, n: 12, value: (r) => 1 + 4 * r.next(), o: { feedback: 'explicit', factors: 7, regularization: 0.02, biases: true, weightedRegularization: true, iterations: 4, seed: 7 } },
];

describe.each(variants)('ALS with %s kernels', (kernels) => {
  it.each(cases)('matches the dense reference ALS: $name', async ({ m, n, value, o }) => {
    const entries = randomEntries(m, n, o.seed * 31 + m, value, 1, Math.min(n, o.feedback === 'explicit' ? 7 : 5));
    const ref = referenceAls(m, n, entries, o);
    const { factors, report } = await run(m, n, entries, o, kernels);
    expect(relativeDistance(factors.userFactors, ref.X)).toBeLessThan(1e-8);
    expect(relativeDistance(factors.itemFactors, ref.Y)).toBeLessThan(1e-8);
    if (ref.bu) {
      expect(relativeDistance(factors.userBiases!, ref.bu)).toBeLessThan(1e-8);
      expect(relativeDistance(factors.itemBiases!, ref.bi!)).toBeLessThan(1e-8);
      expect(factors.globalMean).toBeCloseTo(ref.mu, 12);
    }
    expect(report.loss).toHaveLength(o.iterations);
    for (let t = 0; t < o.iterations; t++) expect(Math.abs(report.loss[t] - ref.loss[t]) / ref.loss[t]).toBeLessThan(1e-9);
  });

  it('decreases the loss monotonically (implicit and explicit)', async () => {
    for (const feedback of ['implicit', 'explicit'] as const) {
      const entries = randomEntries(60, 40, 11, (r) => 1 + Math.floor(5 * r.next()), 2, 12);
      const { report } = await run(60, 40, entries, { feedback, factors: 8, regularization: 0.1, iterations: 12, ...(feedback === 'explicit' ? { biases: true } : {}) }, kernels);
      for (let t = 1; t < report.loss.length; t++) expect(report.loss[t]).toBeLessThanOrEqual(report.loss[t - 1] * (1 + 1e-12));
    }
  });

  it('recovers planted low-rank ratings to near the noise level', async () => {
    const noise = 0.1;
    const { train, test } = plantedRatings(120, 90, 3, 0.35, noise, 21);
    const { factors } = await run(120, 90, train, { feedback: 'explicit', factors: 3, regularization: 0.05, biases: true, iterations: 25 }, kernels);
    let se = 0;
    for (const e of test) {
      let s = factors.globalMean + factors.userBiases![e.u] + factors.itemBiases![e.i];
      for (let a = 0; a < 3; a++) s += factors.userFactors[e.u * 3 + a] * factors.itemFactors[e.i * 3 + a];
      se += (e.r - s) ** 2;
    }
    const rmse = Math.sqrt(se / test.length);
    expect(rmse).toBeLessThan(2 * noise);
  });

  it('ranks the withheld diagonal first on the checkerboard', async () => {
    const size = 50;
    const { factors } = await run(size, size, checkerboard(size), { feedback: 'implicit', factors: 8, regularization: 0.1, alpha: 10, confidence: 'linear', iterations: 20 }, kernels);
    const f = 8;
    for (let u = 0; u < size; u++) {
      let best = -1;
      let bestScore = -Infinity;
      for (let i = 0; i < size; i++) {
        if (u % 2 === i % 2 && u !== i) continue; // seen
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
});

describe('training behaviour', () => {
  const entries = randomEntries(40, 30, 5, (r) => 1 + 4 * r.next(), 2, 8);

  it('gives bit-identical factors for the same seed, different ones for another seed', async () => {
    const a = await run(40, 30, entries, { factors: 6, iterations: 3, seed: 7 }, 'reference');
    const b = await run(40, 30, entries, { factors: 6, iterations: 3, seed: 7 }, 'reference');
    const c = await run(40, 30, entries, { factors: 6, iterations: 3, seed: 8 }, 'reference');
    expect(Buffer.from(a.factors.userFactors.buffer).equals(Buffer.from(b.factors.userFactors.buffer))).toBe(true);
    expect(Buffer.from(a.factors.itemFactors.buffer).equals(Buffer.from(b.factors.itemFactors.buffer))).toBe(true);
    expect(relativeDistance(a.factors.itemFactors, c.factors.itemFactors)).toBeGreaterThan(1e-3);
  });

  it('gives identical factors across the WASM builds up to rounding', async () => {
    const results = await Promise.all(variants.map((v) => run(40, 30, entries, { factors: 16, iterations: 3 }, v)));
    for (const r of results.slice(1)) expect(relativeDistance(r.factors.itemFactors, results[0].factors.itemFactors)).toBeLessThan(1e-9);
  });

  it('keeps the restart with the lowest loss', async () => {
    const { report } = await run(40, 30, entries, { feedback: 'explicit', factors: 6, iterations: 3, restarts: 3 }, 'reference');
    expect(report.restartLosses).toHaveLength(3);
    const best = Math.min(...report.restartLosses);
    expect(report.restartLosses[report.bestRestart]).toBe(best);
    expect(report.loss[report.loss.length - 1]).toBe(best);
  });

  it('stops when the relative loss change falls below the tolerance', async () => {
    const { report } = await run(40, 30, entries, { factors: 4, iterations: 200, tolerance: 1e-4 }, variants[0]);
    expect(report.converged).toBe(true);
    expect(report.iterations).toBeLessThan(200);
    const L = report.loss;
    expect(Math.abs(L[L.length - 2] - L[L.length - 1]) / L[L.length - 1]).toBeLessThan(1e-4);
  });

  it('reports progress per chunk and per iteration', async () => {
    const events: TrainProgress[] = [];
    const opts = resolveTrainOptions({ factors: 4, iterations: 2, kernels: 'reference' }, 'implicit');
    await trainFactors(matrixFrom(40, 30, entries), opts, { onProgress: (p) => events.push(p) });
    expect(events[0].stage).toBe('init');
    expect(events.filter((e) => e.stage === 'iteration')).toHaveLength(2);
    const sweeps = events.filter((e) => e.stage === 'sweep');
    expect(sweeps.some((e) => e.stage === 'sweep' && e.side === 'users' && e.rowsDone === 40)).toBe(true);
    expect(sweeps.some((e) => e.stage === 'sweep' && e.side === 'items' && e.rowsDone === 30)).toBe(true);
    expect(events[events.length - 1].stage).toBe('done');
  });

  it('cancels with an AbortError', async () => {
    const big = randomEntries(400, 300, 2, () => 1, 5, 40);
    const controller = new AbortController();
    const opts = resolveTrainOptions({ factors: 32, iterations: 1000, kernels: 'reference' }, 'implicit');
    const p = trainFactors(matrixFrom(400, 300, big), opts, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.stage === 'iteration') controller.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('names the row and suggests regularization when a system is not positive definite', async () => {
    // λ = 0 and a user with one rating cannot determine 3 factors.
    const few = [{ u: 0, i: 0, r: 4 }, ...randomEntries(10, 6, 3, () => 3, 5, 6).filter((e) => e.u !== 0)];
    const opts = resolveTrainOptions({ feedback: 'explicit', factors: 3, regularization: 0, iterations: 2, kernels: variants[0] }, 'explicit');
    const err = await trainFactors(matrixFrom(10, 6, few), opts).catch((e) => e);
    expect(isAlsError(err)).toBe(true);
    expect(err.code).toBe('NOT_POSITIVE_DEFINITE');
    expect(err.details).toMatchObject({ side: 'users', row: 0 });
    expect(err.message).toMatch(/regularization > 0/);
  });

  it('gives users without interactions zero factors', async () => {
    const withEmpty = randomEntries(10, 8, 4, () => 2, 1, 4).filter((e) => e.u !== 3);
    for (const feedback of ['implicit', 'explicit'] as const) {
      const { factors } = await run(10, 8, withEmpty, { feedback, factors: 3, iterations: 2 }, variants[0]);
      expect(Array.from(factors.userFactors.subarray(9, 12))).toEqual([0, 0, 0]);
    }
  });

  it('rejects empty data', async () => {
    const opts = resolveTrainOptions({}, 'implicit');
    await expect(trainFactors(matrixFrom(3, 3, []), opts)).rejects.toMatchObject({ code: 'EMPTY_DATA' });
  });
});
