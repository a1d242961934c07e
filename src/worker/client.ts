/**
 * `createRecommender`: the engine behind a promise API, in a module Web Worker (via Comlink) or
 * in-thread. This module imports the engine as a type only: in worker mode the page's bundle
 * holds just this client; in-thread mode loads the engine by dynamic `import()`.
 */
import * as Comlink from 'comlink';
import type { InteractionSource } from '../data/parse.js';
import { AlsError, badOption, checkOptions, throwIfAborted } from '../errors.js';
import type { WorkerApi } from './adapter.js';
import { WorkerLink } from './connection.js';
import { inThreadRecommender } from './in-thread.js';
import { forwardingRecommender, LIVENESS_TIMEOUT_MS, RECOMMENDER_OPTION_NAMES, type Recommender, type RecommenderOptions } from './recommender.js';

export { LIVENESS_TIMEOUT_MS, type Recommender, type RecommenderOptions } from './recommender.js';

/** Test-only hooks per worker-backed recommender (see {@link killWorkerForTesting}). */
const testHooks = new WeakMap<Recommender, { kill(how: 'terminate' | 'error'): void; workersStarted(): number }>();

/**
 * TEST-ONLY (not exported from the package entry): `terminate` ends the recommender's worker
 * without telling the client, as a crash or an out-of-memory kill would (pending calls reject
 * with `WORKER_DIED` after the liveness timeout); `error` fires the `error` event a worker
 * with an uncaught error gets (pending calls reject at once). The next call starts a fresh worker.
 * @returns how many workers this recommender has started so far, or -1 for an in-thread one
 */
export function killWorkerForTesting(rec: Recommender, how: 'terminate' | 'error' = 'terminate'): number {
  const h = testHooks.get(rec);
  if (!h) return -1;
  h.kill(how);
  return h.workersStarted();
}

/** TEST-ONLY: how many workers the recommender has started (-1 in-thread). */
export function workersStartedForTesting(rec: Recommender): number {
  return testHooks.get(rec)?.workersStarted() ?? -1;
}

let nextRun = 1;

/**
 * Creates a recommender whose engine runs in a module Web Worker (via Comlink), or in-thread.
 * @example
 * const rec = await createRecommender();
 * const data = await rec.load(file, { onProgress: (p) => console.log(p.stage, p.rows) });
 * await rec.train(data, { feedback: 'implicit', factors: 32, signal: controller.signal });
 * const top = await rec.recommend('user-17', 10);
 */
export async function createRecommender(options: RecommenderOptions = {}): Promise<Recommender> {
  checkOptions(options, RECOMMENDER_OPTION_NAMES);
  const timeout = options.livenessTimeoutMs ?? LIVENESS_TIMEOUT_MS;
  if (!(typeof timeout === 'number' && timeout >= 0 && Number.isFinite(timeout))) {
    throw badOption('livenessTimeoutMs', timeout, 'a finite number ≥ 0 (0 = off)');
  }
  const heartbeat = options.heartbeatMs ?? Math.min(1000, Math.max(5, timeout / 4));
  if (!(typeof heartbeat === 'number' && heartbeat >= 5 && Number.isFinite(heartbeat))) throw badOption('heartbeatMs', heartbeat, 'a finite number ≥ 5');
  const maxMissed = timeout === 0 ? Infinity : Math.max(1, Math.ceil(timeout / heartbeat));
  const inThread = options.inThread ?? typeof Worker === 'undefined';
  if (!inThread && typeof Worker === 'undefined') {
    throw new AlsError('UNSUPPORTED', 'Worker mode needs the Web Worker API, which this runtime lacks (Node has no global Worker): use createRecommender({ inThread: true }) here, or run the work in your own worker_threads Worker.', { feature: 'Worker' });
  }
  if (inThread) return inThreadRecommender();
  return workerRecommender(new WorkerLink({ heartbeat, maxMissed, onRestore: options.onRestore }), options.keepModel ?? true);
}

