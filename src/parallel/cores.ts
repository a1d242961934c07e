/** How many threads this machine offers, and the default `workers` of a training run. */

import { isNode } from '../util/env.js';

type NodeOs = typeof import('node:os');

/**
 * Node's core count needs node:os. No top-level await (bundlers' default worker format, iife,
 * refuses it): `process.getBuiltinModule` (Node ≥ 20.16) reads it synchronously; older Node
 * starts a dynamic import whose result is used from the next tick on (one core until then).
 * A variable specifier keeps browser bundlers away from it.
 */
let nodeOs: NodeOs | undefined;
if (isNode) {
  const nodeOsName = 'node:os';
  const getBuiltin = (process as { getBuiltinModule?: (name: string) => unknown }).getBuiltinModule;
  if (typeof getBuiltin === 'function') nodeOs = getBuiltin(nodeOsName) as NodeOs;
  else void import(/* @vite-ignore */ nodeOsName).then((m: NodeOs) => (nodeOs = m));
}

/** Cores here: `navigator.hardwareConcurrency` in browsers, `os.availableParallelism()` in Node (≥ 1). */
export function hardwareThreads(): number {
  if (nodeOs) return Math.max(1, typeof nodeOs.availableParallelism === 'function' ? nodeOs.availableParallelism() : nodeOs.cpus().length);
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav && typeof nav.hardwareConcurrency === 'number' && nav.hardwareConcurrency > 0 ? nav.hardwareConcurrency : 1;
}

/** Most threads a default run uses: more rarely helps memory-bound f64 kernels and costs memory. */
export const MAX_DEFAULT_WORKERS = 8;

/** The default `workers`: the cores here, capped at {@link MAX_DEFAULT_WORKERS}. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(MAX_DEFAULT_WORKERS, hardwareThreads()));
}

/**
 * Most threads a run starts, whatever `workers` asks for: 4 × the cores here, at most 64.
 * Threads beyond the cores never make a run faster (results are identical for any count) and
 * each costs memory — 256 threads on 2 cores took 2 GB.
 */
export function maxWorkers(): number {
  return Math.min(64, 4 * hardwareThreads());
}
