/**
 * Issue 14, item 5: every method refuses a misspelt option name (it was ignored and the
 * default used: `recommend({ filterseen: false })` still filtered), options that do not apply
 * to the run are refused saying why (`alpha` with explicit ratings changed nothing), and an
 * explicit model is not scored against the implied 1s of a file without ratings.
 */
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import type { AlsModel } from '../../src/model/model.js';
import { resolveTrainOptions, type TrainOptions } from '../../src/train/options.js';
import { fromRecords, parseText } from '../../src/data/parse.js';
import { buildMatrix } from '../../src/data/csr.js';
import { kFoldSplits } from '../../src/data/kfold.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { splitInteractions } from '../../src/data/split.js';
import { crossValidate } from '../../src/api/cross-validate.js';
import { evaluateModel } from '../../src/select/evaluate.js';
import { importFactors } from '../../src/io/factors-import.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { createRecommender } from '../../src/worker/client.js';
import { npyBytes } from '../helpers/npy.js';

const ratings = () => parseText('a,i,3\nb,i,4\na,j,5\nb,k,1\nc,k,2\nc,j,4\nc,i,5\n', { source: 'r.csv' });
const noRatings = () => parseText('a,j\nb,k\nc,i\n', { source: 'ids.csv' });
const npy = () => npyBytes(Float64Array.of(1, 0, 0, 1, 1, 1), [3, 2]);

/** Runs `run` and returns the BAD_OPTION error's details and message (fails if it is anything else). */
async function badOption(run: () => unknown): Promise<{ option: string; allowed: string; reason?: string; message: string }> {
  let err: unknown;
  try {
    await run();
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ name: 'AlsError', code: 'BAD_OPTION' });
  const e = err as { details: { option: string; allowed: string; reason?: string }; message: string };
  expect(e.message).toContain(`"${e.details.option}"`);
  return { ...e.details, message: e.message };
}

let implicitModel: Promise<AlsModel> | undefined;
const model = () => (implicitModel ??= train(ratings(), { feedback: 'implicit', factors: 2, iterations: 2 }).then((r) => r.model));

