/**
 * `train(data, { tune })`: the search runs on held-out pairs of the training data only,
 * keeps what the caller fixed, reports every run, respects its budget, and the model is the
 * refit with the winner (issue 13).
 */
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import type { TrainProgress } from '../../src/train/options.js';
import { generateHeavyTailed } from '../../src/data/heavy-tailed.js';
import { splitInteractions } from '../../src/data/split.js';
import { parseText } from '../../src/data/parse.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { evaluateModel } from '../../src/select/evaluate.js';
import { clearMargin } from '../../src/select/tune.js';

const implicitData = generateHeavyTailed({ users: 400, items: 300, meanPerUser: 15, countMedian: 5, countSpread: 1.5, whales: 1, whaleItems: 200, seed: 3 });

describe('tune', () => {
  it('asks a challenger to win by more where the held-out score is noisier (fewer users, lower score), never by less than 1 %', () => {
    expect(clearMargin(0.15, 2000, true)).toBeCloseTo(0.5 * Math.sqrt(0.85 / 300), 12);
    expect(clearMargin(0.3, 943, true)).toBeGreaterThan(clearMargin(0.3, 2000, true));
    expect(clearMargin(0.15, 2000, true)).toBeGreaterThan(clearMargin(0.3, 2000, true));
    expect(clearMargin(0.9, 1e6, true)).toBe(0.01);
    // RMSE, MAE and the mean percentile rank: the fixed 1 %.
    expect(clearMargin(0.9, 10, false)).toBe(0.01);
    expect(clearMargin(Number.NaN, 100, true)).toBe(0.01);
  });

  it('searches λ, α, the confidence form and iterations, reports every run, and refits with the winner', async () => {
    const events: TrainProgress[] = [];
    const { model, report } = await train(implicitData, { feedback: 'implicit', factors: 8, workers: 1, tune: { budgetSeconds: 30 }, onProgress: (p) => events.push(p) });
    const t = report.tuned!;
    expect(t.metric).toBe('ndcg');
    expect(t.trials.length).toBeGreaterThanOrEqual(6);
    expect(events.filter((e) => e.stage === 'tune')).toHaveLength(t.trials.length);
    // Successive halving: fewer runs at each later rung; the first rung tried both forms.
    const perRung = [0, 1, 2].map((r) => t.trials.filter((x) => x.rung === r).length);
    expect(perRung[0]).toBeGreaterThan(perRung[1]);
    expect(perRung[1]).toBeGreaterThanOrEqual(1);
    expect(new Set(t.trials.filter((x) => x.rung === 0).map((x) => x.params.confidence))).toEqual(new Set(['log', 'linear']));
    // …and both weightings of the counts (as given, BM25).
    expect(new Set(t.trials.filter((x) => x.rung === 0).map((x) => x.params.weighting))).toEqual(new Set(['none', 'bm25']));
    // A fixed option stays fixed in every run.
    for (const x of t.trials) expect(x.params.factors).toBe(8);
    // The score reported is one of the last rung's runs: the best, or the defaults' family when nothing beat it by 1 %.
    const last = t.trials.filter((x) => x.rung === 2 && !Number.isNaN(x.score));
    expect(last.map((x) => x.score)).toContain(t.score);
    expect(t.score).toBeGreaterThanOrEqual(Math.max(...last.map((x) => x.score)) / 1.01);
    // The model is the refit with the winner.
    expect(model.options).toMatchObject({ factors: 8, confidence: t.params.confidence, weighting: t.params.weighting, alpha: t.params.alpha, regularization: t.params.regularization, iterations: t.params.iterations });
    expect(report.regularization).toBe(t.params.regularization);
    expect(t.seconds).toBeLessThanOrEqual(30);
  });

  it('keeps the defaults, λ calibrated as without tune, when the budget ends before any full-length run', async () => {
    const { model, report } = await train(implicitData, { feedback: 'implicit', factors: 8, workers: 1, tune: { budgetSeconds: 0.01 } });
    const plain = await train(implicitData, { feedback: 'implicit', factors: 8, workers: 1 });
    const t = report.tuned!;
    expect(t.fallback).toBe('defaults');
    expect(t.trials.every((x) => x.rung < 2)).toBe(true);
    expect(t.params).toMatchObject({ factors: 8, confidence: 'log', alpha: 2, weighting: 'none', iterations: 15 });
    expect(report.regularization).toBe(plain.report.regularization);
    expect(Array.from(model.params.itemFactors)).toEqual(Array.from(plain.model.params.itemFactors));
  });

  it('keeps a λ and an α the caller gives in every run and in the refit', async () => {
    const { report } = await train(implicitData, { feedback: 'implicit', factors: 8, regularization: 5, alpha: 3, workers: 1, tune: { budgetSeconds: 5 } });
    const t = report.tuned!;
    expect(t.trials.length).toBeGreaterThan(0);
    for (const x of t.trials) {
      expect(x.params.regularization).toBe(5);
      expect(x.params.alpha).toBe(3);
    }
    expect(t.params.regularization).toBe(5);
    expect(report.regularization).toBe(5);
  });

  it('finds a model at least as good as a badly chosen fixed λ, scored on pairs it never saw', async () => {
    const split = splitInteractions(implicitData, { method: 'per-user', fraction: 0.2, seed: 9 });
    const tuned = await train(split.train, { feedback: 'implicit', factors: 8, workers: 1, tune: { budgetSeconds: 20 } });
    const bad = await train(split.train, { feedback: 'implicit', factors: 8, workers: 1, regularization: 1e-3, confidence: 'linear', alpha: 50 });
    const score = (m: typeof bad.model) => (evaluateModel(m, split.test) as { ndcg: number }).ndcg;
    expect(score(tuned.model)).toBeGreaterThan(score(bad.model));
  });

  it('tunes ratings too: λ (ALS-WR) and biases, scored by RMSE', async () => {
    const data = generateSynthetic({ users: 200, items: 120, interactions: 5000, feedback: 'explicit', rank: 3, seed: 4, minPerUser: 10 });
    const { model, report } = await train(data, { feedback: 'explicit', factors: 6, workers: 1, tune: { budgetSeconds: 20 } });
    const t = report.tuned!;
    expect(t.metric).toBe('rmse');
    expect(new Set(t.trials.map((x) => x.params.biases))).toEqual(new Set([true, false]));
    for (const x of t.trials) expect(x.params.alpha).toBeUndefined();
    expect(model.options).toMatchObject({ biases: t.params.biases, regularization: t.params.regularization });
    const last = t.trials.filter((x) => x.rung === 2 && !Number.isNaN(x.score)).map((x) => x.score);
    expect(last).toContain(t.score);
    expect(t.score).toBeLessThanOrEqual(Math.min(...last) * 1.01);
  });

  it('refuses bad tune options and data too small to hold any part out', async () => {
    await expect(train(implicitData, { tune: { budgetSeconds: 0 } })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'tune.budgetSeconds' } });
    await expect(train(implicitData, { feedback: 'implicit', tune: { metric: 'rmse' } })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'tune.metric' } });
    await expect(train(implicitData, { tune: { budget: 5 } as never })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    const tiny = parseText('a,x,1\na,y,2\nb,x,1\nb,z,3\n');
    await expect(train(tiny, { feedback: 'implicit', tune: true })).rejects.toMatchObject({ code: 'EMPTY_DATA' });
  });

  it('stops with an AbortError when cancelled mid-search', async () => {
    const controller = new AbortController();
    const run = train(implicitData, { feedback: 'implicit', factors: 8, workers: 1, tune: { budgetSeconds: 30 }, signal: controller.signal, onProgress: (p) => p.stage === 'tune' && p.trial === 2 && controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});
