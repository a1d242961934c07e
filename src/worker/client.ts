import * as Comlink from 'comlink';
import type { RecommendManyOptions, UserRecommendations } from '../als/model.js';
import type { TrainProgress } from '../als/options.js';
import type { Id } from '../data/types.js';
import type { InteractionSource } from '../data/parse.js';
import { Engine, type CrossValidationSummary, type DatasetHandle, type EngineCrossValidateOptions, type EngineTrainOptions, type LoadOptions, type TrainSummary, type UpdateSummary } from '../engine/engine.js';
import type { UpdateOptions, UpdateProgress } from '../als/update.js';
import type { InteractionRecord } from '../data/types.js';
import type { CvProgress } from '../eval/cross-validate.js';
import type { EvaluateOptions, EvaluateProgress, RankingEvaluation, RatingEvaluation } from '../eval/evaluate.js';
import { AlsError, badOption, checkOptions, throwIfAborted } from '../errors.js';
import type { WorkerApi } from './worker.js';
import './errors-transfer.js';

/** Options of {@link createRecommender}. */
export interface RecommenderOptions {
  /** Run the engine on the calling thread instead of a Web Worker (Node, tests). Default: in-thread where `Worker` is missing. */
  inThread?: boolean;
  /**
   * Worker mode: how long the worker may miss heartbeats before it is declared dead — pending
   * calls reject with `WORKER_DIED` and the next call starts a fresh worker (and restores the
   * model, see {@link RecommenderOptions.onRestore}). Catches a worker that vanished without an
   * error event (killed, crashed out of memory). While calls are pending the client pings the
   * worker every `heartbeatMs`; the engine answers between chunks of work (training, parsing,
   * evaluation and validation all yield every ~25 ms), so a busy worker keeps answering.
   * Death = `ceil(livenessTimeoutMs / heartbeatMs)` consecutive heartbeats without an answer.
   * 0 turns the check off. Default 30 000.
   */
  livenessTimeoutMs?: number;
  /** Worker mode: interval of the liveness pings, in ms. Default min(1000, livenessTimeoutMs / 4). */
  heartbeatMs?: number;
  /**
   * Worker mode: keep the current model's bytes on the calling thread (fetched with `save()`
   * after each successful `train`, `update`, `loadModel`, `importFactors` and `crossValidate` refit), so
   * that after a worker death the next call restores the model into the fresh worker. Costs a
   * copy of the model file in memory and one `save()` per new model. Default true.
   */
  keepModel?: boolean;
  /**
   * Worker mode: called when a fresh worker replaced one that died — whether the model was
   * restored, and the dataset ids that were lost (calls naming them reject with
   * `DATASET_LOST`). Default: a `console.warn`. `info().restored` reports the same.
   */
  onRestore?: (r: { model: boolean; lostDatasets: number[] }) => void;
}

/** Every option of {@link RecommenderOptions} (typed: a new option fails to compile until listed). */
const RECOMMENDER_OPTION_NAMES = Object.keys({ inThread: 1, livenessTimeoutMs: 1, heartbeatMs: 1, keepModel: 1, onRestore: 1 } satisfies Record<keyof RecommenderOptions, 1>);

/** A fresh worker loads its module and compiles WASM before it can answer: it gets at least this long. */
const STARTUP_GRACE_MS = 20_000;

/** Default of {@link RecommenderOptions.livenessTimeoutMs}. */
export const LIVENESS_TIMEOUT_MS = 30_000;

/**
 * The async recommender API: the engine's methods, with `onProgress` and `signal` options
 * that work across the worker boundary. Every method returns a promise.
 */
