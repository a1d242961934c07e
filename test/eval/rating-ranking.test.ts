/**
 * Ranking metrics for every model (issue 24, item 2): a rating model is ranked by the scores
 * `recommend` ranks by (`scoreUser` / `topKRows`), its RMSE/MAE read `predictIndex`; `relevant`
 * picks the held-out pairs that count; cv, tune and validation select ratings on a ranking metric.
 */
import { describe, expect, it } from 'vitest';
import { csrFromTriplets } from '../../src/data/csr.js';
import { idMapFromIds } from '../../src/data/id-map.js';
import { parseText } from '../../src/data/parse.js';
import { splitInteractions } from '../../src/data/split.js';
import type { Interactions } from '../../src/data/types.js';
import { Rng } from '../../src/util/rng.js';
import { train } from '../../src/api/fit.js';
import { crossValidate } from '../../src/api/cross-validate.js';
import { createRecommender } from '../../src/index.js';
import { evaluateModel, evaluateModelAsync, metricsFor, type RankingEvaluation, type RatingEvaluation, type Scorer } from '../../src/select/evaluate.js';

const items = ['a', 'b', 'c', 'd'];

/**
 * A scorer over users u1, u2 and items a–d, each user having seen `a`: `predict[u][item]` is the
 * predicted rating, `rank[item]` the score `recommend` would rank by (the same for both users).
 */
function fakeScorer(feedback: 'explicit' | 'implicit', predict: Record<string, number>[], rank: Record<string, number>): Scorer {
  return {
    users: idMapFromIds(['u1', 'u2']),
    items: idMapFromIds(items),
    options: { feedback },
    seen: csrFromTriplets(2, 4, Int32Array.of(0, 1), Int32Array.of(0, 0), Float64Array.of(1, 1), 'last'),
    predictIndex: (u, i) => predict[u][items[i]] ?? 0,
    scoreUser: (_u, out) => {
      items.forEach((id, i) => (out[i] = rank[id] ?? 0));
    },
  };
}

const held = (text: string) => parseText(text, { source: 'held-out.tsv' });
const ndcgOf = (hitsAt: number[], relevantCount: number, k: number) => {
  const dcg = hitsAt.reduce((s, j) => s + 1 / Math.log2(j + 1), 0);
  let idcg = 0;
  for (let j = 1; j <= Math.min(k, relevantCount); j++) idcg += 1 / Math.log2(j + 1);
  return dcg / idcg;
};

/** Ratings with a planted taste (each user likes one item group: 4–5 stars there, 1–2 elsewhere). */
function ratings(users: number, itemCount: number, seed: number): Interactions {
  const rng = new Rng(seed);
  const lines: string[] = [];
  for (let u = 1; u <= users; u++) {
    for (let i = 1; i <= itemCount; i++) {
      if (rng.next() < 0.35) lines.push(`${u}\t${i}\t${i % 3 === u % 3 ? 4 + rng.int(2) : 1 + rng.int(2)}`);
    }
  }
  return parseText(lines.join('\n') + '\n', { source: 'ratings.tsv' });
}

