/**
 * Reliability in real Chromium, through the real module Web Worker: a worker that dies,
 * 100 train → cancel → train cycles, corrupt IndexedDB entries and model files, an
 * out-of-memory problem, and determinism against the digests Node computes.
 */
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/io/model-format.js';
import { loadFromIndexedDB, saveToIndexedDB } from '../../src/io/store.js';
import { createRecommender, type Recommender } from '../../src/worker/client.js';
import { eventsCsv } from '../engine/scenarios.js';
import { heldOutCsvs } from '../helpers/held-out.js';
import { watchWorkers, type WorkerWatch } from '../helpers/worker-spy.js';
import { DETERMINISM_CASES, DETERMINISM_KERNELS, determinismCsv, sha256, trainedDigest } from '../reliability/determinism-cases.js';
import expected from '../reliability/determinism-hashes.json' with { type: 'json' };

const digests = expected as Record<string, Record<string, string>>;
/** The engine workers this test started (one recommender per test), and a way to kill the live one. */
let workers: WorkerWatch;
beforeEach(() => {
  workers = watchWorkers();
});
afterEach(() => workers.stop());

const small = { feedback: 'implicit', factors: 8, iterations: 3, seed: 3 } as const;

async function withRec<T>(fn: (rec: Recommender) => Promise<T>, opts = {}): Promise<T> {
  const rec = await createRecommender(opts);
  try {
    return await fn(rec);
  } finally {
    await rec.dispose();
  }
}

