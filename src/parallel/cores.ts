/** How many threads this machine offers, and the default `workers` of a training run. */

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

// Node's core count needs node:os; a variable specifier keeps browser bundlers away from it.
const nodeOsName = 'node:os';
const nodeOs = isNode ? ((await import(/* @vite-ignore */ nodeOsName)) as typeof import('node:os')) : undefined;

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
