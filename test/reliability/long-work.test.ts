/**
 * Issue 14, item 1 and the worker/API items of item 5, in Node (the Chromium twins are in
 * test/browser/reliability.test.ts): evaluation and validation run in chunks of users that
 * yield, report progress and can be cancelled; in-thread dispose() behaves as in the worker;
 * worker mode without a Worker API is refused at creation; a restored engine reports lost
 * datasets with DATASET_LOST.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { evaluateModel } from '../../src/select/evaluate.js';
import { loadInteractions } from '../../src/data/parse.js';
import { createRecommender } from '../../src/worker/client.js';
import { heldOutCsvs } from '../helpers/held-out.js';

const implicit = { feedback: 'implicit', factors: 8, iterations: 2, seed: 5 } as const;

/** Counts timer ticks while `work` runs: a call that never yields lets none through. */
async function ticksDuring<T>(work: () => Promise<T>): Promise<{ value: T; ticks: number; ms: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const t0 = performance.now();
  try {
    const value = await work();
    return { value, ticks, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

describe('long work yields (issue 14)', () => {
  const { train, test } = heldOutCsvs(3000, 4000, 10, 20);

  it('evaluate runs in chunks of users that yield and report progress; the metrics are the bits of the one-step evaluation', async () => {
    const engine = new Engine();
    const tr = await engine.load(train);
    const te = await engine.load(test);
    await engine.train(tr, implicit);
    const progress: { stage: string; usersDone: number; usersTotal: number }[] = [];
    const { value, ticks, ms } = await ticksDuring(() => engine.evaluate(te, { k: 10, onProgress: (p) => progress.push(p) }));
    expect(ms).toBeGreaterThan(60); // long enough that a non-yielding call would starve the timer
    expect(ticks).toBeGreaterThan(2);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((p) => p.stage === 'evaluate')).toBe(true);
    expect(progress.at(-1)).toEqual({ stage: 'evaluate', usersDone: 3000, usersTotal: 3000 });
    // The same sums in the same order as the synchronous evaluateModel (the CLI's).
    const model = (engine as unknown as { model: Parameters<typeof evaluateModel>[0] }).model;
    expect(value).toEqual(evaluateModel(model, await loadInteractions(test), { k: 10 }));
  });

  it('evaluate is cancelled by its signal between chunks (AbortError)', async () => {
    const engine = new Engine();
    const tr = await engine.load(train);
    const te = await engine.load(test);
    await engine.train(tr, implicit);
    const controller = new AbortController();
    const run = engine.evaluate(te, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('validation during training yields and reports `validating` progress per chunk of users', async () => {
    const engine = new Engine();
    const tr = await engine.load(train);
    const te = await engine.load(test);
    const stages = new Set<string>();
    let validating = 0;
    const { ticks } = await ticksDuring(() =>
      engine.train(tr, {
        ...implicit,
        validation: { data: te, metric: 'ndcg' },
        onProgress: (p) => {
          stages.add(p.stage);
          if (p.stage === 'validating') validating++;
        },
      }),
    );
    expect(stages).toContain('validation');
    expect(validating).toBeGreaterThan(2);
    expect(ticks).toBeGreaterThan(2);
  });
});

describe('in-thread dispose() and Node worker mode (issue 14, item 5)', () => {
  it('in-thread: dispose() stops a running train and later calls reject with DISPOSED', async () => {
    const rec = await createRecommender({ inThread: true });
    const data = await rec.load(heldOutCsvs(2000, 1000, 20, 0).train);
    await rec.train(data, implicit);
    let sweeps = 0;
    const running = rec.train(data, { ...implicit, factors: 32, iterations: 5000, onProgress: (p) => void (p.stage === 'sweep' && sweeps++) });
    while (sweeps === 0) await new Promise((r) => setTimeout(r, 1));
    const t0 = performance.now();
    await rec.dispose();
    await expect(running).rejects.toMatchObject({ name: 'AlsError', code: 'DISPOSED' });
    expect(performance.now() - t0).toBeLessThan(10_000); // stopped, not run to the end (5000 iterations)
    await expect(rec.info()).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(rec.recommend('u1', 5)).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(rec.load('u,i\n1,2\n')).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('createRecommender({ inThread: false }) in Node is refused at creation with UNSUPPORTED', async () => {
    expect(typeof (globalThis as { Worker?: unknown }).Worker).toBe('undefined');
    await expect(createRecommender({ inThread: false })).rejects.toMatchObject({ name: 'AlsError', code: 'UNSUPPORTED' });
  });

  it('an engine restored after a worker death: the model is back, lost dataset ids reject with DATASET_LOST and are never reused', async () => {
    const old = new Engine();
    const data = await old.load(heldOutCsvs(200, 100, 10, 0).train);
    await old.train(data, implicit);
    const before = await old.recommend('u3', 5);
    const bytes = await old.save();
    const fresh = new Engine();
    expect(await fresh.restore({ model: bytes, nextDatasetId: data.id + 1, lostDatasets: [data.id] })).toEqual({ model: true, lostDatasets: [data.id] });
    expect(await fresh.recommend('u3', 5)).toEqual(before);
    expect((await fresh.info()).restored).toEqual({ model: true, lostDatasets: [data.id] });
    await expect(fresh.train(data, implicit)).rejects.toMatchObject({ code: 'DATASET_LOST', details: { dataset: data.id } });
    await expect(fresh.evaluate(data.id)).rejects.toMatchObject({ code: 'DATASET_LOST' });
    const again = await fresh.load(heldOutCsvs(200, 100, 10, 0).train);
    expect(again.id).toBeGreaterThan(data.id);
  });
});
