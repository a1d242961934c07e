/**
 * Side information (issue 17) on planted data where an item's factors are determined by its
 * features: items of G genres, each user loves one genre and interacts only with items of it.
 * Items held out entirely (cold: features, no interactions) must rank where their genre puts
 * them, for explicit and implicit feedback, Cholesky and CG, one thread and a worker pool.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import type { AlsModel } from '../../src/model/model.js';
import { fromRecords } from '../../src/data/records.js';
import { addItems, recommendForNewUserWithFeatures } from '../../src/features/cold.js';
import { PSEUDO_PREFIX, type FeatureRecord } from '../../src/features/types.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { evaluateModel } from '../../src/select/evaluate.js';
import { PoolKeeper } from '../../src/parallel/lease.js';
import { Engine } from '../../src/engine/engine.js';

const G = 4;
const ITEMS = 48;
const USERS = 60;
const genreOf = (i: number) => i % G;
const cold = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((t) => 40 + t)); // two cold items per genre
const itemFeatures: FeatureRecord[] = Array.from({ length: ITEMS }, (_, i) => ({ id: `i${i}`, feature: `genre=g${genreOf(i)}` }));
const userFeatures: FeatureRecord[] = Array.from({ length: USERS }, (_, u) => ({ id: `u${u}`, feature: `likes=g${u % G}` }));

/** Each user u loves genre u mod G and rates 7 of its warm items (5; explicit) and 3 others (1). */
async function planted(explicit: boolean) {
  const rows: { user: string; item: string; value: number }[] = [];
  for (let u = 0; u < USERS; u++) {
    const liked = Array.from({ length: ITEMS }, (_, i) => i).filter((i) => genreOf(i) === u % G && !cold.has(i));
    for (let t = 0; t < 7; t++) rows.push({ user: `u${u}`, item: `i${liked[(u * 3 + t) % liked.length]}`, value: explicit ? 5 : 1 });
    if (explicit) for (let t = 0; t < 3; t++) rows.push({ user: `u${u}`, item: `i${((u * 7 + t * 5) % 40) - (genreOf((u * 7 + t * 5) % 40) === u % G ? 1 : 0) + (((u * 7 + t * 5) % 40) === 0 ? 2 : 0)}`, value: 1 });
  }
  return fromRecords(rows, { source: 'planted' });
}

/** Share of (user, liked cold item, other cold item) triples ranked the right way round. */
function coldAuc(model: AlsModel): number {
  let right = 0;
  let total = 0;
  for (let u = 0; u < USERS; u++) {
    const scores = model.scoreUser(model.userIndex(`u${u}`));
    for (const a of cold) {
      if (genreOf(a) !== u % G) continue;
      for (const b of cold) {
        if (genreOf(b) === u % G) continue;
        total++;
        if (scores[model.itemIndex(`i${a}`)] > scores[model.itemIndex(`i${b}`)]) right++;
      }
    }
  }
  return right / total;
}

const keeper = new PoolKeeper();
afterAll(() => keeper.dispose());

describe.each([
  { name: 'implicit, Cholesky', o: { feedback: 'implicit' as const, factors: 8, iterations: 10, regularization: 0.1 } },
  { name: 'implicit, CG', o: { feedback: 'implicit' as const, factors: 8, iterations: 10, regularization: 0.1, solver: 'cg' as const } },
  { name: 'explicit, Cholesky', o: { feedback: 'explicit' as const, factors: 8, iterations: 10, regularization: 0.05 } },
  { name: 'explicit, CG', o: { feedback: 'explicit' as const, factors: 8, iterations: 10, regularization: 0.05, solver: 'cg' as const } },
])('cold items from their features: $name', ({ o }) => {
  it('ranks each user\'s genre first among the cold items; pseudo rows are no users or items', async () => {
    const data = await planted(o.feedback === 'explicit');
    const { model } = await train(data, { ...o, itemFeatures, workers: 1 });
    expect(model.items.size).toBe(ITEMS);
    expect(model.users.size).toBe(USERS);
    expect(model.seen.cols).toBe(ITEMS);
    for (const id of [...model.users.ids(), ...model.items.ids()]) expect(String(id).startsWith(PSEUDO_PREFIX)).toBe(false);
    expect(model.features?.item?.names.sort()).toEqual(['genre=g0', 'genre=g1', 'genre=g2', 'genre=g3']);
    expect(coldAuc(model)).toBeGreaterThan(0.95);
    // Without features the cold items are unknown to the model.
    const plain = await train(data, { ...o, workers: 1 });
    expect(plain.model.items.index('i40')).toBeUndefined();
  });

  it('trains the same factors on a pool of 2 workers as on one thread', async () => {
    const data = await planted(o.feedback === 'explicit');
    const one = await train(data, { ...o, itemFeatures, workers: 1 });
    const two = await train(data, { ...o, itemFeatures, workers: 2 }, { pool: keeper });
    expect(two.report.workersUsed).toBe(2);
    expect(Array.from(two.model.params.itemFactors)).toEqual(Array.from(one.model.params.itemFactors));
    expect(Array.from(two.model.features!.item!.factors)).toEqual(Array.from(one.model.features!.item!.factors));
  });
});

