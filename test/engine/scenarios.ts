/**
 * The recommender scenarios, written once and run against the in-thread engine (Node) and
 * the real Web Worker engine (headless Chromium): one suite, two engines.
 */
import { describe, expect, it } from 'vitest';
import type { TrainProgress } from '../../src/train/options.js';
import { builtinDataset } from '../../src/data/builtin.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import type { Recommender } from '../../src/worker/client.js';
import { npyBytes } from '../helpers/npy.js';

/** The built-in events as CSV text with a header (user,item,event,timestamp). */
export function eventsCsv(): string {
  const ds = builtinDataset();
  return 'user,item,event,timestamp\n' + ds.events.map((e) => `${e.user},${e.item},${e.event},${e.timestamp}`).join('\n') + '\n';
}

/** Explicit ratings as TSV (u.data style). */
export function ratingsTsv(): string {
  const d = generateSynthetic({ users: 300, items: 200, interactions: 9000, feedback: 'explicit', rank: 4, seed: 2, minPerUser: 10 });
  const lines: string[] = [];
  for (let j = 0; j < d.length; j++) lines.push(`${d.users.id(d.user[j])}\t${d.items.id(d.item[j])}\t${d.value[j]}\t${1000 + j}`);
  return lines.join('\n') + '\n';
}

/**
 * @param name - suite name
 * @param make - creates a fresh recommender
 * @param asSource - turns CSV text into what a user of that environment would load (a string, or a File)
 */