export interface Recommender {
  /** Parses and indexes interactions where the engine runs (progress: `parse`, `index`). */
  load(source: InteractionSource, opts?: LoadOptions): Promise<DatasetHandle>;
  /** Splits a dataset into train and test handles. */
  split: Engine['split'];
  /** Trains a model (progress: `init`, `sweep`, `iteration`, `done`); cancel with `signal`. */
  train(data: DatasetHandle | number, opts?: EngineTrainOptions): Promise<TrainSummary>;
  /**
   * Adds interactions (a dataset handle or records) to the current model, re-solving only the
   * touched rows (progress: `update`); cancel with `signal`. The updated model replaces the current one.
   */
  update(data: DatasetHandle | number | InteractionRecord[], opts?: UpdateOptions): Promise<UpdateSummary>;
  /** K-fold cross-validation and hyper-parameter search (progress per fold and trial); cancel with `signal`. */
  crossValidate(data: DatasetHandle | number, opts?: EngineCrossValidateOptions): Promise<CrossValidationSummary>;
  /** Top-k for a known user. */
  recommend: Engine['recommend'];
  /** Top-k for many known users in one call (blocked WASM scoring); `signal` cancels between slices of users. */
  recommendMany(users: Id[], k?: number, opts?: RecommendManyOptions & { signal?: AbortSignal }): Promise<UserRecommendations[]>;
  /** The users most likely to want an item. */
  usersForItem: Engine['usersForItem'];
  /** Similar users by cosine. */
  similarUsers: Engine['similarUsers'];
  /** The most popular training items (the cold-user fallback). */
  popular: Engine['popular'];
  /** Top-k for a new user's history by fold-in; nothing stored. */
  recommendForNewUser: Engine['recommendForNewUser'];
  /** A new user's factors by fold-in. */
  foldIn: Engine['foldIn'];
  /** Similar items by cosine. */
  similarItems: Engine['similarItems'];
  /** Score of one pair. */
  predict: Engine['predict'];
  /** Per-item contributions to a score. */
  explain: Engine['explain'];
  /** Held-out quality, in chunks of users that yield (progress: `evaluate`); cancel with `signal`. */
  evaluate(test: DatasetHandle | number, opts?: EvaluateOptions): Promise<RatingEvaluation | RankingEvaluation>;
  /** The model file's bytes (transferred, not copied). */
  save: Engine['save'];
  /**
   * Loads a model file; a bad file is refused and the current model stays. The bytes are
   * copied (the caller's buffer stays usable; a SharedArrayBuffer view works) unless
   * `{ transfer: true }`, which moves a buffer the bytes span whole to the worker (it is then
   * detached) instead of copying it.
   */
  loadModel(bytes: Uint8Array | ArrayBuffer, opts?: { transfer?: boolean }): ReturnType<Engine['loadModel']>;
  /** Imports factors trained elsewhere (implicit .npy/.npz, Spark model directory / Parquet / JSON, CSV). */
  importFactors: Engine['importFactors'];
  /** Adds items to the model from their features, without retraining. */
  addItems: Engine['addItems'];
  /** The model's factors for another engine: implicit's `.npz` or Spark-style JSON lines. */
  exportFactors: Engine['exportFactors'];
  /** Frees a dataset. */
  releaseDataset: Engine['releaseDataset'];
  /** Engine facts: kernels, model, datasets, environment. */
  info: Engine['info'];
  /** Frees everything; terminates the worker. Later calls reject with `DISPOSED`. */
  dispose(): Promise<void>;
}

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

/** One live worker and its Comlink remote; `died` rejects when it is declared dead. */
interface Connection {
  worker: Worker;
  remote: Comlink.Remote<WorkerApi>;
  died: Promise<never>;
  pending: number;
  pingSince: number | null;
  /** Whether the worker has answered anything yet (until then it may still be compiling: see STARTUP_GRACE_MS). */
  answered: boolean;
  timer: ReturnType<typeof setInterval> | undefined;
  /** Heartbeats in a row that got no answer (reset by any answer). */
  missed: number;
  /** Restoring the last model into this (fresh) worker; calls wait for it. */
  restoring?: Promise<unknown>;
  alive: boolean;
  end(error: AlsError): void;
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
  const keepModel = options.keepModel ?? true;
  const inThread = options.inThread ?? typeof Worker === 'undefined';
  if (!inThread && typeof Worker === 'undefined') {
    throw new AlsError('UNSUPPORTED', 'Worker mode needs the Web Worker API, which this runtime lacks (Node has no global Worker): use createRecommender({ inThread: true }) here, or run the work in your own worker_threads Worker.', { feature: 'Worker' });
  }
  if (inThread) return inThreadRecommender(new Engine());
  let conn: Connection | null = null;
  let started = 0;
  let disposed = false;
  /** The last model's file bytes, restored into a fresh worker after a death (keepModel). */
  let kept: Uint8Array | null = null;
  /** Dataset ids the live worker holds, those lost with dead workers, and the highest id seen. */
  const liveDatasets = new Set<number>();
  const lostDatasets = new Set<number>();
  let maxDataset = 0;
  let needsRestore = false;

