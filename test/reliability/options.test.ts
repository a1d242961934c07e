/**
 * Every option is validated at its boundary: a bad value is BAD_OPTION naming the option and
 * the allowed range; a misspelt option name is refused, not ignored; λ = 0 on a rank-deficient
 * row names the row and asks for λ > 0.
 */
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import type { TrainOptions } from '../../src/train/options.js';
import { parseText } from '../../src/data/parse.js';
import type { ParseOptions } from '../../src/data/parse-options.js';
import { kFoldSplits } from '../../src/data/kfold.js';
import { splitInteractions } from '../../src/data/split.js';
import { evaluateModel } from '../../src/select/evaluate.js';
import { createRecommender } from '../../src/worker/client.js';

const data = () => parseText('a,i,3\nb,i,4\na,j,5\nb,k,1\nc,k,2\nc,j,4\n', { source: 'r.csv' });

async function badOption(run: () => unknown): Promise<{ option: string; allowed: string; message: string }> {
  let err: unknown;
  try {
    await run();
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ name: 'AlsError', code: 'BAD_OPTION' });
  const e = err as { details: { option: string; allowed: string }; message: string };
  expect(e.message).toContain(`"${e.details.option}"`);
  expect(e.message).toContain(e.details.allowed);
  return { ...e.details, message: e.message };
}

