/**
 * Parallel half-steps in headless Chromium: the engine's Web Worker starts nested module
 * workers that share its WebAssembly memory. Where the page is cross-origin isolated (the
 * vitest page is served with COOP/COEP by vite.config.ts), runs with 2 and 3 workers give the
 * losses of 1 worker bit for bit, in the worker and in-thread on the page; where it is not,
 * training falls back to one thread and says why (also covered by the consumer fixture).
 */
import { describe, expect, it } from 'vitest';
import type { TrainSummary } from '../../src/engine/engine.js';
import { createRecommender } from '../../src/worker/client.js';
import { ratingsTsv } from '../engine/scenarios.js';

const isolated = globalThis.crossOriginIsolated === true;

describe('parallel sweeps in Chromium', () => {
  it('this page is cross-origin isolated (COOP/COEP from vite.config.ts), so the pool path is what the next tests run', () => {
    expect(isolated).toBe(true);
  });

  for (const inThread of [false, true]) {
    it(`gives bit-identical losses and factors for 1, 2 and 3 workers (${inThread ? 'in-thread on the page' : 'engine in a Web Worker'})`, async () => {
      const rec = await createRecommender({ inThread });
      try {
        const info = await rec.info();
        expect(info.workers).toBe(Math.min(8, navigator.hardwareConcurrency));
        expect(info.workersNote).toBeUndefined();
        const data = await rec.load(ratingsTsv(), { format: 'tsv' });
        const runs: { workers: number; summary: TrainSummary; predictions: number[] }[] = [];
        for (const [workers, solver, feedback] of [
          [1, 'cholesky', 'explicit'], [2, 'cholesky', 'explicit'], [3, 'cholesky', 'explicit'],
          [1, 'cg', 'implicit'], [2, 'cg', 'implicit'], [3, 'cg', 'implicit'],
          [1, 'cg', 'explicit'], [2, 'cg', 'explicit'], [3, 'cg', 'explicit'],
        ] as const) {
          const summary = await rec.train(data, { feedback, solver, factors: 12, ...(feedback === 'explicit' ? { biases: true } : {}), iterations: 3, workers });
          const predictions = [];
          for (const [u, i] of [['u1', 'i1'], ['u7', 'i30'], ['u100', 'i5']]) predictions.push(await rec.predict(u, i).catch(() => NaN));
          runs.push({ workers, summary, predictions });
        }
        for (const group of [runs.slice(0, 3), runs.slice(3, 6), runs.slice(6)]) {
          for (const r of group) {
            expect(r.summary.workersUsed, `workers ${r.workers}`).toBe(r.workers);
            expect(r.summary.workersNote).toBeUndefined();
            expect(r.summary.loss).toEqual(group[0].summary.loss);
            expect(r.predictions).toEqual(group[0].predictions);
          }
        }
      } finally {
        await rec.dispose();
      }
    });
  }

  it('cancels a parallel run in the worker within ~100 ms, and trains again at once', async () => {
    const rec = await createRecommender();
    try {
      const data = await rec.load(ratingsTsv(), { format: 'tsv' });
      const controller = new AbortController();
      let abortedAt = 0;
      let sweeps = 0;
      const err = await rec
        .train(data, {
          feedback: 'implicit', factors: 48, iterations: 10_000, workers: 2, signal: controller.signal,
          onProgress: (p) => {
            if (p.stage === 'sweep' && ++sweeps === 5) {
              abortedAt = performance.now();
              controller.abort();
            }
          },
        })
        .catch((e: unknown) => e);
      expect((err as Error).name).toBe('AbortError');
      expect(performance.now() - abortedAt).toBeLessThan(500); // ~100 ms target; generous on a shared machine
      const again = await rec.train(data, { feedback: 'implicit', factors: 8, iterations: 2, workers: 2 });
      expect(again.workersUsed).toBe(2);
    } finally {
      await rec.dispose();
    }
  });
});