describe('a misspelt option name is refused by every method, listing the known names', () => {
  it.each<[string, () => unknown, string, RegExp]>([
    ['model.recommend { filterseen }', async () => (await model()).recommend('a', 2, { filterseen: false } as never), 'filterseen', /filterSeen, exclude, candidates/],
    ['model.recommendForHistory { exlude }', async () => (await model()).recommendForHistory([{ item: 'i' }], 2, { exlude: ['j'] } as never), 'exlude', /exclude/],
    ['model.foldIn entry { item, rating }', async () => (await model()).foldIn([{ item: 'i', rating: 5 } as never]), 'history[0].rating', /item, value/],
    ['model.similarItems { filterSeen }', async () => (await model()).similarItems('i', 2, { filterSeen: false } as never), 'filterSeen', /exclude, candidates/],
    ['model.recommendMany { unknownUser }', async () => (await model()).recommendMany(['a'], 2, { unknownUser: 'popular' } as never), 'unknownUser', /unknownUsers/],
    ['model.usersForItem { filterseen }', async () => (await model()).usersForItem('i', 2, { filterseen: false } as never), 'filterseen', /filterSeen, exclude, candidates/],
    ['model.similarUsers { excludes }', async () => (await model()).similarUsers('a', 2, { excludes: ['b'] } as never), 'excludes', /exclude, candidates/],
    ['model.popular { filterSeen }', async () => (await model()).popular(2, { filterSeen: true } as never), 'filterSeen', /exclude, candidates/],
    ['evaluateModel { K }', async () => evaluateModel(await model(), ratings(), { K: 5 } as never), 'K', /\bk\b/],
    ['splitInteractions { fracton }', () => splitInteractions(ratings(), { fracton: 0.5 } as never), 'fracton', /fraction/],
    ['kFoldSplits { fold }', () => kFoldSplits(ratings(), { fold: 3 } as never), 'fold', /folds/],
    ['crossValidate { fold }', () => crossValidate(ratings(), { fold: 3 } as never), 'fold', /folds/],
    ['crossValidate random { range }', () => crossValidate(ratings(), { random: { trials: 2, range: {} } } as never), 'random.range', /trials, ranges/],
    ['crossValidate base { factor }', () => crossValidate(ratings(), { base: { factor: 2 } } as never), 'factor', /factors/],
    ['train validation { metrc }', () => train(ratings(), { validation: { data: ratings(), metrc: 'rmse' } } as never), 'validation.metrc', /data, metric, k, relevant, every, patience/],
    ['importFactors { formt }', () => importFactors(npy(), { formt: 'npy' } as never), 'formt', /format/],
    ['createRecommender { inthread }', () => createRecommender({ inthread: true } as never), 'inthread', /inThread, livenessTimeoutMs/],
    ['buildMatrix { duplicate }', () => buildMatrix(ratings(), { duplicate: 'max' } as never), 'duplicate', /duplicates, eventWeights, dropZeros/],
    ['generateSynthetic { user }', () => generateSynthetic({ users: 3, items: 3, interactions: 3, user: 4 } as never), 'user', /users, items/],
  ])('%s', async (_name, run, option, known) => {
    const e = await badOption(run);
    expect(e.option).toBe(option);
    expect(e.allowed).toMatch(/a known option/);
    expect(e.allowed).toMatch(known);
  });

  it('the recommender (engine) refuses them too: load, split, train, evaluate, recommend, fold-in, explain, cross-validate, importFactors', async () => {
    const rec = await createRecommender({ inThread: true });
    const data = await rec.load('a,i,3\nb,i,4\na,j,5\nb,k,1\nc,k,2\nc,j,4\nc,i,5\n', { source: 'r.csv' });
    await rec.train(data, { feedback: 'implicit', factors: 2, iterations: 2 });
    const cases: [() => Promise<unknown>, string][] = [
      [() => rec.load('a,i,3\n', { delim: ';' } as never), 'delim'],
      [() => rec.load([{ user: 'a', item: 'i' }], { sorce: 'x' } as never), 'sorce'],
      [() => rec.split(data, { fracton: 0.5 } as never), 'fracton'],
      [() => rec.train(data, { factor: 2 } as never), 'factor'],
      [() => rec.train(data, { validation: { data, metrc: 'ndcg' } } as never), 'validation.metrc'],
      [() => rec.evaluate(data, { K: 5 } as never), 'K'],
      [() => rec.recommend('a', 2, { filterseen: false } as never), 'filterseen'],
      [() => rec.recommendForNewUser([{ item: 'i' }], 2, { filterseen: false } as never), 'filterseen'],
      [() => rec.foldIn([{ item: 'i', vlaue: 3 } as never]), 'history[0].vlaue'],
      [() => rec.explain('a', 'i', { topn: 3 } as never), 'topn'],
      [() => rec.similarItems('i', 2, { excludes: ['j'] } as never), 'excludes'],
      [() => rec.recommendMany(['a'], 2, { filterseen: false } as never), 'filterseen'],
      [() => rec.usersForItem('i', 2, { candidate: ['a'] } as never), 'candidate'],
      [() => rec.crossValidate(data, { fold: 2 } as never), 'fold'],
      [() => rec.importFactors(npy(), { formt: 'npy' } as never), 'formt'],
    ];
    for (const [run, option] of cases) expect((await badOption(run)).option).toBe(option);
    await rec.dispose();
  });

  it('a history entry or options with only known names still work', async () => {
    const m = await model();
    expect(m.recommend('a', 2, { filterSeen: false }).length).toBe(2);
    expect(m.similarItems('i', 2, {}).length).toBe(2);
    expect(m.recommendForHistory([{ item: 'i', value: 2 }], 2, { exclude: ['j'] }).map((r) => r.id)).toEqual(['k']);
    expect(evaluateModel(m, ratings(), { k: 2 })).toHaveProperty('ndcg');
    expect(splitInteractions(ratings(), { fraction: 0.3, seed: 1, method: 'per-user', k: undefined }).train.length).toBeGreaterThan(0);
  });
});

