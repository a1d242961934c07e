/**
 * The one table of the engine's calls as they cross the worker boundary: which are long-running
 * (their `signal` and `onProgress` become a run id and a proxied callback), which replace the
 * current model (the client keeps its bytes for a restore), and which result buffers move to the
 * caller instead of being copied. The dispatcher (adapter.ts) and the client (client.ts) are
 * both driven by it; the engine knows nothing of the wire. A method added to the engine fails
 * to compile until it has a row here — one row per method.
 */
import type { Engine } from '../engine/engine.js';

/** How one engine call crosses the worker boundary. */
export interface CallSpec {
  /**
   * Long-running: the index of the options argument whose `signal` and `onProgress` cannot be
   * cloned. The client sends a run id there (and `abort(runId)` when the signal fires) and the
   * callback as an extra last argument, proxied.
   */
  readonly long?: 1 | 2;
  /**
   * Replaces the current model on success (`true`), or only when the result says so (a
   * predicate on the result): worker mode then keeps the new model's bytes for a restore.
   */
  readonly replacesModel?: true | ((result: never) => boolean);
  /** The result's buffers that are moved to the caller rather than copied (fresh copies the engine no longer holds). */
  readonly transfer?: (result: never) => ArrayBuffer[];
}

/** Every public method of the engine. */
type EngineCall = { [K in keyof Engine]: Engine[K] extends (...args: never[]) => unknown ? K : never }[keyof Engine];

/** The engine's calls, one row each (see {@link CallSpec}); a row `{}` is a plain call whose result is copied. */
export const CALLS = {
  load: { long: 1 },
  split: {},
  releaseDataset: {},
  train: { long: 1, replacesModel: true },
  update: { long: 1, replacesModel: true },
  crossValidate: { long: 1, replacesModel: (r: Awaited<ReturnType<Engine['crossValidate']>>) => r.model !== undefined },
  evaluate: { long: 1 },
  addItems: { replacesModel: true },
  importFactors: { replacesModel: true },
  loadModel: { replacesModel: true },
  save: { transfer: (bytes: Uint8Array) => [bytes.buffer as ArrayBuffer] },
  exportFactors: { transfer: (out: Awaited<ReturnType<Engine['exportFactors']>>) => Object.values(out.files).map((b) => b.buffer as ArrayBuffer) },
  info: {},
  restore: {},
  dispose: {},
  recommend: {},
  recommendMany: { long: 2 },
  usersForItem: {},
  similarUsers: {},
  popular: {},
  recommendForHistory: {},
  recommendForNewUser: {},
  labels: {},
  // The labels are saved with the model: worker mode keeps the new bytes for a restore.
  setLabels: { replacesModel: true },
  itemName: {},
  foldIn: {},
  similarItems: {},
  modelView: { transfer: (v: Awaited<ReturnType<Engine['modelView']>>) => [v.itemFactors.buffer as ArrayBuffer, v.itemCounts.buffer as ArrayBuffer] },
  history: {},
  predict: {},
  explain: {},
} as const satisfies Record<EngineCall, CallSpec>;

/** The name of an engine call. */
export type CallName = keyof typeof CALLS;

/** The spec of a call by name, or undefined for a name that is no engine call. */
export function callSpec(name: string): CallSpec | undefined {
  return Object.hasOwn(CALLS, name) ? (CALLS as Record<string, CallSpec>)[name] : undefined;
}

/** Whether a call's result means the model was replaced (see {@link CallSpec.replacesModel}). */
export function replacedModel(spec: CallSpec, result: unknown): boolean {
  return spec.replacesModel === true || (typeof spec.replacesModel === 'function' && (spec.replacesModel as (r: unknown) => boolean)(result));
}