/** The worker-mode recommender: every call forwarded over the link; long calls map `signal` and `onProgress` onto messages. */
function workerRecommender(link: WorkerLink, keepModel: boolean): Recommender {
  /** After a call that replaced the model: keep its bytes for a restore (one save() round trip). */
  async function keepCurrentModel(): Promise<void> {
    if (!keepModel) return;
    try {
      link.kept = await link.call((remote) => remote.save());
    } catch {
      link.kept = null; // the worker died right after: the new model is lost, and an older one must not come back in its place
    }
  }

  /** A long call: `signal` becomes a run id the worker can abort, `onProgress` a proxied callback. */
  async function long<T>(name: 'load' | 'train' | 'update' | 'crossValidate' | 'evaluate', first: unknown, opts: { signal?: AbortSignal; onProgress?: unknown } = {}): Promise<T> {
    const { onProgress, signal, ...rest } = opts;
    onlyCloneable(rest);
    throwIfAborted(signal);
    const runId = nextRun++;
    return link.call(async (remote) => {
      const onAbort = () => void remote.abort(runId).catch(() => {});
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const method = remote[name] as unknown as (a: unknown, o: object, p?: unknown) => Promise<T>;
        return await method(first, { ...rest, runId }, typeof onProgress === 'function' ? Comlink.proxy(onProgress) : undefined);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  const own: Partial<Recommender> = {
    async dispose() {
      link.dispose();
    },
    async load(source, opts = {}) {
      const movable = typeof ReadableStream !== 'undefined' && source instanceof ReadableStream ? Comlink.transfer(source, [source as unknown as Transferable]) : isPlainIterable(source) ? Array.from(source as Iterable<unknown>) : source;
      return long('load', movable as InteractionSource, opts);
    },
    async train(data, opts = {}) {
      const summary = await long<Awaited<ReturnType<Recommender['train']>>>('train', data, opts);
      await keepCurrentModel();
      return summary;
    },
    async update(data, opts = {}) {
      const summary = await long<Awaited<ReturnType<Recommender['update']>>>('update', data, opts);
      await keepCurrentModel();
      return summary;
    },
    async crossValidate(data, opts = {}) {
      const result = await long<Awaited<ReturnType<Recommender['crossValidate']>>>('crossValidate', data, opts);
      if (result.model) await keepCurrentModel();
      return result;
    },
    evaluate: (test, opts = {}) => long('evaluate', test, opts),
    async recommendMany(users, k, opts = {}) {
      const { signal, ...rest } = opts;
      onlyCloneable(rest);
      throwIfAborted(signal);
      const runId = nextRun++;
      return link.call(async (remote) => {
        const onAbort = () => void remote.abort(runId).catch(() => {});
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          return await remote.recommendMany(users, k, { ...rest, runId });
        } finally {
          signal?.removeEventListener('abort', onAbort);
        }
      });
    },
    async importFactors(source, opts) {
      const info = await link.call((remote) => remote.importFactors(source, opts));
      await keepCurrentModel();
      return info;
    },
    async addItems(features) {
      const result = await link.call((remote) => remote.addItems(features));
      await keepCurrentModel();
      return result;
    },
    async releaseDataset(data) {
      await link.call((remote) => remote.releaseDataset(data));
      link.liveDatasets.delete(typeof data === 'number' ? data : data.id);
    },
    async loadModel(bytes, opts = {}) {
      checkOptions(opts, ['transfer']);
      const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
      // Move only what the caller gave up: a whole, unshared ArrayBuffer with { transfer: true }.
      // Anything else is copied, so a view never detaches its parent buffer and a
      // SharedArrayBuffer view never meets postMessage (a DataCloneError outside isolation).
      const whole = u8.buffer instanceof ArrayBuffer && u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength;
      const copy = opts.transfer === true && whole ? null : new Uint8Array(u8);
      const keep = keepModel ? (copy ?? new Uint8Array(u8)) : null;
      const sent = copy && !keep ? Comlink.transfer(copy, [copy.buffer]) : copy ? copy : Comlink.transfer(u8, [u8.buffer]);
      const info = await link.call((remote) => remote.loadModel(sent));
      if (keep) link.kept = keep;
      return info;
    },
  };
  const rec = forwardingRecommender(own, (name, args) =>
    link.call((remote) => (remote as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name](...args)),
  );
  testHooks.set(rec, {
    kill(how) {
      if (how === 'terminate') link.worker?.terminate();
      else link.worker?.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught RangeError: Out of memory (simulated)', cancelable: true }));
    },
    workersStarted: () => link.started,
  });
  return rec;
}

/**
 * Worker mode: a function or signal under a misspelt name (`onprogress`, `abortSignal`) cannot
 * be cloned to the worker (a DataCloneError there); it is refused as the unknown option it is.
 */
function onlyCloneable(rest: object): void {
  for (const [key, value] of Object.entries(rest)) {
    if (typeof value === 'function' || (typeof AbortSignal !== 'undefined' && value instanceof AbortSignal)) {
      throw badOption(key, typeof value === 'function' ? 'a function' : 'an AbortSignal', 'a known option (unknown name; callbacks go in onProgress, the AbortSignal in signal)');
    }
  }
}

function isPlainIterable(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Symbol.iterator in x && !(x instanceof Blob);
}

export type { WorkerApi };
