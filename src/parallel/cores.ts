/**
 * How many threads this machine offers, and the one rule of the `workers` option: which values
 * are valid ({@link checkWorkers}, used by the options, the CLI and the pool alike), its default
 * ({@link defaultWorkers}) and how many threads a run then starts ({@link threadsFor}).
 */

import { badOption } from '../errors.js';
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

/**
 * Largest `workers` accepted. The same on every machine, so that options valid on one are valid
 * on another; a run starts at most {@link maxWorkers} threads whatever is asked ({@link threadsFor}).
 */
export const MAX_WORKERS = 256;

/** The rule of `workers` in words, as the library's error and the CLI's usage message both say it. */
export const WORKERS_RULE = `an integer in [1, ${MAX_WORKERS}] (a run uses at most 4 × the cores here, up to 64)`;

/** Whether `v` is a valid `workers`: an integer in [1, {@link MAX_WORKERS}]. */
export function isValidWorkers(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_WORKERS;
}

/**
 * `v` as a `workers` count, or refused.
 * @param name - the option's name in the message (`workers`)
 * @throws AlsError `BAD_OPTION` saying {@link WORKERS_RULE}
 */
export function checkWorkers(v: unknown, name = 'workers'): number {
  if (!isValidWorkers(v)) throw badOption(name, v, WORKERS_RULE);
  return v;
}

/**
 * The threads a run with `workers` starts here (before the platform has its say): `workers`,
 * clamped to {@link maxWorkers}, with a note when clamped.
 * @throws AlsError `BAD_OPTION` for an invalid `workers` ({@link checkWorkers})
 */
export function threadsFor(workers: number): { threads: number; note?: string } {
  checkWorkers(workers);
  const max = maxWorkers();
  if (workers <= max) return { threads: workers };
  return { threads: max, note: `${max} — ${workers} asked, at most ${max} here (4 × the ${hardwareThreads()} cores, and 64); more threads only cost memory` };
}
