import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import { fromRecords } from '../../src/data/parse.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { evaluateModel } from '../../src/select/evaluate.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { gaussSolve, refImplicitRow } from '../helpers/reference-als.js';

const records = [
  { user: 'ann', item: 'a', value: 3 },
  { user: 'ann', item: 'b', value: 1 },
  { user: 'bob', item: 'b', value: 2 },
  { user: 'bob', item: 'c', value: 5 },
  { user: 'cat', item: 'a', value: 1 },
  { user: 'cat', item: 'c', value: 2 },
  { user: 'cat', item: 'd', value: 4 },
  { user: 'dan', item: 'd', value: 1 },
  { user: 'dan', item: 'e', value: 2 },
  { user: 'eve', item: 'e', value: 3 },
  { user: 'eve', item: 'a', value: 1 },
];


/** The score a fresh fold-in of the user's training history gives `item`. */
function foldInScore(model: import('../../src/model/model.js').AlsModel, user: string, item: string): number {
  const u = model.userIndex(user);
  const history = [];
  for (let j = model.seen.indptr[u]; j < model.seen.indptr[u + 1]; j++) history.push({ item: model.items.id(model.seen.indices[j]), value: model.seen.values[j] });
  const fold = model.foldIn(history);
  const i = model.itemIndex(item);
  const f = model.factors;
  let s = model.params.globalMean + fold.bias + (model.params.itemBiases ? model.params.itemBiases[i] : 0);
  for (let a = 0; a < f; a++) s += fold.factors[a] * model.params.itemFactors[i * f + a];
  return s;
}