describe('an option that does not apply to the run is refused, saying why', () => {
  it.each<[string, TrainOptions, string, RegExp]>([
    ['biases with implicit feedback', { feedback: 'implicit', biases: true }, 'biases', /omitted with implicit feedback \(it applies only to explicit feedback\)/],
    ['biases: false with implicit feedback', { feedback: 'implicit', biases: false }, 'biases', /omitted with implicit feedback/],
    ['weightedRegularization with implicit feedback', { feedback: 'implicit', weightedRegularization: false }, 'weightedRegularization', /ALS-WR/],
    ['alpha with explicit feedback', { feedback: 'explicit', alpha: 10 }, 'alpha', /omitted with explicit feedback \(it applies only to implicit feedback\)/],
    ['alpha with explicit feedback chosen from the data', { alpha: 10 }, 'alpha', /omitted with explicit feedback/],
    ['confidence with explicit feedback', { feedback: 'explicit', confidence: 'log' }, 'confidence', /implicit confidence/],
    ['epsilon with explicit feedback', { feedback: 'explicit', epsilon: 2 }, 'epsilon', /log confidence/],
    ['eventWeights with explicit feedback', { feedback: 'explicit', eventWeights: { view: 1 } }, 'eventWeights', /value column/],
    ['cgSteps with the default (Cholesky) solver', { cgSteps: 5 }, 'cgSteps', /omitted with solver: "cholesky" \(it applies only to solver: "cg"\)/],
    ['cgSteps with solver: "cholesky"', { feedback: 'implicit', solver: 'cholesky', cgSteps: 5 }, 'cgSteps', /solves each row exactly/],
    ['precision with the Cholesky solver', { feedback: 'implicit', precision: 'mixed' }, 'precision', /omitted with implicit feedback with solver: "cholesky" \(it applies only to implicit feedback with solver: "cg"\)/],
    ['precision with explicit CG', { feedback: 'explicit', solver: 'cg', precision: 'f64' }, 'precision', /conjugate-gradient products/],
  ])('%s → BAD_OPTION naming it', async (_name, opts, option, why) => {
    const e = await badOption(() => train(ratings(), { factors: 2, iterations: 1, ...opts }));
    expect(e.option).toBe(option);
    expect(e.reason).toBe('inapplicable');
    expect(e.message).toMatch(why);
    expect(e.message).toMatch(/Remove it, or use /);
  });

  it('every option is accepted where it applies', async () => {
    for (const opts of [
      { feedback: 'explicit', biases: true, weightedRegularization: false, solver: 'cg', cgSteps: 2 },
      { feedback: 'implicit', alpha: 5, confidence: 'log', epsilon: 2, solver: 'cg', cgSteps: 2, precision: 'mixed' },
    ] as TrainOptions[]) {
      const { model: m } = await train(ratings(), { factors: 2, iterations: 1, ...opts });
      expect(m.params.userFactors.every(Number.isFinite)).toBe(true);
    }
    expect(() => resolveTrainOptions({ epsilon: 2 }, 'implicit')).not.toThrow(); // ε with the linear form: a search may vary the form
  });

  it('model files still load: their options list every field, also the inapplicable ones', async () => {
    for (const opts of [{ feedback: 'explicit', biases: true }, { feedback: 'implicit', alpha: 3 }, { feedback: 'explicit', solver: 'cg', cgSteps: 2 }] as TrainOptions[]) {
      const { model: m } = await train(ratings(), { factors: 2, iterations: 1, ...opts });
      const back = await loadModel(saveModel(m));
      expect(back.options).toEqual(m.options);
      expect(back.recommend('a', 2)).toEqual(m.recommend('a', 2));
    }
  });

  it('cross-validation: a grid or range over an option that does not apply is refused before training; base + grid that apply run', async () => {
    let trained = 0;
    const grid = await badOption(() => crossValidate(ratings(), { base: { feedback: 'explicit' }, grid: { alpha: [1, 10] }, folds: 2, onProgress: () => trained++ }));
    expect(grid.option).toBe('grid.alpha');
    expect(grid.allowed).toMatch(/omitted with explicit feedback/);
    const range = await badOption(() => crossValidate(ratings(), { base: { feedback: 'explicit' }, random: { trials: 2, ranges: { cgSteps: [1, 3] } }, folds: 2 }));
    expect(range.option).toBe('random.ranges.cgSteps');
    expect(trained).toBe(0);
    const ok = await crossValidate(ratings(), { base: { feedback: 'implicit', factors: 2, iterations: 1, solver: 'cg' }, grid: { alpha: [1, 10], cgSteps: [1, 2] }, folds: 2, metric: 'auc' });
    expect(ok.trials.length).toBe(5); // the grid's 4 and the defaults' reference trial
  });

  it('importFactors: α only for implicit factors', async () => {
    expect((await importFactors(npy(), { feedback: 'explicit' })).options.feedback).toBe('explicit');
    expect((await badOption(() => importFactors(npy(), { feedback: 'explicit', alpha: 2 }))).option).toBe('alpha');
  });
});

describe('an explicit model is not evaluated against the implied 1s of a file without ratings', () => {
  it('evaluate: BAD_OPTION saying the test data has no value column', async () => {
    const { model: m } = await train(ratings(), { feedback: 'explicit', factors: 2, iterations: 2 });
    const e = await badOption(() => evaluateModel(m, noRatings()));
    expect(e).toMatchObject({ option: 'test', reason: 'no-ratings' });
    expect(e.message).toMatch(/"ids.csv" \(test\) has no value column.*implied ratings of 1/);
    // Records without values likewise; with values they are scored.
    const noValues = await fromRecords([{ user: 'a', item: 'k' }]);
    await badOption(() => evaluateModel(m, noValues));
    expect(evaluateModel(m, await fromRecords([{ user: 'a', item: 'k', value: 2 }]))).toMatchObject({ count: 1 });
  });

  it('held-out validation and cross-validation of explicit feedback refuse data without ratings before training', async () => {
    const e = await badOption(() => train(ratings(), { feedback: 'explicit', factors: 2, validation: { data: noRatings() } }));
    expect(e.option).toBe('validation.data');
    expect((await badOption(() => crossValidate(noRatings(), { base: { feedback: 'explicit' }, folds: 2 }))).option).toBe('data');
  });

  it('an implicit model evaluates a file without ratings (ranking needs none)', async () => {
    expect(evaluateModel(await model(), noRatings(), { k: 2 })).toHaveProperty('ndcg');
  });

  it('through the recommender', async () => {
    const rec = await createRecommender({ inThread: true });
    const data = await rec.load('a,i,3\nb,i,4\na,j,5\nb,k,1\nc,k,2\nc,j,4\n');
    const ids = await rec.load('a,k\nb,j\n');
    await rec.train(data, { factors: 2, iterations: 2 });
    expect((await badOption(() => rec.evaluate(ids))).option).toBe('test');
    await rec.dispose();
  });
});
