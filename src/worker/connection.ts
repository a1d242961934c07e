/**
 * Worker mode's link to the engine: one live module Web Worker and its Comlink remote, started
 * lazily; a liveness check (heartbeat pings while calls are pending) that declares a silent
 * worker dead and rejects its pending calls; and, after a death, a fresh worker into which the
 * last model is restored.
 */
import * as Comlink from 'comlink';
import { AlsError } from '../errors.js';
import type { DatasetHandle } from '../engine/engine.js';
import type { WorkerApi } from './adapter.js';
import type { RecommenderOptions } from './recommender.js';
import './errors-transfer.js';

/** A fresh worker loads its module and compiles WASM before it can answer: it gets at least this long. */
const STARTUP_GRACE_MS = 20_000;

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

/** The link's settings, checked by `createRecommender`. */
export interface LinkSettings {
  /** Heartbeat interval, ms. */
  heartbeat: number;
  /** Heartbeats missed in a row before the worker is dead (Infinity: never). */
  maxMissed: number;
  /** `onRestore` of the options. */
  onRestore: RecommenderOptions['onRestore'];
}

/** The worker behind a worker-mode recommender, replaced after a death. */
export class WorkerLink {
  /** The last model's file bytes, restored into a fresh worker after a death (keepModel). */
  kept: Uint8Array | null = null;
  private conn: Connection | null = null;
  private disposed = false;
  /** Dataset ids the live worker holds, those lost with dead workers, and the highest id seen. */
  readonly liveDatasets = new Set<number>();
  private readonly lostDatasets = new Set<number>();
  private maxDataset = 0;
  private needsRestore = false;

  constructor(private readonly settings: LinkSettings) {}

  /** Marks the link disposed and ends the live worker; pending calls reject with `DISPOSED`. */
  dispose(): void {
    this.disposed = true;
    this.conn?.end(new AlsError('DISPOSED', 'The recommender was disposed while this call was running.', {}));
  }

  /** Runs one remote call; it rejects with WORKER_DIED as soon as the worker is declared dead. */
  async call<T>(fn: (remote: Comlink.Remote<WorkerApi>) => Promise<T>): Promise<T> {
    const c = this.connect();
    c.pending++;
    this.watch(c);
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
      this.noteDatasets(result);
      return result;
    } finally {
      c.pending--;
    }
  }

  /** The live worker, or a fresh one (lazily: after a death the next call gets a new worker). */
  private connect(): Connection {
    if (this.disposed) throw new AlsError('DISPOSED', 'This recommender was disposed; create a new one with createRecommender().', {});
    if (this.conn) return this.conn;
    // The literal form lets Vite and other bundlers find and bundle the worker.
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'als-wasm' });
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
      end: (error) => {
        if (!c.alive) return;
        c.alive = false;
        if (this.conn === c) this.conn = null;
        if (!this.disposed) {
          // The next worker gets the model back; the datasets lived here and are gone.
          this.needsRestore = true;
          for (const id of this.liveDatasets) this.lostDatasets.add(id);
          this.liveDatasets.clear();
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
    this.conn = c;
    if (this.needsRestore) {
      this.needsRestore = false;
      c.restoring = c.remote.restore({ model: this.kept ?? undefined, nextDatasetId: this.maxDataset + 1, lostDatasets: [...this.lostDatasets] }).then(
        (r) => {
          c.answered = true;
          if (this.settings.onRestore) this.settings.onRestore(r);
          else console.warn(`als-wasm: the engine's worker died and was replaced; ${r.model ? 'the last model was restored' : 'there was no model to restore'}${r.lostDatasets.length ? `, datasets ${r.lostDatasets.join(', ')} were lost (load them again)` : ''}.`);
        },
        (e: unknown) => {
          if (c.alive) console.warn('als-wasm: restoring the model into a fresh worker failed:', e);
        },
      );
    }
    return c;
  }

  /**
   * While calls are pending, sends a heartbeat ping every `heartbeat` ms. A heartbeat whose ping
   * is still unanswered at the next tick is missed; `maxMissed` in a row (more before the worker
   * first answered: it may still be compiling) and the worker is declared dead. Counting ticks
   * rather than reading a clock also keeps a throttled background tab from a false alarm.
   */
  private watch(c: Connection): void {
    const { heartbeat, maxMissed } = this.settings;
    if (maxMissed === Infinity || c.timer !== undefined) return;
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
  private noteDatasets(result: unknown): void {
    if (typeof result !== 'object' || result === null) return;
    for (const h of isHandle(result) ? [result] : Object.values(result).filter(isHandle)) {
      this.liveDatasets.add(h.id);
      this.maxDataset = Math.max(this.maxDataset, h.id);
    }
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

/** Whether a value is a {@link DatasetHandle} (as returned by load and split). */
function isHandle(x: unknown): x is DatasetHandle {
  const h = x as Partial<DatasetHandle> | null;
  return typeof h === 'object' && h !== null && typeof h.id === 'number' && typeof h.users === 'number' && typeof h.interactions === 'number' && typeof h.source === 'string';
}
