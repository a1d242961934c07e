/**
 * k-fold splits (an exact partition of the pairs) and cross-validated search (the planted
 * answer is found, seeded runs repeat, every bad option is named).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idMapFromIds } from '../../src/data/id-map.js';
import { kFoldSplits, type KFoldMethod } from '../../src/data/kfold.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import type { Interactions } from '../../src/data/types.js';
import { crossValidate, type CrossValidateOptions } from '../../src/api/cross-validate.js';

/** Interactions from [user, item, value] rows (duplicates kept, as parsed input would be). */
function interactions(users: number, items: number, rows: [number, number, number][]): Interactions {
  return {
    length: rows.length,
    users: idMapFromIds(Array.from({ length: users }, (_, u) => `u${u}`)),
    items: idMapFromIds(Array.from({ length: items }, (_, i) => `i${i}`)),
    user: Int32Array.from(rows, (r) => r[0]),
    item: Int32Array.from(rows, (r) => r[1]),
    value: Float64Array.from(rows, (r) => r[2]),
    // The row number as timestamp lets the test tell rows apart after the split.
    timestamp: Float64Array.from(rows, (_, j) => j),
    hasValue: true,
    skipped: { count: 0, examples: [] },
    source: 'test',
  };
}

const rowsOf = (d: Interactions) => Array.from(d.timestamp!);

/** Random rows over a small id space (repeats of a pair are likely). */
const arbData = fc
  .record({ users: fc.integer({ min: 1, max: 6 }), items: fc.integer({ min: 1, max: 6 }) })
  .chain(({ users, items }) =>
    fc.record({
      users: fc.constant(users),
      items: fc.constant(items),
      rows: fc.array(fc.tuple(fc.nat(users - 1), fc.nat(items - 1), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 60 }),
    }),
  );