describe('evaluate: ranking metrics for a rating model', () => {
  // u1 rated b 5, c 2, d 4; u2 rated c 0. Predictions are exact; the ranking puts c, then d, then b.
  const predict: Record<string, number>[] = [{ b: 5, c: 2, d: 4 }, { c: 0 }];
  const scorer = fakeScorer('explicit', predict, { a: 10, c: 3, d: 2, b: 1 });
  const test = held('u1\tb\t5\nu1\tc\t2\nu1\td\t4\nu2\tc\t0\n');

  it('RMSE/MAE read the predicted ratings; the ranking reads the recommend scores, training items left out', () => {
    const r = evaluateModel(scorer, test, { k: 2, relevant: 4 }) as Required<RatingEvaluation>;
    expect(r).toMatchObject({ rmse: 0, mae: 0, count: 4, k: 2, relevant: 4, unknown: 0 });
    // Relevant: u1's b and d. u1's top 2 (a seen): c, d → one hit, at rank 2. u2 has none ≥ 4.
    expect(r.users).toBe(1);
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBe(0.5);
    expect(r.ndcg).toBeCloseTo(ndcgOf([2], 2, 2), 15);
    // Ranked by the predicted ratings instead, the top 2 would be b, d: precision 1.
  });

  it('by default every held-out rating is relevant, whatever its value (a 0 too)', () => {
    const r = evaluateModel(scorer, test, { k: 2 }) as Required<RatingEvaluation>;
    expect(r.relevant).toBeUndefined();
    expect(r.users).toBe(2);
    // u1: relevant b, c, d; top 2 c, d → 2 hits of min(2, 3). u2: relevant c, ranked first.
    expect(r.precision).toBe(1);
    expect(r.recall).toBeCloseTo((2 / 3 + 1) / 2, 15);
  });

  it('ranking: false gives RMSE/MAE alone; a bad threshold is refused', async () => {
    const r = evaluateModel(scorer, test, { ranking: false }) as RatingEvaluation;
    expect(r.rmse).toBe(0);
    expect(r.ndcg).toBeUndefined();
    expect(() => evaluateModel(scorer, test, { relevant: Number.NaN })).toThrow(expect.objectContaining({ code: 'BAD_OPTION', details: expect.objectContaining({ option: 'relevant' }) }));
    expect(() => evaluateModel(scorer, test, { relevant: '4' as never })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => evaluateModel(scorer, test, { ranking: 'yes' as never })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    await expect(evaluateModelAsync(scorer, test, { k: 2, relevant: 4 })).resolves.toEqual(evaluateModel(scorer, test, { k: 2, relevant: 4 }));
  });

  it('implicit: relevant keeps the values ≥ it and weighs each 1 in MPR (by default, by its value)', () => {
    // u1 held out b (3) and d (1); ranked b, c, d: b above the negative c, d below it.
    const implicit = fakeScorer('implicit', [{}, {}], { a: 10, b: 5, c: 3, d: 2 });
    const t = held('u1\tb\t3\nu1\td\t1\n');
    expect((evaluateModel(implicit, t) as RankingEvaluation).mpr).toBeCloseTo((3 * 0 + 1 * 1) / 4, 15);
    expect((evaluateModel(implicit, t, { relevant: 1 }) as RankingEvaluation).mpr).toBeCloseTo(0.5, 15);
    const high = evaluateModel(implicit, t, { relevant: 2 }) as RankingEvaluation;
    expect(high.mpr).toBe(0);
    expect(high.recall).toBe(1);
  });

  it('metricsFor: a rating model yields the ranking metrics too', () => {
    expect(metricsFor('explicit')).toEqual(['rmse', 'mae', 'precision', 'recall', 'map', 'ndcg', 'auc', 'mpr']);
    expect(metricsFor('implicit')).toEqual(['precision', 'recall', 'map', 'ndcg', 'auc', 'mpr']);
  });
});

describe('a trained rating model', () => {
  const data = ratings(90, 45, 3);
  const { train: part, test } = splitInteractions(data, { method: 'per-user', fraction: 0.25, seed: 5 });

  it('is ranked as recommend ranks: precision@5 from recommend() equals evaluate’s', async () => {
    const { model } = await train(part, { feedback: 'explicit', factors: 6, iterations: 6, workers: 1 });
    const r = evaluateModel(model, test, { k: 5, relevant: 4 }) as Required<RatingEvaluation>;
    expect(r.rmse).toBeGreaterThan(0);
    // Independently: each user's top 5 from recommend (seen items left out) against their held-out ratings ≥ 4.
    const relevantOf = new Map<string, Set<string>>();
    for (let j = 0; j < test.length; j++) {
      if (test.value[j] < 4) continue;
      const u = String(test.users.id(test.user[j]));
      if (!relevantOf.has(u)) relevantOf.set(u, new Set());
      relevantOf.get(u)!.add(String(test.items.id(test.item[j])));
    }
    let sum = 0;
    let users = 0;
    for (const [u, rel] of relevantOf) {
      const seen = new Set<string>();
      const row = model.userIndex(u);
      for (let p = model.seen.indptr[row]; p < model.seen.indptr[row + 1]; p++) seen.add(String(model.items.id(model.seen.indices[p])));
      const rel2 = [...rel].filter((i) => !seen.has(i));
      if (rel2.length === 0) continue;
      const top = model.recommend(u, 5).map((s) => String(s.id));
      sum += top.filter((i) => rel2.includes(i)).length / Math.min(5, rel2.length);
      users++;
    }
    expect(r.users).toBe(users);
    expect(r.precision).toBeCloseTo(sum / users, 12);
  });

  it('cv selects ratings on NDCG with the threshold applied to each held-out fold', async () => {
    const base = { feedback: 'explicit' as const, factors: 4, iterations: 4, workers: 1 };
    const cv = await crossValidate(data, { base, grid: { regularization: [0.05, 5] }, metric: 'ndcg', relevant: 4, folds: 3 });
    expect(cv.metric).toBe('ndcg');
    for (const t of cv.trials) {
      expect(Object.keys(t.mean).sort()).toEqual(['auc', 'mae', 'map', 'mpr', 'ndcg', 'precision', 'recall', 'rmse']);
      expect(t.mean.ndcg).toBeGreaterThanOrEqual(0);
      expect(t.mean.ndcg).toBeLessThanOrEqual(1);
    }
    const best = Math.max(...cv.trials.map((t) => t.mean.ndcg!));
    expect(cv.best.score).toBe(best);
    // Every rating is below 6: no held-out pair is relevant, nothing can be scored.
    await expect(crossValidate(data, { base, metric: 'ndcg', relevant: 6, folds: 3 })).rejects.toMatchObject({ code: 'EMPTY_DATA' });
    // Selecting on RMSE: rating metrics only (no ranking is computed).
    const byRmse = await crossValidate(data, { base, folds: 3 });
    expect(Object.keys(byRmse.trials[0].mean).sort()).toEqual(['mae', 'rmse']);
  });

  it('tune and validation target a ranking metric on ratings', async () => {
    const { report } = await train(part, { feedback: 'explicit', workers: 1, tune: { metric: 'ndcg', relevant: 4, budgetSeconds: 5 } });
    expect(report.tuned).toMatchObject({ metric: 'ndcg', relevant: 4 });
    expect(report.tuned!.score).toBeGreaterThan(0);
    expect(report.tuned!.score).toBeLessThanOrEqual(1);
    const v = await train(part, { feedback: 'explicit', factors: 4, iterations: 3, workers: 1, validation: { data: test, metric: 'ndcg', relevant: 4 } });
    const history = v.report.validation!.history;
    expect(history).toHaveLength(3);
    const last = evaluateModel(v.model, test, { relevant: 4 }) as Required<RatingEvaluation>;
    // The model keeps the best iteration's factors: its NDCG is the best one seen.
    expect(last.ndcg).toBeCloseTo(v.report.validation!.best!.value, 12);
  });
});

describe('the engine (and so the worker API)', () => {
  it('evaluate takes relevant and gives a rating model RMSE and the ranking metrics', async () => {
    const rec = await createRecommender({ inThread: true });
    const lines: string[] = [];
    const d = ratings(40, 30, 9);
    for (let j = 0; j < d.length; j++) lines.push(`${d.users.id(d.user[j])}\t${d.items.id(d.item[j])}\t${d.value[j]}`);
    const data = await rec.load(lines.join('\n') + '\n');
    const { train: tr, test } = await rec.split(data, { method: 'per-user', fraction: 0.25, seed: 2 });
    await rec.train(tr, { feedback: 'explicit', factors: 4, iterations: 4, workers: 1 });
    const r = (await rec.evaluate(test, { k: 5, relevant: 4 })) as Required<RatingEvaluation>;
    expect(r).toMatchObject({ k: 5, relevant: 4 });
    expect(r.rmse).toBeGreaterThan(0);
    expect(r.ndcg).toBeGreaterThanOrEqual(0);
    expect(r.users).toBeGreaterThan(0);
    await expect(rec.evaluate(test, { relevant: 'high' as never })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'relevant' } });
    await rec.dispose();
  });
});
