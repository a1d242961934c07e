/**
 * Issue 14, item 5: fold-in of a history with no item the model knows (empty, or only unknown
 * ids) returned the first items by index with score 0 and no signal. Now it is a popularity
 * fallback, marked `fallback: 'popular'`, with the unknown items reported — in-thread, from a
 * saved model file, and through the recommender.
 */
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import type { TrainOptions } from '../../src/train/options.js';
import { parseText } from '../../src/data/parse.js';
import { importFactors } from '../../src/io/factors-import.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { createRecommender } from '../../src/worker/client.js';
import { npyBytes } from '../helpers/npy.js';

// Item popularity (distinct users): k 4, j 3, i 2, m 1 (implicit: m's only value is negative).
const CSV = 'a,i,3\nb,i,4\na,j,5\nb,k,1\nc,k,2\nc,j,4\nd,k,5\nd,j,2\ne,k,1\ne,m,-1\n';
const data = () => parseText(CSV, { source: 'r.csv' });

describe('a fold-in history with no known item: the most popular items, marked', () => {
  it.each<[string, TrainOptions, string[], number[]]>([
    ['implicit', { feedback: 'implicit', factors: 2, iterations: 2 }, ['k', 'j', 'i', 'm'], [4, 3, 2, 0]],
    ['explicit (ALS-WR: the empty system is singular)', { feedback: 'explicit', factors: 2, iterations: 2 }, ['k', 'j', 'i', 'm'], [4, 3, 2, 1]],
    ['explicit with biases', { feedback: 'explicit', factors: 2, iterations: 2, biases: true, weightedRegularization: false }, ['k', 'j', 'i', 'm'], [4, 3, 2, 1]],
  ])('%s: empty and all-unknown histories', async (_name, opts, order, counts) => {
    const { model } = await train(data(), opts);
    for (const history of [[], [{ item: 'nope' }, { item: 'zzz', value: 3 }]]) {
      const top = model.recommendForHistory(history, 4);
      expect(top.fallback).toBe('popular');
      expect(top.map((r) => r.id)).toEqual(order);
      expect(top.map((r) => r.score)).toEqual(counts);
      expect(top.unknownItems).toEqual(history.map((h) => h.item));
    }
    // exclude and candidates still apply to the fallback
    expect(model.recommendForHistory([], 2, { exclude: ['k'] }).map((r) => r.id)).toEqual(['j', 'i']);
    expect(model.recommendForHistory([{ item: 'nope' }], 5, { candidates: ['i', 'k'] }).map((r) => r.id)).toEqual(['k', 'i']);
    // foldIn says nothing was used (zero factors) rather than fail or solve a singular system
    const fold = model.foldIn([{ item: 'nope' }]);
    expect(fold).toMatchObject({ used: 0, bias: 0, unknownItems: ['nope'] });
    expect(fold.factors.every((x) => x === 0)).toBe(true);
  });

  it('a history with a known item folds in (fallback null) and still lists the unknown ones', async () => {
    const { model } = await train(data(), { feedback: 'implicit', factors: 2, iterations: 2 });
    const top = model.recommendForHistory([{ item: 'nope' }, { item: 'i' }], 3);
    expect(top.fallback).toBeNull();
    expect(top.unknownItems).toEqual(['nope']);
    expect(top.map((r) => r.id)).not.toContain('i');
    expect(top.some((r) => r.score !== 0)).toBe(true);
  });

  it('a model loaded from a file (written before popularity was asked for) falls back the same way', async () => {
    const { model } = await train(data(), { feedback: 'implicit', factors: 2, iterations: 2 });
    const back = await loadModel(saveModel(model));
    expect(back.recommendForHistory([], 3)).toEqual(model.recommendForHistory([], 3));
    expect(back.recommendForHistory([], 3).fallback).toBe('popular');
  });

  it('imported factors have no training data to rank by: EMPTY_DATA naming the unknown items, not zeros', async () => {
    const model = await importFactors(npyBytes(Float64Array.of(1, 0, 0, 1, 1, 1), [3, 2]), { ids: ['x', 'y', 'z'] });
    expect(() => model.recommendForHistory([{ item: 'nope' }], 2)).toThrow(expect.objectContaining({ code: 'EMPTY_DATA', details: { unknownItems: ['nope'] } }));
    expect(() => model.recommendForHistory([], 2)).toThrow(/it is empty.*factors were imported/);
    expect(model.recommendForHistory([{ item: 'x' }], 2).fallback).toBeNull();
  });

  it('through the recommender: the array keeps unknownItems and fallback across the boundary', async () => {
    const rec = await createRecommender({ inThread: true });
    await rec.train(await rec.load(CSV), { feedback: 'implicit', factors: 2, iterations: 2 });
    const top = await rec.recommendForNewUser([{ item: 'nope' }], 2);
    expect(Array.isArray(top)).toBe(true);
    expect(top).toMatchObject({ fallback: 'popular', unknownItems: ['nope'] });
    expect(top.map((r) => r.id)).toEqual(['k', 'j']);
    // what a worker does to the result: a structured clone keeps the array's extra fields
    expect(structuredClone(top)).toMatchObject({ fallback: 'popular', unknownItems: ['nope'] });
    await rec.dispose();
  });
});