describe('kFoldSplits', () => {
  it('partitions the distinct pairs exactly: each pair in one test fold, all its rows together, train ∪ test = input', () => {
    fc.assert(
      fc.property(arbData, fc.integer({ min: 2, max: 5 }), fc.integer(), fc.constantFrom<KFoldMethod>('per-user', 'random'), ({ users, items, rows }, folds, seed, method) => {
        const data = interactions(users, items, rows);
        const key = (d: Interactions, j: number) => d.user[j] * items + d.item[j];
        const pairs = new Set(rows.map((r) => r[0] * items + r[1]));
        fc.pre(pairs.size >= folds);
        const splits = kFoldSplits(data, { folds, seed, method });
        expect(splits).toHaveLength(folds);
        const testFoldOfPair = new Map<number, number>();
        const sizes: number[] = [];
        for (const [f, s] of splits.entries()) {
          expect(s.index).toBe(f);
          // Train and test are disjoint row sets whose union is the input.
          expect([...rowsOf(s.train), ...rowsOf(s.test)].sort((a, b) => a - b)).toEqual(rows.map((_, j) => j));
          const testPairs = new Set<number>();
          for (let j = 0; j < s.test.length; j++) {
            const p = key(s.test, j);
            testPairs.add(p);
            const seen = testFoldOfPair.get(p);
            expect(seen === undefined || seen === f, 'a pair is in two test folds').toBe(true);
            testFoldOfPair.set(p, f);
          }
          for (let j = 0; j < s.train.length; j++) expect(testPairs.has(key(s.train, j)), 'a pair split over train and test').toBe(false);
          expect(s.testPairs).toBe(testPairs.size);
          sizes.push(testPairs.size);
          // Cold pairs, counted by brute force.
          const trainUsers = new Set(s.train.user);
          const trainItems = new Set(s.train.item);
          const test = [...testPairs];
          expect(s.testPairsUnknownUser).toBe(test.filter((p) => !trainUsers.has(Math.floor(p / items))).length);
          expect(s.testPairsUnknownItem).toBe(test.filter((p) => !trainItems.has(p % items)).length);
          // Train and test share the input's id maps.
          expect(s.train.users).toBe(data.users);
          expect(s.test.items).toBe(data.items);
        }
        expect(testFoldOfPair.size).toBe(pairs.size);
        // Balanced: the dealing is round-robin.
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        if (method === 'per-user') {
          for (let u = 0; u < users; u++) {
            const perFold = splits.map((s) => new Set(Array.from({ length: s.test.length }, (_, j) => j).filter((j) => s.test.user[j] === u).map((j) => key(s.test, j))).size);
            expect(Math.max(...perFold) - Math.min(...perFold), `user ${u} spread over folds`).toBeLessThanOrEqual(1);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is seeded: the same seed repeats, another seed differs', () => {
    const rows: [number, number, number][] = [];
    for (let u = 0; u < 20; u++) for (let i = 0; i < 10; i++) if ((u * 7 + i * 3) % 4 !== 0) rows.push([u, i, 1 + ((u + i) % 5)]);
    const data = interactions(20, 10, rows);
    const a = kFoldSplits(data, { folds: 4, seed: 9 }).map((s) => rowsOf(s.test));
    const b = kFoldSplits(data, { folds: 4, seed: 9 }).map((s) => rowsOf(s.test));
    const c = kFoldSplits(data, { folds: 4, seed: 10 }).map((s) => rowsOf(s.test));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it.each([
    [{ folds: 1 }, 'folds'],
    [{ folds: 2.5 }, 'folds'],
    [{ method: 'by-time' }, 'method'],
    [{ seed: NaN }, 'seed'],
  ])('refuses %j naming the option', (opts, option) => {
    const data = interactions(2, 2, [[0, 0, 1], [0, 1, 1], [1, 0, 1]]);
    expect(() => kFoldSplits(data, opts as never)).toThrow(expect.objectContaining({ code: 'BAD_OPTION', details: expect.objectContaining({ option }) }));
  });

  it('refuses more folds than pairs', () => {
    const data = interactions(1, 2, [[0, 0, 1], [0, 1, 1], [0, 1, 2]]);
    expect(() => kFoldSplits(data, { folds: 3 })).toThrow(expect.objectContaining({ code: 'EMPTY_DATA' }));
  });
});

/** Rank-2 ratings with little noise: rank 1 underfits, rank 8 overfits, λ = 30 shrinks to the biases. */
const planted = generateSynthetic({ users: 80, items: 50, interactions: 2000, rank: 2, feedback: 'explicit', noise: 0.3, seed: 3 });
const plantedSearch: CrossValidateOptions = {
  folds: 3,
  base: { iterations: 8, biases: true, weightedRegularization: false },
  grid: { factors: [1, 2, 8], regularization: [0.1, 30] },
  seed: 1,
};

describe('crossValidate', () => {
  it('finds the planted rank and a sensible λ, reporting every trial', async () => {
    const cv = await crossValidate(planted, plantedSearch);
    expect(cv.metric).toBe('rmse');
    expect(cv.folds).toBe(3);
    expect(cv.best.params).toEqual({ factors: 2, regularization: 0.1 });
    expect(cv.trials.map((t) => t.params)).toEqual([
      { factors: 1, regularization: 0.1 },
      { factors: 1, regularization: 30 },
      { factors: 2, regularization: 0.1 },
      { factors: 2, regularization: 30 },
      { factors: 8, regularization: 0.1 },
      { factors: 8, regularization: 30 },
      {}, // the defaults' reference trial (f = 64, λ = 0.1)
    ]);
    expect(cv.trials[6].reference).toBe('defaults');
    // The best is the lowest mean RMSE, by a clear margin over the other ranks.
    const rmse = cv.trials.map((t) => t.mean.rmse!);
    expect(cv.best.score).toBe(Math.min(...rmse));
    expect(cv.best.score).toBeLessThan(0.8 * Math.min(rmse[0], rmse[4]));
    for (const t of cv.trials) {
      expect(t.scores).toHaveLength(3);
      expect(t.mean.rmse).toBeCloseTo(t.scores.reduce((a, b) => a + b) / 3, 12);
      // The population standard deviation of the fold scores (folds differ, so it is not 0).
      const m = t.mean.rmse!;
      expect(t.std.rmse).toBeCloseTo(Math.sqrt(t.scores.reduce((a, b) => a + (b - m) ** 2, 0) / 3), 12);
      expect(t.std.rmse).toBeGreaterThan(0);
      expect(t.mean.mae).toBeGreaterThan(0);
      expect(t.seconds).toBeGreaterThan(0);
    }
    expect(cv.foldSummary.reduce((a, f) => a + f.testPairs, 0)).toBe(2000);
  });

  it('is reproducible with a seed, and the seed matters', async () => {
    const small: CrossValidateOptions = { ...plantedSearch, grid: { factors: [2], regularization: [0.1] } };
    const a = await crossValidate(planted, small);
    const b = await crossValidate(planted, small);
    const c = await crossValidate(planted, { ...small, seed: 2 });
    expect(b.trials.map((t) => t.scores)).toEqual(a.trials.map((t) => t.scores));
    expect(c.trials[0].scores).not.toEqual(a.trials[0].scores);
  });

  it('selects the highest ranking metric for implicit feedback, reports progress and refits', async () => {
    const data = generateSynthetic({ users: 60, items: 40, interactions: 1200, rank: 3, seed: 5 });
    const events: string[] = [];
    const cv = await crossValidate(data, {
      folds: 2,
      base: { feedback: 'implicit', iterations: 4 },
      grid: { factors: [1, 4], alpha: [1, 10] },
      k: 5,
      refit: true,
      compareDefaults: false,
      onProgress: (p) => events.push(p.stage === 'trial' ? `t${p.trial}f${p.fold}/${p.trials}` : `done${p.trial}`),
    });
    expect(cv.metric).toBe('ndcg');
    const ndcg = cv.trials.map((t) => t.mean.ndcg!);
    expect(cv.best.score).toBe(Math.max(...ndcg));
    expect(Object.keys(cv.trials[0].mean).sort()).toEqual(['auc', 'map', 'mpr', 'ndcg', 'precision', 'recall']);
    expect(events).toEqual(['t0f0/4', 't0f1/4', 'done0', 't1f0/4', 't1f1/4', 'done1', 't2f0/4', 't2f1/4', 'done2', 't3f0/4', 't3f1/4', 'done3']);
    expect(cv.model?.factors).toBe(cv.best.params.factors);
    expect(cv.model?.users.size).toBe(60);
    // mpr is lower-is-better.
    const byMpr = await crossValidate(data, { folds: 2, base: { feedback: 'implicit', iterations: 4 }, grid: { factors: [1, 4] }, metric: 'mpr' });
    expect(byMpr.best.score).toBe(Math.min(...byMpr.trials.map((t) => t.mean.mpr!)));
  });

  it('draws random trials inside the ranges: integers for factors, log-uniform λ, seeded', async () => {
    const opts: CrossValidateOptions = {
      folds: 2,
      base: { iterations: 2 },
      random: { trials: 5, ranges: { factors: [1, 4], regularization: [0.001, 10] } },
      seed: 4,
      compareDefaults: false,
    };
    const a = await crossValidate(planted, opts);
    expect(a.trials).toHaveLength(5);
    for (const { params } of a.trials) {
      expect(Number.isInteger(params.factors)).toBe(true);
      expect(params.factors).toBeGreaterThanOrEqual(1);
      expect(params.factors).toBeLessThanOrEqual(4);
      expect(params.regularization).toBeGreaterThanOrEqual(0.001);
      expect(params.regularization).toBeLessThanOrEqual(10);
    }
    expect(new Set(a.trials.map((t) => t.params.regularization)).size).toBeGreaterThan(1);
    const b = await crossValidate(planted, opts);
    expect(b.trials.map((t) => t.params)).toEqual(a.trials.map((t) => t.params));
  });

  it('stops with an AbortError', async () => {
    const ctrl = new AbortController();
    const run = crossValidate(planted, { ...plantedSearch, signal: ctrl.signal, onProgress: (p) => p.stage === 'trial-done' && ctrl.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it.each<[CrossValidateOptions, string]>([
    [{ folds: 1 }, 'folds'],
    [{ folds: 3.5 }, 'folds'],
    [{ k: 0 }, 'k'],
    [{ seed: 1.5 }, 'seed'],
    [{ restarts: 0 }, 'restarts'],
    [{ relevant: Number.NaN }, 'relevant'],
    [{ metric: 'accuracy' as never }, 'metric'],
    [{ refit: 'yes' as never }, 'refit'],
    [{ grid: { bogus: [1] } as never }, 'grid.bogus'],
    [{ grid: { factors: [] } }, 'grid.factors'],
    [{ grid: { factors: [0, 4] } }, 'grid.factors'],
    [{ grid: { regularization: [-1] } }, 'grid.regularization'],
    [{ grid: { confidence: ['cubic' as never] } }, 'grid.confidence'],
    [{ grid: { factors: ['8' as never] } }, 'grid.factors'],
    [{ grid: { factors: [2] }, random: { trials: 2, ranges: { factors: [1, 2] } } }, 'random'],
    [{ random: { trials: 0, ranges: {} } }, 'random.trials'],
    [{ random: { trials: 2, ranges: { regularization: [0, 1] } } }, 'random.ranges.regularization'],
    [{ random: { trials: 2, ranges: { factors: [4, 1] } } }, 'random.ranges.factors'],
    [{ random: { trials: 2, ranges: { factors: [1.5, 3] } } }, 'random.ranges.factors'],
    [{ base: { iterations: 0 } }, 'iterations'],
    [{ base: { feedback: 'binary' as never } }, 'feedback'],
  ])('refuses %j naming the option', async (opts, option) => {
    const err = await crossValidate(planted, opts).catch((e) => e);
    expect(err).toMatchObject({ code: 'BAD_OPTION', details: { option } });
    expect(err.message).toContain(`"${option}"`);
  });
});