describe('serving with features', () => {
  const o = { feedback: 'implicit' as const, factors: 8, iterations: 10, regularization: 0.1, workers: 1 };

  it('explains a cold item by its genre, the shares adding up to the score', async () => {
    const { model } = await train(await planted(false), { ...o, itemFeatures });
    const e = model.explain('u1', 'i41').byFeatures!;
    expect(e.interactions).toBe(0); // a cold item: no user interacted with it
    expect(e.features.map((c) => c.feature)).toEqual(['genre=g1']);
    expect(e.features[0].contribution).toBeGreaterThan(0);
    expect(e.score).toBeCloseTo(model.predict('u1', 'i41'), 6); // the cold item's factors are this very solve
  });

  it('addItems: a new item with a genre is recommended to that genre\'s users and similar to its genre', async () => {
    const { model } = await train(await planted(false), { ...o, itemFeatures });
    const { model: next, added, unknownFeatures } = await addItems(model, [{ id: 'new', feature: 'genre=g2' }, { id: 'new', feature: 'mood=odd' }]);
    expect(added).toEqual(['new']);
    expect(unknownFeatures).toEqual(['mood=odd']);
    expect(model.items.index('new')).toBeUndefined(); // the old model is unchanged
    const top = next.recommend('u2', 3, { candidates: ['new', 'i40', 'i41', 'i43'] });
    expect(top[0].id).toBe('new');
    const similar = next.similarItems('new', 5).map((s) => genreOf(Number(String(s.id).slice(1))));
    expect(similar.filter((g) => g === 2).length).toBeGreaterThanOrEqual(4);
    expect(next.explain('u2', 'new').byFeatures!.features[0].feature).toBe('genre=g2');
    await expect(addItems(model, [{ id: 'i3', feature: 'genre=g0' }])).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });

  it('cold users from their features, and a new user from features through the engine', async () => {
    const data = await planted(false);
    const someUsers = [...userFeatures, { id: 'newcomer', feature: 'likes=g3' }];
    const { model } = await train(data, { ...o, itemFeatures, userFeatures: someUsers });
    expect(model.users.size).toBe(USERS + 1); // the cold user is a user; the pseudo-items are not items
    expect(model.items.size).toBe(ITEMS);
    const top = model.recommend('newcomer', 4).map((s) => genreOf(Number(String(s.id).slice(1))));
    expect(top.filter((g) => g === 3).length).toBeGreaterThanOrEqual(3);
    const engine = new Engine();
    const handle = await engine.load(
      Array.from({ length: data.length }, (_, j) => ({ user: data.users.id(data.user[j]), item: data.items.id(data.item[j]), value: data.value[j] })),
    );
    await engine.train(handle, { ...o, itemFeatures, userFeatures });
    const info = (await engine.info()).model!;
    expect(info.features?.user.length).toBe(G);
    const recs = await engine.recommendForNewUser([], 4, { features: [{ feature: 'likes=g0' }, { feature: 'nope' }] });
    expect(recs.unknownFeatures).toEqual(['nope']);
    expect(recs.filter((s) => genreOf(Number(String(s.id).slice(1))) === 0).length).toBeGreaterThanOrEqual(3);
    const added = await engine.addItems([{ id: 'x', feature: 'genre=g0' }]);
    expect(added.model?.items).toBe(ITEMS + 1);
    await engine.dispose();
  });

  it('a new user from a history together with attributes (fold-in over items and the attributes\' pseudo-items)', async () => {
    const { model } = await train(await planted(false), { ...o, itemFeatures, userFeatures });
    const recs = recommendForNewUserWithFeatures(model, [{ item: 'i0' }, { item: 'i4' }], [{ feature: 'likes=g0' }], 6);
    expect(recs.fallback).toBeNull();
    expect(recs.map((s) => s.id)).not.toContain('i0'); // the history is left out
    expect(recs.filter((s) => genreOf(Number(String(s.id).slice(1))) === 0).length).toBeGreaterThanOrEqual(5);
    // Without attributes it is plain fold-in.
    const plain = recommendForNewUserWithFeatures(model, [{ item: 'i0' }], [], 3);
    expect(plain.map((s) => s.id)).toEqual(model.recommendForHistory([{ item: 'i0' }], 3).map((s) => s.id));
  });

  it('evaluate with candidates ranks only those items', async () => {
    const { model } = await train(await planted(false), { ...o, itemFeatures });
    const test = await fromRecords(Array.from({ length: USERS }, (_, u) => ({ user: `u${u}`, item: `i${40 + (u % G)}` })), { source: 'cold test' });
    const onlyCold = evaluateModel(model, test, { k: 2, candidates: [...cold].map((i) => `i${i}`) });
    if (!('ndcg' in onlyCold)) throw new Error('ranking metrics expected');
    expect(onlyCold.users).toBe(USERS);
    expect(onlyCold.ndcg).toBeGreaterThan(0.6); // 2 of the 8 candidates have the user's genre
    expect(() => evaluateModel(model, test, { candidates: ['nope'] })).toThrow(/Unknown item/);
  });

  it('BM25 weighting with features: the model keeps one idf per real item, also after addItems and a save/load', async () => {
    const { model } = await train(await planted(false), { ...o, weighting: 'bm25', itemFeatures });
    expect(model.bm25?.idf.length).toBe(ITEMS);
    const { model: next } = await addItems(model, [{ id: 'n', feature: 'genre=g1' }]);
    expect(next.bm25?.idf.length).toBe(ITEMS + 1);
    const back = await loadModel(saveModel(next));
    expect(back.recommend('u1', 5)).toEqual(next.recommend('u1', 5));
    expect(coldAuc(model)).toBeGreaterThan(0.9);
  });

  it('with held-out validation, and through an incremental update (features kept; a new item by update carries none)', async () => {
    const data = await planted(false);
    const test = await fromRecords(Array.from({ length: USERS }, (_, u) => ({ user: `u${u}`, item: `i${genreOf(u) + 36}` })), { source: 'held out' });
    const { model, report } = await train(data, { ...o, itemFeatures, validation: { data: test } });
    expect(report.validation?.history.length).toBeGreaterThan(0);
    const { model: next } = await model.update([{ user: 'u1', item: 'i41', value: 1 }, { user: 'u2', item: 'brand-new', value: 1 }]);
    expect(next.features?.item?.names).toEqual(model.features?.item?.names);
    expect(next.features!.item!.indptr.length).toBe(next.items.size + 1);
    expect(next.explain('u3', 'i45').byFeatures?.features[0].feature).toBe('genre=g1');
    expect(next.explain('u3', 'brand-new').byFeatures).toBeDefined();
  });

  it('round-trips the features through the model file (format v2)', async () => {
    const { model } = await train(await planted(true), { feedback: 'explicit', factors: 6, iterations: 5, itemFeatures, userFeatures, workers: 1 });
    const back = await loadModel(saveModel(model));
    expect(back.features?.weight).toBe(model.features?.weight);
    expect(back.features?.item?.names).toEqual(model.features?.item?.names);
    expect(Array.from(back.features!.item!.factors)).toEqual(Array.from(model.features!.item!.factors));
    expect(Array.from(back.features!.user!.biases!)).toEqual(Array.from(model.features!.user!.biases!));
    expect(back.explain('u1', 'i41')).toEqual(model.explain('u1', 'i41'));
    const a = await addItems(back, [{ id: 'n', feature: 'genre=g1' }]);
    const b = await addItems(model, [{ id: 'n', feature: 'genre=g1' }]);
    expect(a.model.predict('u1', 'n')).toBe(b.model.predict('u1', 'n'));
  });
});
