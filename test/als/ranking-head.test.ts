/**
 * Models trained on ratings rank with a ranking head (an implicit model of the same pairs) and
 * predict with the rating model: top-N as good as an implicit model's, ratings on the file's
 * scale, explanations of the listed score, and both heads kept through save/load, update,
 * export and addItems. Real data (MovieLens-100K) where present, a generated rating file always.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import { fromRecords, parseText } from '../../src/data/parse.js';
import { splitInteractions } from '../../src/data/split.js';
import type { Interactions, InteractionRecord } from '../../src/data/types.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { exportFactors } from '../../src/io/factors-export.js';
import type { AlsModel } from '../../src/model/model.js';
import { Rng } from '../../src/util/rng.js';

const file = new URL('../../../shared/data/ml-100k/u.data', import.meta.url);
const present = existsSync(file);
if (!present) console.warn('notice: ../shared/data/ml-100k is absent — the MovieLens-100K ranking-head tests are skipped');

/** NDCG@10 over users with a held-out rating ≥ 4 (relevant), each ranked by `model.recommend`. */
function ndcgAt10(model: AlsModel, trainPart: Interactions, test: Interactions): number {
  const relevant = new Map<string, Set<string>>();
  for (let j = 0; j < test.length; j++) {
    if (test.value[j] < 4) continue;
    const u = String(test.users.id(test.user[j]));
    const i = String(test.items.id(test.item[j]));
    if (trainPart.users.index(u) === undefined || trainPart.items.index(i) === undefined) continue;
    if (!relevant.has(u)) relevant.set(u, new Set());
    relevant.get(u)!.add(i);
  }
  let sum = 0;
  for (const [u, rel] of relevant) {
    const top = model.recommend(u, 10);
    let dcg = 0;
    top.forEach((s, r) => (dcg += rel.has(String(s.id)) ? 1 / Math.log2(r + 2) : 0));
    let ideal = 0;
    for (let r = 0; r < Math.min(10, rel.size); r++) ideal += 1 / Math.log2(r + 2);
    sum += dcg / ideal;
  }
  return sum / relevant.size;
}

/** A small rating file with popularity skew: 120 users, 60 items, ratings 1–5 from a planted taste. */
async function generatedRatings(seed = 3): Promise<Interactions> {
  const rng = new Rng(seed);
  const records: InteractionRecord[] = [];
  for (let u = 0; u < 120; u++) {
    for (let i = 0; i < 60; i++) {
      // Popular items (low i) are rated often; taste: users and items of the same parity agree.
      if (rng.next() > 0.6 / (1 + i / 10)) continue;
      const like = (u % 2) === (i % 2) ? 1.2 : -1.2;
      records.push({ user: `u${u}`, item: `i${i}`, value: Math.min(5, Math.max(1, Math.round(3 + like + rng.next() - 0.5))) });
    }
  }
  return fromRecords(records, { source: 'generated' });
}