describe('reliability in Chromium', () => {
  it('a worker killed mid-training: the call rejects with WORKER_DIED, the next call gets a fresh worker with the last model restored', async () => {
    await withRec(
      async (rec) => {
        const data = await rec.load(new File([eventsCsv()], 'events.csv'));
        await rec.train(data, small);
        const before = await rec.recommend('user3', 5);
        const saved = await rec.save();
        let sweeps = 0;
        const running = rec.train(data, { ...small, factors: 64, iterations: 200, onProgress: (p) => void (p.stage === 'sweep' && sweeps++) });
        while (sweeps === 0) await new Promise((r) => setTimeout(r, 5));
        const t0 = performance.now();
        expect(workers.kill()).toBe(1);
        await expect(running).rejects.toMatchObject({ name: 'AlsError', code: 'WORKER_DIED', details: { reason: 'unresponsive' } });
        expect(performance.now() - t0).toBeLessThan(8000); // promptly: the liveness timeout (2 s) plus a check interval
        // The next call runs in a new worker, which gets the last trained model back (issue 14);
        // the dataset lived in the dead worker and is reported lost.
        const info = await rec.info();
        expect(info.restored).toEqual({ model: true, lostDatasets: [data.id] });
        expect(info.model).toMatchObject({ factors: small.factors });
        expect(workers.started()).toBe(2);
        expect(await rec.recommend('user3', 5)).toEqual(before);
        await expect(rec.train(data, small)).rejects.toMatchObject({ code: 'DATASET_LOST', details: { dataset: data.id } });
        await rec.loadModel(saved);
        expect(await rec.recommend('user3', 5)).toEqual(before);
        // And it trains again.
        const again = await rec.load(new File([eventsCsv()], 'events.csv'));
        await rec.train(again, small);
        expect(await rec.recommend('user3', 5)).toEqual(before); // same data, same seed
      },
      { livenessTimeoutMs: 2000 },
    );
  });

  it('a call made after the worker silently died rejects with WORKER_DIED; the one after works', async () => {
    await withRec(
      async (rec) => {
        await rec.info();
        workers.kill();
        await expect(rec.info()).rejects.toMatchObject({ code: 'WORKER_DIED' });
        expect((await rec.info()).environment.worker).toBe(true);
        expect(workers.started()).toBe(2);
      },
      { livenessTimeoutMs: 2000 },
    );
  });

  it("a worker's error event (an uncaught error, e.g. out of memory) rejects the pending call at once with WORKER_DIED", async () => {
    await withRec(async (rec) => {
      const data = await rec.load(new File([eventsCsv()], 'events.csv'));
      let sweeps = 0;
      const running = rec.train(data, { ...small, factors: 64, iterations: 200, onProgress: (p) => void (p.stage === 'sweep' && sweeps++) });
      while (sweeps === 0) await new Promise((r) => setTimeout(r, 5));
      const t0 = performance.now();
      workers.kill('error');
      const err = await running.catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'WORKER_DIED', details: { reason: 'error' } });
      expect((err as Error).message).toMatch(/Out of memory \(simulated\)/);
      expect(performance.now() - t0).toBeLessThan(1000);
      await rec.train(await rec.load(new File([eventsCsv()], 'events.csv')), small);
      expect(workers.started()).toBe(2);
    });
  });

  it('calls after dispose reject with DISPOSED and start no worker', async () => {
    const rec = await createRecommender();
    await rec.info();
    await rec.dispose();
    await expect(rec.info()).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(workers.started()).toBe(1);
  });

  it('100 cycles of train → cancel at a random moment → train: WASM memory and worker count stay flat, training stays correct', async () => {
    await withRec(async (rec) => {
      const data = await rec.load(new File([eventsCsv()], 'events.csv'));
      const reference = await rec.train(data, small);
      const long = { ...small, factors: 32, iterations: 8 };
      let t0 = performance.now();
      await rec.train(data, long);
      const runMs = performance.now() - t0;
      const wasm: number[] = [];
      const heap: (number | null)[] = [];
      let cancelled = 0;
      for (let cycle = 0; cycle < 100; cycle++) {
        const controller = new AbortController();
        const run = rec.train(data, { ...long, signal: controller.signal });
        // Random moments: before the call reaches the worker, mid-sweep, or after it finished.
        await new Promise((r) => setTimeout(r, Math.random() * runMs * 0.8));
        controller.abort();
        await run.then(
          () => undefined,
          (e: Error) => {
            expect(e.name).toBe('AbortError');
            cancelled++;
          },
        );
        const summary = await rec.train(data, small);
        expect(summary.loss).toEqual(reference.loss); // bit-identical: nothing left over from the cancelled run
        const info = await rec.info();
        wasm.push(info.memory.wasmBytes);
        heap.push(info.memory.jsHeapBytes);
      }
      t0 = performance.now() - t0;
      console.log(`100 cycles (${(t0 / 1000).toFixed(1)} s, one uncancelled run ${runMs.toFixed(0)} ms): ${cancelled} cancelled mid-run; WASM bytes first/last ${wasm[0]}/${wasm[99]}; JS heap first/last ${heap[0]}/${heap[99]}`);
      expect(cancelled).toBeGreaterThan(10);
      expect(new Set(wasm).size).toBe(1); // the same bytes after every cycle: nothing accumulates
      expect(workers.started()).toBe(1);
    });
  });

  it('a corrupt, truncated, future-version or foreign IndexedDB entry is refused and the current model stays', async () => {
    await withRec(async (rec) => {
      const data = await rec.load(new File([eventsCsv()], 'events.csv'));
      await rec.train(data, small);
      const before = await rec.recommend('user3', 5);
      await saveToIndexedDB(rec, 'good');
      const db = await openDB('als-wasm', 1);
      const good = (await db.get('models', 'good')) as { bytes: Uint8Array };
      const flipped = good.bytes.slice();
      flipped[flipped.length >> 1] ^= 0x10;
      const future = good.bytes.slice();
      new DataView(future.buffer).setUint32(8, 9, true); // a plausible newer version (one far beyond is read as damage);
      const entries: [string, unknown, string | undefined][] = [
        ['flipped', { bytes: flipped }, 'checksum'],
        ['truncated', { bytes: good.bytes.slice(0, good.bytes.length - 100) }, 'truncated'],
        ['future', { bytes: future }, 'version'],
        ['text', { bytes: new TextEncoder().encode('{"not":"a model"}') }, 'not-model'],
        ['wrong-shape', { model: 'x' }, undefined],
        ['string', 'ALSWASM', undefined],
      ];
      for (const [name, value] of entries) await db.put('models', value, name);
      db.close();
      for (const [name, , reason] of entries) {
        const err = await loadFromIndexedDB(rec, name).catch((e: unknown) => e);
        expect(err, name).toMatchObject({ name: 'AlsError', code: 'BAD_MODEL_FILE' });
        if (reason) expect((err as { details: { reason: string } }).details.reason).toBe(reason);
        expect(await rec.recommend('user3', 5)).toEqual(before);
      }
    });
  });

  it('a problem too big for wasm32 is refused before allocating, with the estimate; the engine keeps working', async () => {
    await withRec(async (rec) => {
      // 600 000 users × 300 items at f = 1024: ~4.6 GiB, beyond wasm32's 4 GiB.
      const lines: string[] = [];
      for (let u = 0; u < 600_000; u++) lines.push(`u${u},i${u % 300}`);
      const data = await rec.load(lines.join('\n'));
      const err = await rec.train(data, { feedback: 'implicit', factors: 1024, iterations: 1 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'OUT_OF_MEMORY' });
      const d = (err as { details: { neededBytes: number; limitBytes: number } }).details;
      expect(d.neededBytes).toBeGreaterThan(d.limitBytes);
      expect((await rec.info()).memory.wasmBytes).toBeLessThan(64 << 20); // nothing was allocated for it
      await rec.train(data, { feedback: 'implicit', factors: 4, iterations: 1 }); // a problem that fits trains
    });
  });

  describe('determinism: Chromium gives the same factor bits as Node (committed digests)', () => {
    for (const name of Object.keys(DETERMINISM_CASES)) {
      it.each(DETERMINISM_KERNELS)(`${name}, %s kernels, in the page`, async (kernels) => {
        expect(await trainedDigest(name, kernels)).toBe(digests[name][kernels]);
      });
    }

    it('through the worker (auto = relaxed kernels), every case', async () => {
      await withRec(async (rec) => {
        const data = await rec.load(determinismCsv());
        for (const name of Object.keys(DETERMINISM_CASES)) {
          await rec.train(data, DETERMINISM_CASES[name]);
          const { blocks } = decodeModel(await rec.save());
          const parts = [blocks.get('userFactors'), blocks.get('itemFactors'), blocks.get('userBiases'), blocks.get('itemBiases')].filter((b): b is Float64Array => b instanceof Float64Array);
          expect(await sha256(...parts), name).toBe(digests[name].relaxed);
        }
      });
    });
  });
});