describe('AlsModel', async () => {
  const data = await fromRecords(records, { source: 'records' });
  const { model } = await train(data, { feedback: 'implicit', factors: 3, regularization: 0.1, alpha: 2, confidence: 'linear', iterations: 8 });

  it('recommends unseen items by descending score, filtering seen ones by default', () => {
    const recs = model.recommend('ann', 10);
    const ids = recs.map((r) => r.id);
    expect(ids).not.toContain('a');
    expect(ids).not.toContain('b');
    expect(ids.sort()).toEqual(['c', 'd', 'e']);
    for (let t = 1; t < recs.length; t++) expect(recs[t - 1].score).toBeGreaterThanOrEqual(recs[t].score);
    for (const r of recs) expect(r.score).toBeCloseTo(model.predict('ann', r.id), 12);
  });

  it('honours filterSeen: false, exclude and candidates', () => {
    expect(model.recommend('ann', 10, { filterSeen: false })).toHaveLength(5);
    expect(model.recommend('ann', 10, { exclude: ['c'] }).map((r) => r.id)).not.toContain('c');
    expect(model.recommend('ann', 10, { filterSeen: false, candidates: ['a', 'e'] }).map((r) => r.id).sort()).toEqual(['a', 'e']);
    expect(() => model.recommend('ann', 10, { candidates: ['zzz'] })).toThrow(expect.objectContaining({ code: 'UNKNOWN_ITEM' }));
  });

  it('reports unknown users and bad k with codes', () => {
    expect(() => model.recommend('nobody')).toThrow(expect.objectContaining({ code: 'UNKNOWN_USER' }));
    expect(() => model.recommend('ann', 0)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => model.similarItems('nothing')).toThrow(expect.objectContaining({ code: 'UNKNOWN_ITEM' }));
  });

  it('folds in a new user exactly like the dense half-step equation', () => {
    const history = [
      { item: 'a', value: 2 },
      { item: 'c', value: 1 },
      { item: 'c', value: 3 }, // summed with the line above (implicit duplicates: sum)
      { item: 'unknown-item', value: 1 },
    ];
    const fold = model.foldIn(history);
    expect(fold.unknownItems).toEqual(['unknown-item']);
    expect(fold.used).toBe(2);
    const entries = new Map([
      [model.itemIndex('a'), 2],
      [model.itemIndex('c'), 4],
    ]);
    const expected = refImplicitRow(model.params.itemFactors, model.items.size, 3, entries, { feedback: 'implicit', factors: 3, regularization: 0.1, alpha: 2, iterations: 0, seed: 0 });
    for (let a = 0; a < 3; a++) expect(fold.factors[a]).toBeCloseTo(expected[a], 10);
    const recs = model.recommendForHistory(history, 3);
    expect(recs.map((r) => r.id)).not.toContain('a');
    expect(recs.map((r) => r.id)).not.toContain('c');
  });

  it('finds similar items by cosine, never the item itself, never NaN', () => {
    const sims = model.similarItems('a', 10);
    expect(sims).toHaveLength(4);
    expect(sims.map((s) => s.id)).not.toContain('a');
    for (const s of sims) {
      expect(Number.isFinite(s.score)).toBe(true);
      expect(Math.abs(s.score)).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('explains a score as per-item contributions that add up to it', () => {
    for (const [user, item] of [['ann', 'c'], ['cat', 'e'], ['bob', 'a']] as const) {
      const ex = model.explain(user, item, 1);
      expect(ex.contributions).toHaveLength(1);
      const total = ex.contributions.reduce((s, c) => s + c.contribution, 0) + ex.rest + ex.baseline;
      expect(total).toBeCloseTo(ex.score, 12);
      // The score is the list's (the trained x_u); the contributions and the rest add up to a fresh solve's, the baseline holds the difference.
      expect(ex.score).toBeCloseTo(model.predict(user, item), 12);
      expect(total - ex.baseline).toBeCloseTo(foldInScore(model, user, item), 10);
      const full = model.explain(user, item, 10);
      expect(full.contributions.map((c) => c.item).sort()).toEqual(model.recommend(user, 0 + 5, { filterSeen: false }).map((r) => r.id).filter((id) => {
        const u = model.userIndex(user);
        const i = model.itemIndex(id);
        return Array.from(model.seen.indices.subarray(model.seen.indptr[u], model.seen.indptr[u + 1])).includes(i);
      }).sort());
    }
  });

  it('round-trips through the model file with identical recommendations', async () => {
    const bytes = saveModel(model);
    const again = await loadModel(bytes);
    for (const u of ['ann', 'bob', 'cat', 'dan', 'eve']) expect(again.recommend(u, 5)).toEqual(model.recommend(u, 5));
    expect(again.similarItems('a', 3)).toEqual(model.similarItems('a', 3));
    expect(again.options).toEqual(model.options);
  });

  it('refuses a corrupt model file and keeps a clear message', async () => {
    const bytes = saveModel(model).slice();
    bytes[bytes.length >> 1] ^= 0xff;
    await expect(loadModel(bytes)).rejects.toMatchObject({ code: 'BAD_MODEL_FILE' });
    await expect(loadModel(bytes.subarray(0, 40))).rejects.toMatchObject({ code: 'BAD_MODEL_FILE' });
  });
});

describe('explicit model with biases', async () => {
  const data = generateSynthetic({ users: 150, items: 100, interactions: 4000, feedback: 'explicit', rank: 3, seed: 3, minPerUser: 10 });
  // The rating model's own maths (fold-in, explain): one factor set, ranked by predicted rating.
  const { model } = await train(data, { feedback: 'explicit', ranking: 'rating', factors: 4, regularization: 0.1, weightedRegularization: false, biases: true, iterations: 10 });

  it('folds in with the augmented [x; b] system and predicts μ + b_u + b_i + xᵀy', () => {
    const history = [
      { item: 'i1', value: 5 },
      { item: 'i2', value: 1 },
      { item: 'i3', value: 4 },
      { item: 'i7', value: 2 },
      { item: 'i9', value: 3 },
      { item: 'i12', value: 5 },
    ];
    const fold = model.foldIn(history);
    const f = 4;
    const A = Array.from({ length: f + 1 }, () => new Array<number>(f + 1).fill(0));
    const b = new Array<number>(f + 1).fill(0);
    const { itemFactors: Y, itemBiases, globalMean } = model.params;
    for (const h of history) {
      const i = model.itemIndex(h.item);
      const y = [...Y.subarray(i * f, i * f + f), 1];
      for (let p = 0; p <= f; p++) {
        for (let q = 0; q <= f; q++) A[p][q] += y[p] * y[q];
        b[p] += (h.value - globalMean - itemBiases![i]) * y[p];
      }
    }
    for (let p = 0; p <= f; p++) A[p][p] += 0.1;
    const x = gaussSolve(A, b);
    for (let p = 0; p < f; p++) expect(fold.factors[p]).toBeCloseTo(x[p], 10);
    expect(fold.bias).toBeCloseTo(x[f], 10);
    const recs = model.recommendForHistory(history, 3);
    const i = model.itemIndex(recs[0].id);
    let s = globalMean + fold.bias + itemBiases![i];
    for (let p = 0; p < f; p++) s += fold.factors[p] * Y[i * f + p];
    expect(recs[0].score).toBeCloseTo(s, 10);
  });

  it('explains explicit scores with the bias baseline', () => {
    const ex = model.explain('u5', 'i3', 3);
    const drift = ex.score - foldInScore(model, 'u5', 'i3');
    expect(ex.baseline - drift).toBeCloseTo(model.params.globalMean + model.params.itemBiases![model.itemIndex('i3')], 8);
    const total = ex.contributions.reduce((s, c) => s + c.contribution, 0) + ex.rest + ex.baseline;
    expect(total).toBeCloseTo(ex.score, 10);
    expect(ex.score).toBeCloseTo(model.scoreIndex(model.userIndex('u5'), model.itemIndex('i3')), 12);
  });

  it('evaluates RMSE/MAE on held-out ratings and reports unknown rows', async () => {
    const test = await fromRecords(
      [
        { user: 'u1', item: 'i1', value: 4 },
        { user: 'u2', item: 'i5', value: 2 },
        { user: 'stranger', item: 'i1', value: 3 },
      ],
      { source: 'test' },
    );
    const r = evaluateModel(model, test);
    expect(r).toMatchObject({ count: 2, unknown: 1 });
    if (!('rmse' in r)) throw new Error('expected rating metrics');
    const e1 = 4 - model.predict('u1', 'i1');
    const e2 = 2 - model.predict('u2', 'i5');
    expect(r.rmse).toBeCloseTo(Math.sqrt((e1 * e1 + e2 * e2) / 2), 12);
    expect(r.mae).toBeCloseTo((Math.abs(e1) + Math.abs(e2)) / 2, 12);
  });
});
