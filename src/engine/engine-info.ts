/**
 * The parts of the engine's `info()` that describe the machine and the model: the model's shape,
 * the threads a run uses by default (and why only one), the JS heap in use.
 */
import type { AlsModel } from '../model/model.js';
import { defaultWorkers } from '../parallel/cores.js';
import { parallelSupport } from '../parallel/pool.js';
import type { EngineInfo } from './types.js';

/** The shape of `model` as `info().model` reports it (null without a model). */
export function modelInfo(m: AlsModel | null): EngineInfo['model'] {
  if (!m) return null;
  const fe = m.features && { features: { item: m.features.item?.names ?? [], user: m.features.user?.names ?? [] } };
  return { users: m.users.size, items: m.items.size, factors: m.factors, feedback: m.options.feedback, scoreKind: m.scoreKind, kernels: m.kernels, trainedHere: !!m.report, ...fe };
}

/** Threads a training run uses by default here, with the reason when that is 1 on a machine of more cores. */
export function workersInfo(): Pick<EngineInfo, 'workers' | 'workersNote'> {
  const cores = defaultWorkers();
  const support = parallelSupport();
  if (cores > 1 && !support.ok) return { workers: 1, workersNote: `1 — ${support.reason}` };
  return { workers: cores };
}

/** Whether the engine runs in a worker, and whether the page is cross-origin isolated. */
export function environmentInfo(): EngineInfo['environment'] {
  const g = globalThis as { crossOriginIsolated?: boolean; WorkerGlobalScope?: unknown };
  return { worker: typeof g.WorkerGlobalScope !== 'undefined', crossOriginIsolated: g.crossOriginIsolated === true };
}

/** The JS heap in use, where the platform reports it (Node; Chromium's non-standard `performance.memory`). */
export function jsHeapBytes(): number | null {
  const g = globalThis as { process?: { memoryUsage?: () => { heapUsed: number } }; performance?: { memory?: { usedJSHeapSize?: number } } };
  if (typeof g.process?.memoryUsage === 'function') return g.process.memoryUsage().heapUsed;
  const used = g.performance?.memory?.usedJSHeapSize;
  return typeof used === 'number' ? used : null;
}