describe('training options', () => {
  it.each<[keyof TrainOptions | string, unknown, RegExp]>([
    ['factors', 0, /integer in \[1, 1024\]/],
    ['factors', 1025, /integer in \[1, 1024\]/],
    ['factors', 2.5, /integer in \[1, 1024\]/],
    ['regularization', -1e-9, /finite number ≥ 0/],
    ['regularization', Infinity, /finite number ≥ 0/],
    ['regularization', '0.1', /finite number ≥ 0/],
    ['alpha', 0, /finite number > 0/],
    ['alpha', -1, /finite number > 0/],
    ['alpha', Number.NaN, /finite number > 0/],
    ['epsilon', 0, /finite number > 0/],
    ['iterations', 0, /integer in \[1, 1000000\]/],
    ['iterations', 1.5, /integer/],
    ['tolerance', -0.1, /finite number ≥ 0/],
    ['tolerance', Infinity, /finite number ≥ 0/],
    ['seed', Number.NaN, /integer/],
    ['seed', 0.5, /integer/],
    ['restarts', 0, /integer in \[1, 1000\]/],
    ['cgSteps', 0, /integer in \[1, 100\]/],
    ['workers', 0, /integer in \[1, 256\]/],
    ['feedback', 'ratings', /"explicit" or "implicit"/],
    ['confidence', 'cubic', /"linear", "log"/],
    ['solver', 'lu', /"cholesky", "cg"/],
    ['precision', 'f32', /"f64", "mixed"/],
    ['duplicates', 'first', /"sum", "last", "max"/],
    ['kernels', 'gpu', /"auto", "relaxed", "simd", "scalar", "reference"/],
    ['biases', 1, /true or false/],
    ['weightedRegularization', 'yes', /true or false/],
    ['eventWeights', [], /object mapping event names/],
    ['onProgress', 'log', /a function/],
    ['factor', 8, /a known option .*factors/],
    ['lambda', 0.1, /a known option .*regularization/],
  ])('%s = %s → BAD_OPTION with the allowed range', async (option, value, allowed) => {
    const e = await badOption(() => train(data(), { [option]: value } as TrainOptions));
    expect(e.option).toBe(option);
    expect(e.allowed).toMatch(allowed);
  });

  it('options that are not an object are refused', async () => {
    const e = await badOption(() => train(data(), null as never));
    expect(e.option).toBe('options');
  });

  it('λ = 0 on a rank-deficient row: NOT_POSITIVE_DEFINITE naming the row, asking for λ > 0', async () => {
    const err = await train(data(), { feedback: 'explicit', factors: 4, regularization: 0, iterations: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_POSITIVE_DEFINITE', details: { side: 'users', id: '"a"', regularization: 0 } });
    expect((err as Error).message).toMatch(/user "a" \(2 interactions, 4 factors\).*Set regularization > 0/);
  });

  it('λ = 0 is fine where every row determines its factors', async () => {
    const { model } = await train(data(), { feedback: 'implicit', factors: 2, regularization: 0, iterations: 2 });
    expect(model.params.userFactors.every(Number.isFinite)).toBe(true);
  });
});

describe('parsing options', () => {
  it.each<[string, unknown, RegExp]>([
    ['format', 'xml', /"auto", "csv", "tsv", "whitespace", "movielens-dat"/],
    ['delimiter', '', /non-empty string/],
    ['delimiter', '"', /without quotes/],
    ['header', 'yes', /true, false or "auto"/],
    ['onBadRow', 'ignore', /"error" or "skip"/],
    ['source', 42, /a string/],
    ['bytesTotal', -1, /≥ 0/],
    ['onProgress', 1, /a function/],
    ['columns', { user: 0 }, /at least the user and item/],
    ['delim', ';', /a known option .*delimiter/],
  ])('%s = %s → BAD_OPTION', async (option, value, allowed) => {
    const e = await badOption(() => parseText('a,b\n', { [option]: value } as ParseOptions));
    expect(e.option).toBe(option);
    expect(e.allowed).toMatch(allowed);
  });

  it('a column index or name that is not there', async () => {
    expect((await badOption(() => parseText('a,b\n', { columns: { user: -1, item: 1 } }))).option).toBe('columns.user');
    expect((await badOption(() => parseText('u,i\na,b\n', { columns: { user: 'usr', item: 'i' } }))).allowed).toMatch(/"u", "i"/);
  });
});

describe('options of the model, splits, evaluation and the recommender', () => {
  it.each<[string, (m: Awaited<ReturnType<typeof train>>['model']) => unknown, string, RegExp]>([
    ['recommend k = 0', (m) => m.recommend('a', 0), 'k', /integer ≥ 1/],
    ['recommend k = 2.5', (m) => m.recommend('a', 2.5), 'k', /integer ≥ 1/],
    ['recommend filterSeen = "no"', (m) => m.recommend('a', 2, { filterSeen: 'no' as never }), 'filterSeen', /true or false/],
    ['recommend exclude = "i"', (m) => m.recommend('a', 2, { exclude: 'i' as never }), 'exclude', /array of item ids/],
    ['recommend candidates = "i"', (m) => m.recommend('a', 2, { candidates: 'i' as never }), 'candidates', /array of item ids/],
    ['similarItems k = -1', (m) => m.similarItems('i', -1), 'k', /integer ≥ 1/],
    ['foldIn history = "i"', (m) => m.foldIn('i' as never), 'history', /array of \{ item, value\? \}/],
    ['foldIn entry without item', (m) => m.foldIn([{} as never]), 'history[0].item', /item id/],
    ['foldIn entry null', (m) => m.foldIn([null as never]), 'history[0]', /an object/],
    ['foldIn value NaN', (m) => m.foldIn([{ item: 'i', value: Number.NaN }]), 'history[0].value', /finite number/],
    ['foldIn value 1e200', (m) => m.foldIn([{ item: 'i', value: 1e200 }]), 'history[0].value', /within ±1e\+38/],
    ['evaluate k = 0', (m) => evaluateModel(m, data(), { k: 0 }), 'k', /integer ≥ 1/],
  ])('%s', async (_name, run, option, allowed) => {
    const { model } = await train(data(), { feedback: 'implicit', factors: 2, iterations: 2 });
    const e = await badOption(() => run(model));
    expect(e.option).toBe(option);
    expect(e.allowed).toMatch(allowed);
  });

  it('exclude may name unknown items (nothing to leave out); candidates may not (UNKNOWN_ITEM)', async () => {
    const { model } = await train(data(), { feedback: 'implicit', factors: 2, iterations: 2 });
    expect(model.recommend('a', 5, { exclude: ['nope'] }).length).toBe(1);
    expect(() => model.recommend('a', 5, { candidates: ['nope'] })).toThrow(expect.objectContaining({ code: 'UNKNOWN_ITEM' }));
  });

  it.each<[string, () => unknown, string]>([
    ['split fraction = 0', () => splitInteractions(data(), { fraction: 0 }), 'fraction'],
    ['split fraction = 1', () => splitInteractions(data(), { fraction: 1 }), 'fraction'],
    ['split method', () => splitInteractions(data(), { method: 'x' as never }), 'method'],
    ['split seed = NaN (was silently seed 0)', () => splitInteractions(data(), { seed: Number.NaN }), 'seed'],
    ['k-fold seed = "1"', () => kFoldSplits(data(), { seed: '1' as never }), 'seed'],
    ['k-fold folds = 1', () => kFoldSplits(data(), { folds: 1 }), 'folds'],
    ['recommender livenessTimeoutMs = -1', () => createRecommender({ livenessTimeoutMs: -1 }), 'livenessTimeoutMs'],
  ])('%s', async (_name, run, option) => {
    expect((await badOption(run)).option).toBe(option);
  });
});
