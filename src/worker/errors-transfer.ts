import * as Comlink from 'comlink';
import { AlsError, abortError, type ErrorCode } from '../errors.js';

/**
 * Comlink's default error transfer keeps only name, message and stack. This wraps it so that
 * an {@link AlsError} keeps its `code` and `details` and an AbortError stays an AbortError
 * across the worker boundary. Imported (for its effect) by both the worker and the client.
 */
const base = Comlink.transferHandlers.get('throw')!;

interface SerializedError {
  isError: true;
  value: { name: string; message: string; stack?: string; code?: ErrorCode; details?: Record<string, unknown> };
}

Comlink.transferHandlers.set('throw', {
  canHandle: base.canHandle,
  serialize(thrown: unknown) {
    const value = (thrown as { value: unknown }).value;
    if (value instanceof Error) {
      const e = value as Error & { code?: ErrorCode; details?: Record<string, unknown> };
      const s: SerializedError = { isError: true, value: { name: e.name, message: e.message, stack: e.stack, code: e.code, details: cloneable(e.details) } };
      return [s, []];
    }
    return base.serialize(thrown);
  },
  deserialize(s: unknown) {
    const ser = s as SerializedError | { isError: false; value: unknown };
    if (!ser.isError) throw ser.value;
    const v = ser.value;
    if (v.name === 'AlsError' && v.code) {
      const e = new AlsError(v.code, v.message, v.details ?? {});
      if (v.stack) e.stack = v.stack;
      throw e;
    }
    if (v.name === 'AbortError') throw abortError(v.message);
    throw Object.assign(new Error(v.message), v);
  },
});

/** Keeps only structured-clonable details (drops functions and the like). */
function cloneable(d: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!d) return undefined;
  try {
    return JSON.parse(JSON.stringify(d));
  } catch {
    return {};
  }
}