export function recommenderScenarios(name: string, make: () => Promise<Recommender>, asSource: (text: string, fileName: string) => unknown) {
  describe(name, () => {
    it('loads a CSV with progress and trains explicit ALS with progress events', async () => {
      const rec = await make();
      try {
        const parse: string[] = [];
        const data = await rec.load(asSource(ratingsTsv(), 'u.data') as string, { onProgress: (p) => parse.push(p.stage) });
        expect(data).toMatchObject({ users: 300, items: 200, interactions: 9000, hasValue: true, hasTimestamp: true, feedback: 'explicit' });
        // Play counts (most 1, a long tail) are implicit feedback: the handle says what train will take.
        const plays = Array.from({ length: 60 }, (_, j) => `u${j % 9},a${j % 13},${j % 4 === 0 ? 1 + j * 7 : 1}`).join('\n');
        const counts = await rec.load(asSource(plays, 'plays.csv') as string);
        expect(counts).toMatchObject({ hasValue: true, feedback: 'implicit' });
        await rec.releaseDataset(counts);
        await until(() => parse.includes('index')); // progress crosses the worker asynchronously
        expect(parse).toContain('parse');
        const { train, test, testPairs } = await rec.split(data, { method: 'per-user', fraction: 0.2, seed: 1 });
        expect(train.interactions + test.interactions).toBe(9000);
        expect(testPairs).toBe(test.interactions);
        const events: TrainProgress[] = [];
        const summary = await rec.train(train, { feedback: 'explicit', factors: 8, regularization: 0.1, biases: true, iterations: 6, onProgress: (p) => events.push(p) });
        expect(summary.iterations).toBe(6);
        expect(summary.loss).toHaveLength(6);
        // Progress is delivered asynchronously across a worker: wait for the last event (rating files train the rating model, then its ranking head).
        await until(() => events.filter((e) => e.stage === 'done').length === 2);
        expect(events.filter((e) => e.stage === 'head').map((e) => (e as { head: string }).head)).toEqual(['rating', 'ranking']);
        expect(events.filter((e) => e.stage === 'iteration')).toHaveLength(12);
        expect(events.some((e) => e.stage === 'sweep')).toBe(true);
        const quality = await rec.evaluate(test);
        expect(quality).toMatchObject({ count: expect.any(Number) });
        expect((quality as { rmse: number }).rmse).toBeLessThan(1.2);
      } finally {
        await rec.dispose();
      }
    });

    it('tunes (issue 13): one tune event per run, the refit model keeps the winner, and a cancel mid-search keeps the model', async () => {
      const rec = await make();
      try {
        const data = await rec.load(asSource(ratingsTsv(), 'u.data') as string);
        const events: TrainProgress[] = [];
        const s = await rec.train(data, { feedback: 'explicit', factors: 4, tune: { budgetSeconds: 20 }, onProgress: (p) => events.push(p) });
        const tuned = s.tuned!;
        expect(tuned.trials.length).toBeGreaterThanOrEqual(5);
        expect(tuned.metric).toBe('rmse');
        // The rating model's search comes first; its ranking head searches after the 'head' event.
        const headStart = () => events.findIndex((e) => e.stage === 'head' && e.head === 'ranking');
        await until(() => headStart() >= 0 && events.slice(0, headStart()).filter((e) => e.stage === 'tune').length === tuned.trials.length);
        expect(s.regularization).toBeCloseTo(tuned.params.regularization, 10);
        expect(s.options).toMatchObject({ factors: 4, biases: tuned.params.biases, iterations: tuned.params.iterations });
        const before = await rec.recommend('u1', 5);
        const controller = new AbortController();
        const run = rec.train(data, { feedback: 'explicit', tune: { budgetSeconds: 30 }, signal: controller.signal, onProgress: (e) => e.stage === 'tune' && controller.abort() });
        await expect(run).rejects.toMatchObject({ name: 'AbortError' });
        expect(await rec.recommend('u1', 5)).toEqual(before);
      } finally {
        await rec.dispose();
      }
    });

    it('trains implicit ALS on event weights; recommends, finds similar items, folds in and explains', async () => {
      const rec = await make();
      try {
        const data = await rec.load(asSource(eventsCsv(), 'events.csv') as string);
        expect(data.events.sort()).toEqual(['basket', 'purchase', 'view']);
        await rec.train(data, { feedback: 'implicit', factors: 16, alpha: 2, regularization: 0.1, eventWeights: { view: 1, basket: 4, purchase: 10 }, iterations: 8 });
        const top = await rec.recommend('user1', 5);
        expect(top).toHaveLength(5);
        const sims = await rec.similarItems('m1', 5);
        expect(sims.map((s) => s.id)).not.toContain('m1');
        const fresh = await rec.recommendForNewUser([{ item: 'm1', value: 4 }, { item: 'm11', value: 4 }], 5);
        expect(fresh.map((r) => r.id)).not.toContain('m1');
        expect(fresh).toMatchObject({ fallback: null, unknownItems: [] });
        // No known item: the most popular items, marked, with the unknown ids (across the worker boundary too).
        const cold = await rec.recommendForNewUser([{ item: 'not-a-film' }], 3);
        expect(Array.isArray(cold)).toBe(true);
        expect(cold).toMatchObject({ fallback: 'popular', unknownItems: ['not-a-film'] });
        expect(cold[0].score).toBeGreaterThanOrEqual(cold[2].score);
        const ex = await rec.explain('user1', String(top[0].id), { topN: 3 });
        const sum = ex.contributions.reduce((s, c) => s + c.contribution, 0) + ex.rest + ex.baseline;
        expect(sum).toBeCloseTo(ex.score, 10);
        const info = await rec.info();
        expect(info.model).toMatchObject({ factors: 16, feedback: 'implicit', trainedHere: true });
      } finally {
        await rec.dispose();
      }
    });

    it('cancels a run with an AbortError, keeps the previous model, and trains again at once', async () => {
      const rec = await make();
      try {
        const data = await rec.load(asSource(eventsCsv(), 'events.csv') as string);
        await rec.train(data, { feedback: 'implicit', factors: 8, iterations: 3 });
        const before = await rec.recommend('user2', 5);
        const controller = new AbortController();
        const run = rec.train(data, {
          feedback: 'implicit',
          factors: 64,
          iterations: 500,
          onProgress: (p) => {
            if (p.stage === 'iteration' && p.iteration === 2) controller.abort();
          },
          signal: controller.signal,
        });
        await expect(run).rejects.toMatchObject({ name: 'AbortError' });
        expect(await rec.recommend('user2', 5)).toEqual(before);
        const again = await rec.train(data, { feedback: 'implicit', factors: 8, iterations: 2 });
        expect(again.iterations).toBe(2);
      } finally {
        await rec.dispose();
      }
    });

    it('saves and loads a model with identical recommendations in a fresh recommender', async () => {
      const a = await make();
      const b = await make();
      try {
        const data = await a.load(asSource(eventsCsv(), 'events.csv') as string);
        await a.train(data, { feedback: 'implicit', factors: 8, iterations: 3 });
        const bytes = await a.save();
        expect(bytes).toBeInstanceOf(Uint8Array);
        await b.loadModel(bytes);
        for (const u of ['user1', 'user5', 'user9']) expect(await b.recommend(u, 5)).toEqual(await a.recommend(u, 5));
        const corrupt = (await a.save()).slice();
        corrupt[corrupt.length - 10] ^= 0xff;
        await expect(b.loadModel(corrupt)).rejects.toMatchObject({ code: 'BAD_MODEL_FILE' });
        expect(await b.recommend('user1', 5)).toEqual(await a.recommend('user1', 5)); // the previous model stayed
      } finally {
        await a.dispose();
        await b.dispose();
      }
    });

    it('updates the model with new events (records or a dataset), keeps it as a real user, and warm-starts training', async () => {
      const rec = await make();
      try {
        const data = await rec.load(asSource(eventsCsv(), 'events.csv') as string);
        const weights = { view: 1, basket: 4, purchase: 10 };
        await rec.train(data, { feedback: 'implicit', factors: 8, regularization: 0.5, eventWeights: weights, iterations: 4 });
        const before = await rec.info();
        await expect(rec.recommend('me', 3)).rejects.toMatchObject({ code: 'UNKNOWN_USER' });
        const progress: string[] = [];
        const summary = await rec.update(
          [
            { user: 'me', item: 'm1', event: 'purchase' },
            { user: 'me', item: 'm11', event: 'view' },
          ],
          { onProgress: (p) => progress.push(p.side) },
        );
        expect(summary).toMatchObject({ rows: 2, newUsers: 1, newItems: 0, usersSolved: 1, itemsSolved: 2, users: before.model!.users + 1, items: before.model!.items });
        await until(() => progress.includes('items'));
        const mine = await rec.recommend('me', 5);
        expect(mine.map((r) => r.id)).not.toContain('m1'); // seen items stay out
        // From a loaded dataset; items: 'keep' leaves known items as they are.
        const more = await rec.load(asSource('user,item,event\nme,m2,basket\nuser1,new-film,purchase\n', 'more.csv') as string);
        const second = await rec.update(more, { items: 'keep' });
        expect(second).toMatchObject({ newUsers: 0, newItems: 1, usersSolved: 2, itemsSolved: 1 });
        expect((await rec.similarItems('new-film', 3)).length).toBe(3);
        const c = new AbortController();
        c.abort();
        await expect(rec.update([{ user: 'me', item: 'm3' }], { signal: c.signal })).rejects.toMatchObject({ name: 'AbortError' });
        const warm = await rec.train(data, { eventWeights: weights, regularization: 0.5, iterations: 1, warmStart: true });
        expect(warm).toMatchObject({ iterations: 1, options: { factors: 8 } });
      } finally {
        await rec.dispose();
      }
    });

    it('imports item factors from an .npy and folds in a user', async () => {
      const rec = await make();
      try {
        // Three items in two obvious directions.
        const Y = Float32Array.from([1, 0, 0.9, 0.1, 0, 1]);
        await rec.importFactors(npyBytes(Y, [3, 2]), { format: 'npy', ids: ['a', 'b', 'c'], regularization: 0.01 });
        const recs = await rec.recommendForNewUser([{ item: 'a', value: 3 }], 2);
        expect(recs[0].id).toBe('b');
        expect((await rec.similarItems('a', 1))[0].id).toBe('b');
      } finally {
        await rec.dispose();
      }
    });

    it('cross-validates a grid with progress, refits the best, and watches a held-out metric while training', async () => {
      const rec = await make();
      try {
        const data = await rec.load(asSource(ratingsTsv(), 'u.data') as string);
        const progress: string[] = [];
        const cv = await rec.crossValidate(data, {
          base: { feedback: 'explicit', iterations: 4 },
          grid: { factors: [2, 4], regularization: [0.05, 500] },
          compareDefaults: false,
          folds: 3,
          seed: 1,
          refit: true,
          onProgress: (p) => progress.push(p.stage),
        });
        expect(cv.trials).toHaveLength(4);
        expect(cv.metric).toBe('rmse');
        // λ = 500 shrinks every prediction towards 0 on a 1–5 scale: the search must prefer λ = 0.05.
        expect(cv.best.params.regularization).toBe(0.05);
        expect(cv.model).toMatchObject({ users: 300, items: 200, factors: cv.best.params.factors });
        await until(() => progress.filter((s) => s === 'trial-done').length === 4);
        expect(await rec.recommend('u1', 3)).toHaveLength(3); // the refit model serves

        const { train, test } = await rec.split(data, { method: 'per-user', fraction: 0.2, seed: 2 });
        const events: TrainProgress[] = [];
        const summary = await rec.train(train, { feedback: 'explicit', factors: 4, iterations: 5, validation: { data: test, patience: 3 }, onProgress: (p) => events.push(p) });
        expect(summary.validation!.history.length).toBeGreaterThan(0);
        await until(() => events.filter((e) => e.stage === 'done').length === 2);
        expect(events.filter((e) => e.stage === 'validation' && e.metric === 'rmse')).toHaveLength(summary.validation!.history.length);

        const controller = new AbortController();
        const run = rec.crossValidate(data, { base: { iterations: 50, factors: 16 }, grid: { factors: [8, 16] }, folds: 5, signal: controller.signal });
        setTimeout(() => controller.abort(), 50);
        await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      } finally {
        await rec.dispose();
      }
    });

    it('serves many users, users for an item, similar users and popular items (issue 16)', async () => {
      const rec = await make();
      try {
        const data = await rec.load(asSource(eventsCsv(), 'events.csv') as string);
        await rec.train(data, { feedback: 'implicit', eventWeights: { view: 1, basket: 4, purchase: 10 }, factors: 8, iterations: 3 });
        const users = ['user1', 'user2', 'user3', 'nobody'];
        const many = await rec.recommendMany(users, 5, { exclude: ['m1'], unknownUsers: 'popular' });
        expect(many.map((r) => [r.user, r.fallback])).toEqual([['user1', null], ['user2', null], ['user3', null], ['nobody', 'popular']]);
        for (const r of many.slice(0, 3)) expect(r.items).toEqual(await rec.recommend(r.user, 5, { exclude: ['m1'] }));
        expect(many[3].items).toEqual(await rec.popular(5, { exclude: ['m1'] }));
        await expect(rec.recommendMany(users, 5)).rejects.toMatchObject({ code: 'UNKNOWN_USER', details: { user: 'nobody' } });
        const fans = await rec.usersForItem('m1', 4);
        expect(fans).toHaveLength(4);
        const similar = await rec.similarUsers('user1', 3, { exclude: ['user2'] });
        expect(similar.map((r) => r.id)).not.toContain('user1');
        expect(similar.map((r) => r.id)).not.toContain('user2');
        const sims = await rec.similarItems('m1', 3, { candidates: ['m2', 'm3', 'm4', 'm5'] });
        expect(sims.every((r) => ['m2', 'm3', 'm4', 'm5'].includes(String(r.id)))).toBe(true);
        const controller = new AbortController();
        controller.abort();
        await expect(rec.recommendMany(users.slice(0, 3), 5, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
      } finally {
        await rec.dispose();
      }
    });

    it('side information (issue 17): trains with genres, adds a film by its genres, explains it and keeps it across save/load', async () => {
      const rec = await make();
      try {
        const ds = builtinDataset();
        const data = await rec.load(asSource(eventsCsv(), 'events.csv') as string);
        const itemFeatures = ds.catalogue.map((c) => ({ id: c.id, feature: `genre=${c.genre}` }));
        const summary = await rec.train(data, { feedback: 'implicit', factors: 16, iterations: 6, eventWeights: { view: 1, basket: 4, purchase: 10 }, itemFeatures });
        expect(summary.items).toBe(ds.catalogue.length); // pseudo rows are no items
        expect((await rec.info()).model?.features?.item).toHaveLength(10);
        const added = await rec.addItems([{ id: 'brand-new', feature: 'genre=Horror' }]);
        expect(added).toMatchObject({ added: ['brand-new'], unknownFeatures: [], model: { items: ds.catalogue.length + 1 } });
        const fan = [...ds.tastes].find(([, t]) => t.includes('Horror'))![0];
        const why = await rec.explain(fan, 'brand-new');
        expect(why.byFeatures?.features.map((c) => c.feature)).toEqual(['genre=Horror']);
        expect(why.byFeatures!.features[0].contribution).toBeGreaterThan(0);
        const similar = await rec.similarItems('brand-new', 5);
        const genreOf = new Map(ds.catalogue.map((c) => [c.id, c.genre]));
        expect(similar.filter((s) => genreOf.get(String(s.id)) === 'Horror').length).toBeGreaterThanOrEqual(4);
        const bytes = await rec.save();
        await rec.loadModel(bytes);
        expect(await rec.similarItems('brand-new', 5)).toEqual(similar);
      } finally {
        await rec.dispose();
      }
    });

    it('keeps error codes and details across the boundary', async () => {
      const rec = await make();
      try {
        await expect(rec.recommend('nobody')).rejects.toMatchObject({ name: 'AlsError', code: 'NOT_TRAINED' });
        const data = await rec.load(asSource('u,i,r\n1,2,3\n1,3,4\n2,2,5\n', 'tiny.csv') as string);
        await expect(rec.train(data, { factors: 0 })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'factors' } });
        await rec.train(data, { factors: 2, iterations: 1 });
        await expect(rec.recommend('nobody')).rejects.toMatchObject({ code: 'UNKNOWN_USER', details: { user: 'nobody' } });
        await expect(rec.load(asSource('user,item,rating\n1,2,x\n', 'bad.csv') as string)).rejects.toMatchObject({ code: 'PARSE_ERROR', details: { line: 2 } });
      } finally {
        await rec.dispose();
      }
    });
  });
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 5));
  }
}
