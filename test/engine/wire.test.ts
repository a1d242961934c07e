/**
 * The wire between the worker client and the worker's dispatcher, both driven by the CALLS table
 * (src/worker/calls.ts), in Node: a stand-in `Worker` runs the real dispatcher in-process over a
 * real MessageChannel (structured clone and transfer lists as in a browser). Checks that the
 * dispatcher, not the engine, moves the result buffers a row names; that long calls map `signal`
 * and `onProgress` whatever their options' position; and that a call that replaces the model has
 * its bytes kept, so a fresh worker gets the model back.
 */
import * as Comlink from 'comlink';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { workerApi } from '../../src/worker/adapter.js';
import { CALLS } from '../../src/worker/calls.js';
import { createRecommender } from '../../src/worker/client.js';
import '../../src/worker/errors-transfer.js';
import { eventsCsv } from './scenarios.js';

/** Every engine the stand-in workers started, newest last, with the results its calls returned. */
let engines: { engine: Engine; results: Map<string, unknown>; worker: EventTarget & { terminate(): void } }[] = [];

/** A `Worker` whose "thread" is this one: the dispatcher on one end of a MessageChannel. */
class InProcessWorker extends EventTarget {
  private readonly port: MessagePort;
  constructor() {
    super();
    const { port1, port2 } = new MessageChannel();
    const engine = new Engine();
    const results = new Map<string, unknown>();
    // Remember what the engine returned, to see afterwards whether it was moved or copied.
    for (const name of ['save', 'modelView', 'exportFactors'] as const) {
      const method = engine[name].bind(engine) as (...a: unknown[]) => Promise<unknown>;
      (engine as unknown as Record<string, unknown>)[name] = async (...a: unknown[]) => {
        const r = await method(...a);
        results.set(name, r);
        return r;
      };
    }
    Comlink.expose(workerApi(engine), port1);
    this.port = port2;
    port2.addEventListener('message', (e) => this.dispatchEvent(new MessageEvent('message', { data: (e as MessageEvent).data })));
    port2.start();
    engines.push({ engine, results, worker: this });
  }
  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer as never);
  }
  terminate(): void {
    this.port.close();
  }
}

beforeEach(() => {
  engines = [];
  (globalThis as { Worker?: unknown }).Worker = InProcessWorker;
});
afterEach(() => {
  delete (globalThis as { Worker?: unknown }).Worker;
});

const small = { feedback: 'implicit', factors: 4, iterations: 3, seed: 5 } as const;

describe('the CALLS table drives the dispatcher and the client', () => {
  it('has a row for every public method of the engine (and no other)', () => {
    const methods = [Engine.prototype, Object.getPrototypeOf(Engine.prototype)].flatMap((p) => Object.getOwnPropertyNames(p)).filter((n) => n !== 'constructor' && n !== 'current');
    expect(Object.keys(CALLS).sort()).toEqual([...new Set(methods)].sort());
  });

  it('the dispatcher moves the result buffers a row names; the engine returns plain values', async () => {
    const rec = await createRecommender({ inThread: false, livenessTimeoutMs: 0 });
    try {
      await rec.train(await rec.load(eventsCsv()), small);
      const { results } = engines[0];
      // train replaced the model: the client fetched its bytes with save() — moved, not copied.
      const kept = results.get('save') as Uint8Array;
      expect(kept).toBeInstanceOf(Uint8Array);
      expect(kept.byteLength).toBe(0); // detached on the worker's side
      const bytes = await rec.save();
      expect(bytes.byteLength).toBeGreaterThan(100);
      const view = await rec.modelView();
      expect(view.itemFactors.length).toBe(view.items.length * small.factors);
      const sent = results.get('modelView') as { itemFactors: Float64Array; itemCounts: Int32Array; items: unknown[] };
      expect([sent.itemFactors.byteLength, sent.itemCounts.byteLength]).toEqual([0, 0]);
      expect(sent.items.length).toBeGreaterThan(0); // the rest is copied
      const out = await rec.exportFactors('npz');
      const files = Object.values((results.get('exportFactors') as { files: Record<string, Uint8Array> }).files);
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((b) => b.byteLength === 0)).toBe(true);
      expect(Object.values(out.files).every((b) => b.byteLength > 0)).toBe(true);
      // In-thread, nothing is moved: the engine's own values come back as they are.
      const engine = new Engine();
      await engine.train(await engine.load(eventsCsv()), small);
      const own = await engine.save();
      expect(own.byteLength).toBeGreaterThan(100);
    } finally {
      await rec.dispose();
    }
  });

  it('long calls carry progress and cancel across the wire, the options first or third', async () => {
    const rec = await createRecommender({ inThread: false, livenessTimeoutMs: 0 });
    try {
      const stages = new Set<string>();
      const data = await rec.load(eventsCsv(), { onProgress: (p) => stages.add(`load:${p.stage}`) });
      await rec.train(data, { ...small, onProgress: (p) => stages.add(`train:${p.stage}`) });
      expect(stages).toContain('load:index');
      expect(stages).toContain('train:sweep');
      const users = (await rec.modelView()).users.slice(0, 20);
      const many = await rec.recommendMany([...users, 'nobody'], 3, { unknownUsers: 'popular' });
      expect(many).toHaveLength(21);
      expect(many[20]).toMatchObject({ user: 'nobody', fallback: 'popular' });
      expect(many[0].items).toHaveLength(3);
      expect(await rec.recommendMany(users.slice(0, 2))).toHaveLength(2); // k and the options left out
      const controller = new AbortController();
      controller.abort();
      await expect(rec.recommendMany(users, 3, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
      const running = new AbortController();
      const run = rec.train(data, { ...small, iterations: 10_000, signal: running.signal, onProgress: (p) => void (p.stage === 'sweep' && running.abort()) });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      await expect(rec.recommend('nobody', 3)).rejects.toMatchObject({ name: 'AlsError', code: 'UNKNOWN_USER' });
    } finally {
      await rec.dispose();
    }
  });

  it('a call that replaced the model has its bytes kept: after a worker error, the fresh worker serves the same model', async () => {
    const restores: unknown[] = [];
    const rec = await createRecommender({ inThread: false, livenessTimeoutMs: 0, onRestore: (r) => restores.push(r) });
    try {
      await rec.train(await rec.load(eventsCsv()), small);
      const before = await rec.recommend('user3', 5);
      engines[0].worker.dispatchEvent(Object.assign(new Event('error'), { message: 'simulated' }));
      expect(await rec.recommend('user3', 5)).toEqual(before);
      expect(engines).toHaveLength(2);
      expect(restores).toEqual([{ model: true, lostDatasets: [1] }]);
      expect(await rec.info()).toMatchObject({ restored: { model: true } });
    } finally {
      await rec.dispose();
    }
  });
});