describe('a rating model with a ranking head (generated ratings)', () => {
  it('is the default for rating data; predict gives ratings on the scale, lists ranking scores, explain the listed score', async () => {
    const data = await generatedRatings();
    const { model, report } = await train(data, { factors: 8, iterations: 6, workers: 1 });
    expect(model.options.feedback).toBe('explicit');
    expect(model.ranking?.options.feedback).toBe('implicit');
    expect(model.scoreKind).toBe('ranking');
    expect(report.ranking?.iterations).toBe(6);
    for (const u of ['u0', 'u1', 'u7']) {
      for (const i of ['i0', 'i13', 'i59']) {
        const p = model.predict(u, i);
        expect(p).toBeGreaterThanOrEqual(1);
        expect(p).toBeLessThanOrEqual(5);
      }
      const top = model.recommend(u, 5);
      expect(top.map((s) => s.id)).toEqual(model.ranking!.recommend(u, 5).map((s) => s.id));
      const e = model.explain(u, top[0].id, 5);
      expect(e.score).toBeCloseTo(top[0].score, 12);
      const parts = e.contributions.reduce((a, c) => a + c.contribution, 0) + e.rest + e.baseline;
      expect(parts).toBeCloseTo(e.score, 9);
    }
    const { model: plain } = await train(data, { factors: 8, iterations: 6, workers: 1, ranking: 'rating' });
    expect(plain.ranking).toBeUndefined();
    expect(plain.scoreKind).toBe('rating');
  });

  it('refuses ranking with implicit feedback, and an unknown value', async () => {
    const data = await generatedRatings();
    await expect(train(data, { feedback: 'implicit', ranking: 'implicit' })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'ranking' } });
    await expect(train(data, { ranking: 'popular' as never })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'ranking' } });
  });

  it('keeps both heads through save and load, update, export and warm start', async () => {
    const data = await generatedRatings();
    const { model } = await train(data, { factors: 8, iterations: 5, workers: 1 });
    const back = await loadModel(saveModel(model));
    expect(back.ranking).toBeDefined();
    expect(back.ratingScale).toEqual([1, 5]);
    expect(back.recommend('u3', 5)).toEqual(model.recommend('u3', 5));
    expect(back.predict('u3', 'i4')).toBe(model.predict('u3', 'i4'));
    expect(back.similarItems('i2', 3)).toEqual(model.similarItems('i2', 3));

    const { model: next } = await back.update([{ user: 'newcomer', item: 'i0', value: 5 }, { user: 'newcomer', item: 'i2', value: 4 }, { user: 'u1', item: 'i50', value: 5 }]);
    expect(next.ranking?.users.index('newcomer')).toBe(next.users.index('newcomer'));
    expect(next.recommend('newcomer', 3).map((s) => s.id)).not.toContain('i0');
    expect(next.predict('newcomer', 'i4')).toBeGreaterThanOrEqual(1);
    expect(next.seen.indices.length).toBe(next.ranking!.seen.indices.length);
    // The original is unchanged (update returns a new model).
    expect(back.users.index('newcomer')).toBeUndefined();

    const ranking = exportFactors(next, 'spark-json');
    const rating = exportFactors(next, 'spark-json', { head: 'rating' });
    expect(ranking.notes[0]).toMatch(/ranking head/);
    expect(ranking.files['itemFactors.json']).not.toEqual(rating.files['itemFactors.json']);

    const { model: warm } = await train(data, { iterations: 2, workers: 1, warmStart: next });
    expect(warm.ranking).toBeDefined();
  });

  it('reads 1–2 stars as dislikes: the head learns rating − 2.5, keeps it through save, load and update, and folds a history in the same way', async () => {
    // Ratings lean high, as real ones do (two thirds of the planted dislikes raised to 3–4): most are likes.
    const planted = await generatedRatings();
    const data = await fromRecords(Array.from({ length: planted.length }, (_, j) => ({ user: planted.users.id(planted.user[j]), item: planted.items.id(planted.item[j]), value: planted.value[j] <= 2 && j % 3 !== 0 ? planted.value[j] + 2 : planted.value[j] })), { source: 'leaning high' });
    const { model } = await train(data, { factors: 8, iterations: 5, workers: 1 });
    const head = model.ranking!;
    expect(head.dislikeBelow).toBe(2.5);
    const shifted = (m: typeof model) => Array.from(m.seen.values, (v) => v - 2.5);
    expect(Array.from(head.seen.values)).toEqual(shifted(model));
    // The file keeps the pairs once and the threshold: the loaded head holds the same shifted values and ranks the same.
    const back = await loadModel(saveModel(model));
    expect(back.ranking!.dislikeBelow).toBe(2.5);
    expect(Array.from(back.ranking!.seen.values)).toEqual(shifted(model));
    expect(back.recommend('u5', 5)).toEqual(model.recommend('u5', 5));
    expect(back.explain('u5', 'i3', 3)).toEqual(model.explain('u5', 'i3', 3));
    // An update shifts its new ratings as training did.
    const { model: next } = await back.update([{ user: 'u1', item: 'i51', value: 1 }, { user: 'newcomer', item: 'i0', value: 5 }]);
    expect(next.ranking!.dislikeBelow).toBe(2.5);
    expect(Array.from(next.ranking!.seen.values)).toEqual(shifted(next));
    // A fold-in: the head sees rating − 2.5 — the same as an implicit model given those values.
    const history = [{ item: 'i0', value: 5 }, { item: 'i1', value: 1 }, { item: 'i4', value: 4 }];
    expect(model.recommendForHistory(history, 5)).toEqual(head.recommendForHistory(history.map((e) => ({ ...e, value: e.value - 2.5 })), 5));
    // Liking and disliking one item give different lists; only dislikes: nothing to like, so the popular items.
    const liked = model.recommendForHistory([{ item: 'i1', value: 5 }], 5).map((s) => s.id);
    const disliked = model.recommendForHistory([{ item: 'i1', value: 1 }], 5);
    expect(disliked.map((s) => s.id)).not.toEqual(liked);
    expect(disliked.fallback).toBe('popular');
    expect(disliked.map((s) => s.id)).not.toContain('i1');
  });

  it('keeps every rating as interest where the scale has its own zero (0–10, −10…10)', async () => {
    const data = await generatedRatings();
    const zeroBased = await fromRecords(Array.from({ length: data.length }, (_, j) => ({ user: data.users.id(data.user[j]), item: data.items.id(data.item[j]), value: 2 * data.value[j] - 2 })), { source: '0-8' });
    const { model } = await train(zeroBased, { factors: 4, iterations: 3, workers: 1 });
    expect(model.ranking).toBeDefined();
    expect(model.ranking!.dislikeBelow).toBeUndefined();
    expect(Array.from(model.ranking!.seen.values)).toEqual(Array.from(model.seen.values));
  });
});

