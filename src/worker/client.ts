import * as Comlink from 'comlink';
import type { TrainProgress } from '../als/options.js';
import type { InteractionSource } from '../data/parse.js';
import { Engine, type CrossValidationSummary, type DatasetHandle, type EngineCrossValidateOptions, type EngineTrainOptions, type LoadOptions, type TrainSummary } from '../engine/engine.js';
import type { CvProgress } from '../eval/cross-validate.js';
import { AlsError, badOption, checkOptions, throwIfAborted } from '../errors.js';
import type { WorkerApi } from './worker.js';
import './errors-transfer.js';

/** Options of {@link createRecommender}. */
export interface RecommenderOptions {
  /** Run the engine on the calling thread instead of a Web Worker (Node, tests). Default: in-thread where `Worker` is missing. */
  inThread?: boolean;
  /**
   * Worker mode: while calls are pending, the worker must answer a liveness ping within this
   * many milliseconds, else it is declared dead — pending calls reject with `WORKER_DIED` and
   * the next call starts a fresh worker. Catches a worker that vanished without an error event
   * (killed, crashed out of memory). 0 turns the check off. Default 30 000 (the engine yields
   * every ~25 ms while training, so only a dead or wedged worker misses it).
   */
  livenessTimeoutMs?: number;
}

/** Every option of {@link RecommenderOptions} (typed: a new option fails to compile until listed). */
const RECOMMENDER_OPTION_NAMES = Object.keys({ inThread: 1, livenessTimeoutMs: 1 } satisfies Record<keyof RecommenderOptions, 1>);

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
  /** K-fold cross-validation and hyper-parameter search (progress per fold and trial); cancel with `signal`. */
  crossValidate(data: DatasetHandle | number, opts?: EngineCrossValidateOptions): Promise<CrossValidationSummary>;
  /** Top-k for a known user. */
  recommend: Engine['recommend'];
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
  /** Held-out quality. */
  evaluate: Engine['evaluate'];
  /** The model file's bytes (transferred, not copied). */
  save: Engine['save'];
  /** Loads a model file; a bad file is refused and the current model stays. */
  loadModel(bytes: Uint8Array | ArrayBuffer): ReturnType<Engine['loadModel']>;
  /** Imports factors trained elsewhere (.npy/.npz/JSON/CSV). */
  importFactors: Engine['importFactors'];
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
  const inThread = options.inThread ?? typeof Worker === 'undefined';
  if (inThread) {
    const engine = new Engine();
    return bind(engine, async () => engine.dispose());
  }
  let conn: Connection | null = null;
  let started = 0;
  let disposed = false;

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
      alive: true,
      end(error) {
        if (!c.alive) return;
        c.alive = false;
        if (conn === c) conn = null;
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
    return c;
  }

  /** Runs one remote call; it rejects with WORKER_DIED as soon as the worker is declared dead. */
  async function call<T>(fn: (remote: Comlink.Remote<WorkerApi>) => Promise<T>): Promise<T> {
    const c = connect();
    c.pending++;
    watch(c);
    try {
      const answer = fn(c.remote);
      // Any answer, result or error, shows the worker is up.
      answer.then(
        () => void (c.answered = true),
        () => void (c.answered = true),
      );
      return await Promise.race([answer, c.died]);
    } finally {
      c.pending--;
    }
  }

  /** While calls are pending, pings the worker; no answer within `timeout` ms means it is gone. */
  function watch(c: Connection): void {
    if (timeout === 0 || c.timer !== undefined) return;
    c.timer = setInterval(() => {
      if (!c.alive) return;
      if (c.pending === 0) {
        clearInterval(c.timer);
        c.timer = undefined;
        c.pingSince = null;
        return;
      }
      if (c.pingSince !== null) {
        if (Date.now() - c.pingSince > (c.answered ? timeout : Math.max(timeout, STARTUP_GRACE_MS))) c.end(workerDied('unresponsive', `did not answer a liveness check for ${timeout} ms (terminated or crashed, e.g. out of memory)`));
        return;
      }
      c.pingSince = Date.now();
      c.remote.ping().then(
        () => {
          c.pingSince = null;
          c.answered = true;
        },
        () => {},
      );
    }, Math.max(5, Math.floor(timeout / 4)));
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
      return withAbort(signal, (remote, runId) => remote.train(data, { ...rest, runId }, onProgress ? Comlink.proxy(onProgress as (p: TrainProgress) => void) : undefined));
    },
    async crossValidate(data, opts = {}) {
      const { onProgress, signal, ...rest } = opts;
      onlyCloneable(rest);
      return withAbort(signal, (remote, runId) => remote.crossValidate(data, { ...rest, runId }, onProgress ? Comlink.proxy(onProgress as (p: CvProgress) => void) : undefined));
    },
    async loadModel(bytes) {
      const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
      return call((remote) => remote.loadModel(Comlink.transfer(u8, [u8.buffer])));
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
    `The engine's worker ${what}. Its model and datasets are gone; the next call starts a fresh worker — reload a saved model (loadModel, loadFromIndexedDB) and datasets there.`,
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

function isPlainIterable(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Symbol.iterator in x && !(x instanceof Blob);
}

/** The same method names on either an in-thread engine or a Comlink remote. */
function bind(e: Engine, dispose: () => Promise<void>): Recommender {
  return {
    load: (s, o) => e.load(s, o),
    split: (d, o) => e.split(d, o),
    train: (d, o) => e.train(d, o),
    crossValidate: (d, o) => e.crossValidate(d, o),
    recommend: (u, k, o) => e.recommend(u, k, o),
    recommendForNewUser: (h, k, o) => e.recommendForNewUser(h, k, o),
    foldIn: (h) => e.foldIn(h),
    similarItems: (i, k) => e.similarItems(i, k),
    predict: (u, i) => e.predict(u, i),
    explain: (u, i, o) => e.explain(u, i, o),
    evaluate: (t, o) => e.evaluate(t, o),
    save: () => e.save(),
    loadModel: (b) => e.loadModel(b),
    importFactors: (s, o) => e.importFactors(s, o),
    releaseDataset: (d) => e.releaseDataset(d),
    info: () => e.info(),
    dispose,
  };
}