describe('long work never looks dead; a dead worker gives its model back (issue 14)', () => {
  it('evaluate on a 900 000-row test set in the worker completes with the default liveness settings, answering calls and reporting progress meanwhile', async () => {
    // 20 000 users × 10 000 items; 10 training and 45 held-out items per user (900 000 test rows).
    const { train, test } = heldOutCsvs(20_000, 10_000, 10, 45);
    await withRec(async (rec) => {
      const tr = await rec.load(new File([train], 'train.csv'));
      const te = await rec.load(new File([test], 'test.csv'));
      expect(te.interactions).toBe(900_000);
      let t0 = performance.now();
      await rec.train(tr, { feedback: 'implicit', factors: 16, iterations: 2, seed: 1 });
      const trainMs = performance.now() - t0;
      t0 = performance.now();
      const bytes = await rec.save();
      const saveMs = performance.now() - t0;
      const progress: number[] = [];
      const answers: number[] = [];
      t0 = performance.now();
      const running = rec.evaluate(te, { k: 10, onProgress: (p) => progress.push(p.usersDone) });
      // While it runs, other calls are answered between chunks of users (a liveness ping is one such call).
      let done = false;
      void running.finally(() => (done = true));
      while (!done) {
        const a0 = performance.now();
        await rec.info();
        answers.push(performance.now() - a0);
        await new Promise((r) => setTimeout(r, 250));
      }
      const r = await running;
      const evaluateMs = performance.now() - t0;
      console.log(
        `900k-row evaluate in the worker: ${(evaluateMs / 1000).toFixed(1)} s (${progress.length} progress events, ${answers.length} calls answered meanwhile, slowest ${Math.max(...answers).toFixed(0)} ms); ` +
          `train ${(trainMs / 1000).toFixed(1)} s; save() of the ${(bytes.byteLength / 2 ** 20).toFixed(1)} MiB model kept for restores ${saveMs.toFixed(0)} ms`,
      );
      expect(r).toMatchObject({ k: 10, users: 20_000 });
      expect(progress.length).toBeGreaterThan(3);
      expect(progress.at(-1)).toBe(20_000);
      expect(Math.max(...answers)).toBeLessThan(2000);
      expect(workers.started()).toBe(1);
    });
  }, 300_000);

  it('a healthy worker busy far longer than livenessTimeoutMs is not declared dead: it answers the heartbeats between chunks', async () => {
    // 10 000 users × 10 000 items: seconds of evaluation (one synchronous step before issue 14)
    // against a 1 s budget of missed heartbeats (4 heartbeats of 250 ms).
    const { train, test } = heldOutCsvs(10_000, 10_000, 10, 20);
    await withRec(
      async (rec) => {
        const tr = await rec.load(new File([train], 'train.csv'));
        const te = await rec.load(new File([test], 'test.csv'));
        await rec.train(tr, { feedback: 'implicit', factors: 16, iterations: 1, seed: 1 });
        const t0 = performance.now();
        const r = await rec.evaluate(te, { k: 10 });
        const ms = performance.now() - t0;
        console.log(`evaluate of 10 000 users × 10 000 items with livenessTimeoutMs 1000: ${ms.toFixed(0)} ms, one worker`);
        expect(ms).toBeGreaterThan(1000); // longer than the budget: only the heartbeats kept it alive
        expect(r).toMatchObject({ users: 10_000 });
        expect(workers.started()).toBe(1);
      },
      { livenessTimeoutMs: 1000 },
    );
  }, 300_000);

  it('after a worker dies, the next call restores the last trained or loaded model into the fresh worker and reports the datasets lost (DATASET_LOST)', async () => {
    const restores: { model: boolean; lostDatasets: number[] }[] = [];
    await withRec(
      async (rec) => {
        const data = await rec.load(new File([eventsCsv()], 'events.csv'));
        const { train, test } = await rec.split(data, { method: 'per-user', fraction: 0.2, seed: 1 });
        await rec.train(train, small);
        const before = await rec.recommend('user3', 5);
        workers.kill('error');
        expect(await rec.recommend('user3', 5)).toEqual(before); // restored, without reloading anything
        expect(restores).toEqual([{ model: true, lostDatasets: [data.id, train.id, test.id].sort((a, b) => a - b) }]);
        expect((await rec.info()).restored).toEqual(restores[0]);
        await expect(rec.evaluate(test)).rejects.toMatchObject({ name: 'AlsError', code: 'DATASET_LOST', details: { dataset: test.id } });
        await expect(rec.split(data)).rejects.toMatchObject({ code: 'DATASET_LOST', details: { dataset: data.id } });
        // New datasets get new ids: an old handle never names a new dataset.
        const again = await rec.load(new File([eventsCsv()], 'events.csv'));
        expect(again.id).toBeGreaterThan(test.id);
        // A loaded model is what comes back after the next death.
        const other = await rec.train(again, { ...small, seed: 11 });
        expect(other.options.seed).toBe(11);
        const otherTop = await rec.recommend('user3', 5);
        const saved = await rec.save();
        await rec.train(again, small);
        await rec.loadModel(saved);
        workers.kill('error');
        expect(await rec.recommend('user3', 5)).toEqual(otherTop);
        expect(restores[1]).toEqual({ model: true, lostDatasets: [data.id, train.id, test.id, again.id].sort((a, b) => a - b) });
        expect(workers.started()).toBe(3);
      },
      { onRestore: (r: { model: boolean; lostDatasets: number[] }) => restores.push({ ...r, lostDatasets: [...r.lostDatasets].sort((a, b) => a - b) }) },
    );
  });

  it('loadModel copies the bytes unless { transfer: true }: the buffer, a view’s parent buffer and a SharedArrayBuffer view all stay usable', async () => {
    await withRec(async (rec) => {
      await rec.train(await rec.load(new File([eventsCsv()], 'events.csv')), small);
      const top = await rec.recommend('user3', 5);
      const bytes = await rec.save();
      const n = bytes.byteLength;
      await rec.loadModel(bytes);
      expect(bytes.byteLength).toBe(n); // not detached
      await rec.loadModel(bytes.buffer as ArrayBuffer); // and usable again, as an ArrayBuffer too
      expect(bytes.byteLength).toBe(n);
      const parent = new Uint8Array(n + 64);
      parent.set(bytes, 32);
      await rec.loadModel(parent.subarray(32, 32 + n));
      expect(parent.byteLength).toBe(n + 64);
      expect(parent.subarray(32, 32 + n)).toEqual(bytes);
      // A SharedArrayBuffer view (outside cross-origin isolation posting it is a DataCloneError).
      const shared = new WebAssembly.Memory({ initial: Math.ceil(n / 65536), maximum: 256, shared: true });
      const view = new Uint8Array(shared.buffer, 0, n);
      view.set(bytes);
      await rec.loadModel(view);
      expect(await rec.recommend('user3', 5)).toEqual(top);
      const given = bytes.slice();
      await rec.loadModel(given, { transfer: true });
      expect(given.byteLength).toBe(0); // moved, as asked
      expect(await rec.recommend('user3', 5)).toEqual(top);
    });
  });
});