describe.skipIf(!present)('top-N from MovieLens-100K ratings', () => {
  const data = present ? parseText(readFileSync(file, 'utf8'), { source: 'u.data' }) : undefined;

  it('ranks as well as an implicit model of the same pairs (relevant ≥ 4), predicts no worse than the rating model alone', async () => {
    const { train: part, test } = splitInteractions(data!, { method: 'per-user', fraction: 0.2, seed: 1 });
    const [two, implicit, ratingOnly] = [await train(part), await train(part, { feedback: 'implicit' }), await train(part, { ranking: 'rating' })];
    const ndcg = ndcgAt10(two.model, part, test);
    expect(ndcg).toBeGreaterThanOrEqual(0.95 * ndcgAt10(implicit.model, part, test));
    // Ranking by predicted rating is far worse: the reason for the head.
    expect(ndcgAt10(ratingOnly.model, part, test)).toBeLessThan(0.5 * ndcg);
    let se = 0;
    let seAlone = 0;
    for (let j = 0; j < test.length; j++) {
      const u = test.users.id(test.user[j]);
      const i = test.items.id(test.item[j]);
      if (part.users.index(u) === undefined || part.items.index(i) === undefined) continue;
      se += (two.model.predict(u, i) - test.value[j]) ** 2;
      seAlone += (ratingOnly.model.predict(u, i) - test.value[j]) ** 2;
    }
    expect(se).toBeLessThanOrEqual(seAlone + 1e-9);
  }, 120_000);

  it('a new fan of Star Wars, Toy Story and Fargo gets films many people rated', async () => {
    const { model } = await train(data!);
    const top = model.recommendForHistory([{ item: '50', value: 5 }, { item: '1', value: 5 }, { item: '100', value: 5 }], 10);
    const support = new Map<string, number>();
    for (let j = 0; j < data!.length; j++) support.set(String(data!.items.id(data!.item[j])), (support.get(String(data!.items.id(data!.item[j]))) ?? 0) + 1);
    expect(top).toHaveLength(10);
    for (const s of top) expect(support.get(String(s.id))).toBeGreaterThanOrEqual(20);
    // Similar to Star Wars: the other Star Wars films lead.
    const similar = model.similarItems('50', 5).map((s) => String(s.id));
    expect(similar).toEqual(expect.arrayContaining(['181', '172']));
  }, 60_000);
});
