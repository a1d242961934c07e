/**
 * Engine features the demo page uses: held-out validation after every iteration
 * (`validation` with a dataset handle) and cross-validation on a held dataset, in-thread (the
 * worker forwards the same methods).
 */
import { describe, expect, it } from 'vitest';
import { builtinDataset, createRecommender, type TrainProgress } from '../../src/index.js';

type ValidationEvent = Extract<TrainProgress, { stage: 'validation' }>;

describe('Engine.train with validation', () => {
  it('scores the held-out data after every iteration; the best score equals evaluate() on the kept model', async () => {
    const rec = await createRecommender({ inThread: true });
    const data = await rec.load(builtinDataset().events);
    const { train, test } = await rec.split(data, { method: 'per-user', fraction: 0.2, seed: 3 });
    const held: ValidationEvent[] = [];
    const iterations: TrainProgress[] = [];
    const summary = await rec.train(train, {
      factors: 8,
      iterations: 4,
      alpha: 10,
      validation: { data: test, metric: 'precision', k: 10 },
      onProgress: (p) => (p.stage === 'validation' ? held.push(p) : p.stage === 'iteration' && iterations.push(p)),
    });
    expect(held.map((h) => h.iteration)).toEqual([1, 2, 3, 4]);
    expect(iterations).toHaveLength(4);
    const final = (await rec.evaluate(test, { k: 10 })) as { precision: number };
    expect(final.precision).toBe(summary.validation!.best!.value);
    expect(final.precision).toBe(Math.max(...held.map((h) => h.value)));
    // Planted tastes: ranking is far better than random (10 of 300 items ⇒ precision ≈ 0.03).
    expect(final.precision).toBeGreaterThan(0.06);
    await rec.dispose();
  });

  it('without validation, no validation events; an unknown validation handle is a BAD_OPTION', async () => {
    const rec = await createRecommender({ inThread: true });
    const data = await rec.load(builtinDataset().events);
    const held: TrainProgress[] = [];
    const summary = await rec.train(data, { factors: 4, iterations: 2, onProgress: (p) => p.stage === 'validation' && held.push(p) });
    expect(held).toEqual([]);
    expect(summary.validation).toBeUndefined();
    await expect(rec.train(data, { factors: 4, iterations: 2, validation: { data: 999 } })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await rec.dispose();
  });
});

describe('Engine.crossValidate', () => {
  it('runs a grid on a held dataset, reports progress, and a refit becomes the current model', async () => {
    const rec = await createRecommender({ inThread: true });
    const data = await rec.load(builtinDataset().events);
    const stages: string[] = [];
    const cv = await rec.crossValidate(data, { base: { iterations: 3, alpha: 10 }, grid: { factors: [4, 8] }, folds: 3, metric: 'ndcg', refit: true, compareDefaults: false, onProgress: (p) => stages.push(p.stage) });
    expect(cv.trials).toHaveLength(2);
    expect(cv.folds).toBe(3);
    expect(cv.model).toMatchObject({ factors: cv.best.params.factors });
    expect(stages.filter((s) => s === 'trial-done')).toHaveLength(2);
    expect(stages.filter((s) => s === 'trial')).toHaveLength(6);
    const info = await rec.info();
    expect(info.model?.factors).toBe(cv.best.params.factors);
    await rec.dispose();
  });

  it('cancels with an AbortError and keeps the previous model', async () => {
    const rec = await createRecommender({ inThread: true });
    const data = await rec.load(builtinDataset().events);
    await rec.train(data, { factors: 6, iterations: 2 });
    const controller = new AbortController();
    const run = rec.crossValidate(data, { base: { iterations: 50 }, grid: { factors: [16, 32] }, folds: 5, refit: true, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect((await rec.info()).model?.factors).toBe(6);
    await rec.dispose();
  });
});
