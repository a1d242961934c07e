/**
 * The pool's helper threads as the platform gives them: whether a shared-memory pool can run
 * here at all, and how to start one helper (a nested module worker in browsers, a
 * worker_threads worker in Node). Everything after start-up is the same on both.
 */
import { solveRows } from '../kernels/solve-rows.js';
import { helperMain, runChunk } from './helper.js';
import type { HelperInit } from './protocol.js';
import { isNode } from '../util/env.js';

/** Whether a shared-memory pool can run here; when not, a sentence saying why (shown by `info()` and the report). */
export function parallelSupport(): { ok: true } | { ok: false; reason: string } {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated === false) {
    return { ok: false, reason: 'page not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp for SharedArrayBuffer)' };
  }
  if (typeof Atomics === 'undefined' || typeof WebAssembly?.Memory !== 'function') return { ok: false, reason: 'no Atomics or WebAssembly here' };
  if (!isNode && typeof g.Worker !== 'function') return { ok: false, reason: 'no Worker in this context' };
  return { ok: true };
}

/** A started helper thread, whatever runs it. */
export interface HelperThread {
  /** Stops the thread at once. */
  terminate(): void;
}

/** Starts one helper thread: the only part that differs between Node and browsers. */
export type SpawnHelper = (init: HelperInit, onMessage: (m: { ready?: number; fatal?: string }) => void, onError: (e: unknown) => void) => Promise<HelperThread>;

/** Browsers: a nested module worker, in the literal form bundlers (Vite) recognise and bundle. */
export const spawnWebWorker: SpawnHelper = async (init, onMessage, onError) => {
  const worker = new Worker(new URL('./pool-worker.js', import.meta.url), { type: 'module', name: `als-wasm-pool-${init.index}` });
  worker.onmessage = (e: MessageEvent) => onMessage(e.data);
  worker.onerror = (e: ErrorEvent) => onError(new Error(e.message || 'pool worker failed to start'));
  worker.onmessageerror = () => onError(new Error('pool worker could not read its start-up message'));
  worker.postMessage(init);
  return { terminate: () => worker.terminate() };
};

/**
 * Node: a worker_threads worker started from the helper's own source text (one source for every
 * platform, and no separate file to locate whether we run from src/ or dist/). Unref'd, so an
 * idle pool never keeps the process alive.
 */
export const spawnNodeThread: SpawnHelper = async (init, onMessage, onError) => {
  const name = 'node:worker_threads';
  const { Worker: NodeWorker } = (await import(/* @vite-ignore */ name)) as typeof import('node:worker_threads');
  const source = `const { parentPort } = require('node:worker_threads');
const solveRows = ${solveRows.toString()};
const runChunk = ${runChunk.toString()};
const helperMain = ${helperMain.toString()};
parentPort.once('message', (init) => helperMain(init, (m) => parentPort.postMessage(m), runChunk, solveRows));`;
  const worker = new NodeWorker(source, { eval: true, name: `als-wasm-pool-${init.index}` });
  worker.on('message', (m: { ready?: number }) => {
    // Referenced until ready (the engine awaits that message), then idle helpers must not hold the process.
    if (m.ready !== undefined) worker.unref();
    onMessage(m);
  });
  worker.on('error', onError);
  worker.on('exit', (code) => onError(new Error(`pool worker exited (code ${code})`)));
  worker.postMessage(init);
  return { terminate: () => void worker.terminate() };
};
