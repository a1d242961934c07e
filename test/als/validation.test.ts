/**
 * Held-out validation during training: a score per iteration, the best iteration's factors
 * kept, early stopping with patience, restarts compared on the held-out score, options checked.
 */
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import type { TrainProgress } from '../../src/train/options.js';
import { splitInteractions } from '../../src/data/split.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { evaluateModel } from '../../src/select/evaluate.js';
import { crossValidate } from '../../src/api/cross-validate.js';

// Noisy ratings and many factors: the held-out RMSE bottoms out after a few iterations, then rises (measured).
const explicitData = generateSynthetic({ users: 300, items: 120, interactions: 4000, feedback: 'explicit', rank: 5, seed: 5, minPerUser: 8, noise: 0.8 });
const explicitSplit = splitInteractions(explicitData, { method: 'per-user', fraction: 0.2, seed: 3 });
const implicitData = generateSynthetic({ users: 150, items: 120, interactions: 3000, feedback: 'implicit', rank: 3, seed: 6, minPerUser: 8 });
const implicitSplit = splitInteractions(implicitData, { method: 'per-user', fraction: 0.2, seed: 4 });

describe('train with validation', () => {
  it('scores every iteration, reports it as progress, and keeps the best iteration’s factors', async () => {
    const events: TrainProgress[] = [];
    // Many factors and almost no regularisation over-fit: the held-out RMSE rises after a few iterations.
    const { model, report } = await train(explicitSplit.train, {
      feedback: 'explicit',
      factors: 32,
      regularization: 0.05,
      weightedRegularization: false,
      biases: false,
      iterations: 12,
      validation: { data: explicitSplit.test },
      onProgress: (p) => events.push(p),
    });
    const v = report.validation!;
    expect(v.metric).toBe('rmse');
    expect(v.history.map((p) => p.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // The rating model's run watches RMSE; its ranking head's run (the default for ratings) watches NDCG@10.
    expect(events.filter((e) => e.stage === 'validation' && e.metric === 'rmse')).toHaveLength(12);
    expect(events.filter((e) => e.stage === 'validation' && e.metric === 'ndcg')).toHaveLength(12);
    expect(report.ranking?.validation?.metric).toBe('ndcg');
    const values = v.history.map((p) => p.value);
    expect(v.best!.value).toBe(Math.min(...values));
    // The model holds the best iteration, not the last: its held-out RMSE is the best one, exactly.
    const rmse = (evaluateModel(model, explicitSplit.test) as { rmse: number }).rmse;
    expect(rmse).toBeCloseTo(v.best!.value, 12);
    expect(v.best!.iteration).toBeLessThan(12); // it did over-fit: the last iteration is not the best
    expect(values[11]).toBeGreaterThan(v.best!.value);
    expect(v.stoppedEarly).toBe(false);
  });

  it('stops a restart after `patience` evaluations without improvement', async () => {
    const { report } = await train(explicitSplit.train, {
      feedback: 'explicit',
      factors: 32,
      regularization: 0.05,
      weightedRegularization: false,
      biases: false,
      iterations: 40,
      validation: { data: explicitSplit.test, patience: 2 },
    });
    const v = report.validation!;
    expect(v.stoppedEarly).toBe(true);
    expect(report.iterations).toBeLessThan(40);
    expect(report.iterations).toBe(v.best!.iteration + 2);
  });

  it('evaluates every `every` iterations with a ranking metric for implicit feedback', async () => {
    const events: TrainProgress[] = [];
    const { report } = await train(implicitSplit.train, {
      feedback: 'implicit',
      factors: 8,
      alpha: 5,
      iterations: 6,
      validation: { data: implicitSplit.test, metric: 'recall', k: 5, every: 2 },
      onProgress: (p) => events.push(p),
    });
    expect(report.validation!.history.map((p) => p.iteration)).toEqual([2, 4, 6]);
    expect(report.validation!.metric).toBe('recall');
    for (const p of report.validation!.history) expect(p.value).toBeGreaterThan(0);
    const ev = events.filter((e) => e.stage === 'validation');
    expect(ev).toHaveLength(3);
    expect(ev[2]).toMatchObject({ metric: 'recall', iteration: 6 });
  });

  it('keeps the restart with the best held-out score', async () => {
    const { report } = await train(explicitSplit.train, {
      feedback: 'explicit',
      factors: 16,
      regularization: 0.01,
      iterations: 4,
      restarts: 3,
      validation: { data: explicitSplit.test },
    });
    const v = report.validation!;
    const bestPerRestart = [0, 1, 2].map((r) => Math.min(...v.history.filter((p) => p.restart === r).map((p) => p.value)));
    expect(report.bestRestart).toBe(bestPerRestart.indexOf(Math.min(...bestPerRestart)));
    expect(v.best!.restart).toBe(report.bestRestart);
  });

  it('refuses bad validation options, naming the field', async () => {
    await expect(train(explicitSplit.train, { feedback: 'explicit', validation: { data: explicitSplit.test, metric: 'accuracy' as never } })).rejects.toMatchObject({
      code: 'BAD_OPTION',
      details: { option: 'validation.metric' },
    });
    await expect(train(explicitSplit.train, { feedback: 'explicit', validation: { data: explicitSplit.test, metric: 'rmse', relevant: 'four' as never } })).rejects.toMatchObject({
      code: 'BAD_OPTION',
      details: { option: 'validation.relevant' },
    });
    await expect(train(explicitSplit.train, { feedback: 'explicit', validation: { data: explicitSplit.test, patience: -1 } })).rejects.toMatchObject({
      code: 'BAD_OPTION',
      details: { option: 'validation.patience' },
    });
    await expect(train(explicitSplit.train, { validation: { data: 'nope' as never } })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'validation.data' } });
  });
});

describe('crossValidate with early stopping', () => {
  it('reports each fold’s best iteration and refits for their median', async () => {
    const cv = await crossValidate(explicitData, {
      base: { feedback: 'explicit', factors: 32, regularization: 0.05,
      weightedRegularization: false, biases: false, iterations: 30 },
      folds: 3,
      patience: 2,
      refit: true,
      seed: 7,
    });
    const its = cv.trials[0].bestIterations!;
    expect(its).toHaveLength(3);
    for (const i of its) expect(i).toBeLessThan(30);
    const median = [...its].sort((a, b) => a - b)[1];
    expect(cv.model!.report!.iterations).toBe(median);
  });

  it('refuses a bad patience', async () => {
    await expect(crossValidate(explicitData, { patience: 0 })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'patience' } });
  });
});
