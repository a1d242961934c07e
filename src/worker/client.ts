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
import { callSpec, replacedModel } from './calls.js';
import { inThreadRecommender } from './in-thread.js';
import { forwardingRecommender, LIVENESS_TIMEOUT_MS, RECOMMENDER_OPTION_NAMES, type Recommender, type RecommenderOptions } from './recommender.js';

export { LIVENESS_TIMEOUT_MS, type Recommender, type RecommenderOptions } from './recommender.js';

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

/**
 * The worker-mode recommender: every call goes over the link as its row of the CALLS table
 * says — a long call maps `signal` and `onProgress` onto a run id and a proxied callback, a call
 * that replaced the model has its bytes kept for a restore. Only what concerns the arguments
 * (moving a stream or model bytes, forgetting a released dataset) is written out here.
 */
function workerRecommender(link: WorkerLink, keepModel: boolean): Recommender {
  /** After a call that replaced the model: keep its bytes for a restore (one save() round trip), or the bytes the caller sent. */
  async function keepCurrentModel(sent?: Uint8Array): Promise<void> {
    if (!keepModel) return;
    if (sent) {
      link.kept = sent;
      return;
    }
    try {
      link.kept = await link.call((remote) => remote.save());
    } catch {
      link.kept = null; // the worker died right after: the new model is lost, and an older one must not come back in its place
    }
  }

  /** One call by its row: `kept` is the model's bytes when the caller sent them (loadModel). */
  async function call(name: string, args: unknown[], kept?: Uint8Array): Promise<unknown> {
    const spec = callSpec(name);
    if (!spec || name === 'restore') throw new TypeError(`recommender.${name} is not a function`);
    const result = spec.long === undefined ? await link.call((remote) => method(remote, name)(...args)) : await long(name, args, spec.long);
    if (replacedModel(spec, result)) await keepCurrentModel(kept);
    return result;
  }

  /** A long call: `signal` becomes a run id the worker can abort, `onProgress` a proxied callback (after the options). */
  async function long(name: string, args: unknown[], at: number): Promise<unknown> {
    const { onProgress, signal, ...rest } = (args[at] ?? {}) as { signal?: AbortSignal; onProgress?: unknown };
    onlyCloneable(rest);
    throwIfAborted(signal);
    const runId = nextRun++;
    const head = Array.from({ length: at }, (_, i) => args[i]);
    return link.call(async (remote) => {
      const onAbort = () => void remote.abort(runId).catch(() => {});
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await method(remote, name)(...head, { ...rest, runId }, typeof onProgress === 'function' ? Comlink.proxy(onProgress) : undefined);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  const own: Partial<Recommender> = {
    async dispose() {
      link.dispose();
    },
    async load(source, opts) {
      const movable = typeof ReadableStream !== 'undefined' && source instanceof ReadableStream ? Comlink.transfer(source, [source as unknown as Transferable]) : isPlainIterable(source) ? Array.from(source as Iterable<unknown>) : source;
      return call('load', [movable as InteractionSource, opts]) as ReturnType<Recommender['load']>;
    },
    async releaseDataset(data) {
      await call('releaseDataset', [data]);
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
      const keep = keepModel ? (copy ?? new Uint8Array(u8)) : undefined;
      const sent = copy && !keep ? Comlink.transfer(copy, [copy.buffer]) : copy ? copy : Comlink.transfer(u8, [u8.buffer]);
      return call('loadModel', [sent], keep) as ReturnType<Recommender['loadModel']>;
    },
  };
  return forwardingRecommender(own, call);
}

/** A method of the remote by name (the CALLS table vouches for the name). */
function method(remote: Comlink.Remote<WorkerApi>, name: string): (...a: unknown[]) => Promise<unknown> {
  return (remote as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
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