  /** The live worker, or a fresh one (lazily: after a death the next call gets a new worker). */
  function connect(): Connection {
    if (disposed) throw new AlsError('DISPOSED', 'This recommender was disposed; create a new one with createRecommender().', {});
    if (conn) return conn;
    // The literal form lets Vite and other bundlers find and bundle the worker.
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'als-wasm' });
    started++;
    let reject!: (e: unknown) => void;
    const died = new Promise<never>((_, r) => (reject = r));
    died.catch(() => {}); // only pending calls care
    const c: Connection = {
      worker,
      remote: Comlink.wrap<WorkerApi>(worker),
      died,
      pending: 0,
      pingSince: null,
      answered: false,
      timer: undefined,
      missed: 0,
      alive: true,
      end(error) {
        if (!c.alive) return;
        c.alive = false;
        if (conn === c) conn = null;
        if (!disposed) {
          // The next worker gets the model back; the datasets lived here and are gone.
          needsRestore = true;
          for (const id of liveDatasets) lostDatasets.add(id);
          liveDatasets.clear();
        }
        clearInterval(c.timer);
        worker.terminate();
        reject(error);
      },
    };
    // An uncaught error in the worker (a failed module load, a crash) leaves calls unanswered.
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      c.end(workerDied('error', `failed (${ev.message || 'uncaught error in the worker'})`));
    });
    worker.addEventListener('messageerror', () => c.end(workerDied('messageerror', 'sent a message that could not be read')));
    conn = c;
    if (needsRestore) {
      needsRestore = false;
      c.restoring = c.remote.restore({ model: kept ?? undefined, nextDatasetId: maxDataset + 1, lostDatasets: [...lostDatasets] }).then(
        (r) => {
          c.answered = true;
          if (options.onRestore) options.onRestore(r);
          else console.warn(`als-wasm: the engine's worker died and was replaced; ${r.model ? 'the last model was restored' : 'there was no model to restore'}${r.lostDatasets.length ? `, datasets ${r.lostDatasets.join(', ')} were lost (load them again)` : ''}.`);
        },
        (e: unknown) => {
          if (c.alive) console.warn('als-wasm: restoring the model into a fresh worker failed:', e);
        },
      );
    }
    return c;
  }

  /** Runs one remote call; it rejects with WORKER_DIED as soon as the worker is declared dead. */
  async function call<T>(fn: (remote: Comlink.Remote<WorkerApi>) => Promise<T>): Promise<T> {
    const c = connect();
    c.pending++;
    watch(c);
    try {
      if (c.restoring) await Promise.race([c.restoring, c.died]);
      const answer = fn(c.remote);
      // Any answer, result or error, shows the worker is up.
      const up = () => {
        c.answered = true;
        c.missed = 0;
      };
      answer.then(up, up);
      const result = await Promise.race([answer, c.died]);
      noteDatasets(result);
      return result;
    } finally {
      c.pending--;
    }
  }

  /**
   * While calls are pending, sends a heartbeat ping every `heartbeat` ms. A heartbeat whose ping
   * is still unanswered at the next tick is missed; `maxMissed` in a row (more before the worker
   * first answered: it may still be compiling) and the worker is declared dead. Counting ticks
   * rather than reading a clock also keeps a throttled background tab from a false alarm.
   */
  function watch(c: Connection): void {
    if (timeout === 0 || c.timer !== undefined) return;
    c.timer = setInterval(() => {
      if (!c.alive) return;
      if (c.pending === 0) {
        clearInterval(c.timer);
        c.timer = undefined;
        c.pingSince = null;
        c.missed = 0;
        return;
      }
      if (c.pingSince !== null) {
        c.missed++;
        const limit = c.answered ? maxMissed : Math.max(maxMissed, Math.ceil(STARTUP_GRACE_MS / heartbeat));
        if (c.missed >= limit) c.end(workerDied('unresponsive', `missed ${c.missed} heartbeats in a row (${Math.round((c.missed * heartbeat) / 1000)} s without an answer: terminated or crashed, e.g. out of memory)`));
        return;
      }
      c.pingSince = Date.now();
      c.remote.ping().then(
        () => {
          c.pingSince = null;
          c.answered = true;
          c.missed = 0;
        },
        () => {},
      );
    }, heartbeat);
  }

  /** Remembers the dataset handles a call returned (load, split), so a death can report them lost. */
  function noteDatasets(result: unknown): void {
    if (typeof result !== 'object' || result === null) return;
    for (const h of isHandle(result) ? [result] : Object.values(result).filter(isHandle)) {
      liveDatasets.add(h.id);
      maxDataset = Math.max(maxDataset, h.id);
    }
  }

  /** After a call that replaced the model: keep its bytes for a restore (one save() round trip). */
  async function keepCurrentModel(): Promise<void> {
    if (!keepModel) return;
    try {
      kept = await call((remote) => remote.save());
    } catch {
      kept = null; // the worker died right after: the new model is lost, and an older one must not come back in its place
    }
  }

  const engine = new Proxy({} as Engine, {
    get: (_t, name: string) => (...args: unknown[]) => call((r) => (r as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name](...args)),
  });
  const rec: Recommender = {
    ...bind(engine, async () => {
      disposed = true;
      conn?.end(new AlsError('DISPOSED', 'The recommender was disposed while this call was running.', {}));
    }),
    async load(source, opts = {}) {
      const { onProgress, signal, ...rest } = opts;
      onlyCloneable(rest);
      const movable = typeof ReadableStream !== 'undefined' && source instanceof ReadableStream ? Comlink.transfer(source, [source as unknown as Transferable]) : isPlainIterable(source) ? Array.from(source as Iterable<unknown>) : source;
      return withAbort(signal, (remote, runId) => remote.load(movable as InteractionSource, { ...rest, runId }, onProgress ? Comlink.proxy(onProgress) : undefined));
    },
    async train(data, opts = {}) {
      const { onProgress, signal, ...rest } = opts;
      onlyCloneable(rest);
      const summary = await withAbort(signal, (remote, runId) => remote.train(data, { ...rest, runId }, onProgress ? Comlink.proxy(onProgress as (p: TrainProgress) => void) : undefined));
      await keepCurrentModel();
      return summary;
    },
    async update(data, opts = {}) {
      const { onProgress, signal, ...rest } = opts;
      onlyCloneable(rest);
      const summary = await withAbort(signal, (remote, runId) => remote.update(data, { ...rest, runId }, onProgress ? Comlink.proxy(onProgress as (p: UpdateProgress) => void) : undefined));
      await keepCurrentModel();
      return summary;
    },
    async crossValidate(data, opts = {}) {
      const { onProgress, signal, ...rest } = opts;
      onlyCloneable(rest);
      const result = await withAbort(signal, (remote, runId) => remote.crossValidate(data, { ...rest, runId }, onProgress ? Comlink.proxy(onProgress as (p: CvProgress) => void) : undefined));
      if (result.model) await keepCurrentModel();
      return result;
    },
    async evaluate(test, opts = {}) {
      const { onProgress, signal, ...rest } = opts;
      onlyCloneable(rest);
      return withAbort(signal, (remote, runId) => remote.evaluate(test, { ...rest, runId }, onProgress ? Comlink.proxy(onProgress as (p: EvaluateProgress) => void) : undefined) as Promise<RatingEvaluation | RankingEvaluation>);
    },
    async recommendMany(users, k, opts = {}) {
      const { signal, ...rest } = opts;
      onlyCloneable(rest);
      return withAbort(signal, (remote, runId) => remote.recommendMany(users, k, { ...rest, runId }));
    },
    async importFactors(source, opts) {
      const info = await call((remote) => remote.importFactors(source, opts));
      await keepCurrentModel();
      return info;
    },
    async addItems(features) {
      const result = await call((remote) => remote.addItems(features));
      await keepCurrentModel();
      return result;
    },
    async releaseDataset(data) {
      await call((remote) => remote.releaseDataset(data));
      liveDatasets.delete(typeof data === 'number' ? data : data.id);
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
      const info = await call((remote) => remote.loadModel(sent));
      if (keep) kept = keep;
      return info;
    },
  };
  testHooks.set(rec, {
    kill(how) {
      if (how === 'terminate') conn?.worker.terminate();
      else conn?.worker.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught RangeError: Out of memory (simulated)', cancelable: true }));
    },
    workersStarted: () => started,
  });
  return rec;

  /** Maps an AbortSignal to the engine's run id, so cancel reaches the worker between chunks. */
  async function withAbort<T>(signal: AbortSignal | undefined, run: (remote: Comlink.Remote<WorkerApi>, runId: number) => Promise<T>): Promise<T> {
    throwIfAborted(signal);
    const runId = nextRun++;
    return call(async (remote) => {
      const onAbort = () => void remote.abort(runId).catch(() => {});
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await run(remote, runId);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }
}

/** The error pending calls get when the worker dies. */
function workerDied(reason: string, what: string): AlsError {
  return new AlsError(
    'WORKER_DIED',
    `The engine's worker ${what}. The next call starts a fresh worker and restores the last model into it (see info().restored); its datasets are gone — load them again.`,
    { reason },
  );
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

/** Whether a value is a {@link DatasetHandle} (as returned by load and split). */
function isHandle(x: unknown): x is DatasetHandle {
  const h = x as Partial<DatasetHandle> | null;
  return typeof h === 'object' && h !== null && typeof h.id === 'number' && typeof h.users === 'number' && typeof h.interactions === 'number' && typeof h.source === 'string';
}

/**
 * The in-thread recommender: the engine's methods, and `dispose()` as in worker mode — it
 * stops a running train or evaluation, and later calls reject with `DISPOSED`.
 */
function inThreadRecommender(engine: Engine): Recommender {
  let disposed = false;
  const gone = (what: string) => new AlsError('DISPOSED', `This recommender was disposed${what}; create a new one with createRecommender().`, {});
  const rec = bind(engine, async () => {
    disposed = true;
    await engine.dispose(); // aborts the running calls
  });
  for (const name of Object.keys(rec) as (keyof Recommender)[]) {
    if (name === 'dispose') continue;
    const method = rec[name] as (...a: unknown[]) => Promise<unknown>;
    (rec as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      if (disposed) throw gone('');
      try {
        return await method(...args);
      } catch (e) {
        if (disposed) throw gone(' while this call was running');
        throw e;
      }
    };
  }
  return rec;
}

function isPlainIterable(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Symbol.iterator in x && !(x instanceof Blob);
}

/** The same method names on either an in-thread engine or a Comlink remote. */
function bind(e: Engine, dispose: () => Promise<void>): Recommender {
  return {
    load: (s, o) => e.load(s, o),
    split: (d, o) => e.split(d, o),
    train: (d, o) => e.train(d, o),
    update: (d, o) => e.update(d, o),
    crossValidate: (d, o) => e.crossValidate(d, o),
    recommend: (u, k, o) => e.recommend(u, k, o),
    recommendMany: (u, k, o) => e.recommendMany(u, k, o),
    usersForItem: (i, k, o) => e.usersForItem(i, k, o),
    similarUsers: (u, k, o) => e.similarUsers(u, k, o),
    popular: (k, o) => e.popular(k, o),
    recommendForNewUser: (h, k, o) => e.recommendForNewUser(h, k, o),
    foldIn: (h) => e.foldIn(h),
    similarItems: (i, k, o) => e.similarItems(i, k, o),
    predict: (u, i) => e.predict(u, i),
    explain: (u, i, o) => e.explain(u, i, o),
    evaluate: (t, o) => e.evaluate(t, o),
    save: () => e.save(),
    exportFactors: (f) => e.exportFactors(f),
    loadModel: (b) => e.loadModel(b),
    importFactors: (s, o) => e.importFactors(s, o),
    addItems: (f) => e.addItems(f),
    releaseDataset: (d) => e.releaseDataset(d),
    info: () => e.info(),
    dispose,
  };
}
