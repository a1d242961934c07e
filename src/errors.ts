/**
 * One error class for the whole library. Every failure carries a stable {@link ErrorCode}
 * and a `details` object, so that callers (and the worker boundary) can react to the kind of
 * failure rather than parse a message. Messages say what to do about it.
 */

/** Stable codes for every failure the library reports. */
export type ErrorCode =
  | 'PARSE_ERROR'
  | 'EMPTY_DATA'
  | 'BAD_OPTION'
  | 'NOT_POSITIVE_DEFINITE'
  | 'NON_FINITE'
  | 'UNKNOWN_USER'
  | 'UNKNOWN_ITEM'
  | 'NOT_TRAINED'
  | 'OUT_OF_MEMORY'
  | 'BAD_MODEL_FILE'
  | 'BAD_FACTORS'
  | 'WASM_UNAVAILABLE'
  | 'IO_ERROR'
  | 'WORKER_DIED'
  | 'DATASET_LOST'
  | 'UNSUPPORTED'
  | 'DISPOSED'
  | 'WORKER_FAILED'
  | 'NO_INTERACTIONS'
  | 'LOCKED';

/** The library's error: `code` says what kind of failure, `details` carries the facts. */
export class AlsError extends Error {
  /** Stable machine-readable kind of failure. */
  readonly code: ErrorCode;
  /** Facts about the failure (line number, option name, allowed range, row index …). */
  readonly details: Record<string, unknown>;

  /**
   * @param code - the kind of failure
   * @param message - a sentence for a person, saying what to do where possible
   * @param details - structured facts (must be structured-clonable)
   */
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AlsError';
    this.code = code;
    this.details = details;
  }
}

/** Type guard for {@link AlsError}, also true for errors rebuilt across a worker boundary. */
export function isAlsError(e: unknown): e is AlsError {
  return e instanceof AlsError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AlsError' && typeof (e as { code?: unknown }).code === 'string');
}

/** Builds a `BAD_OPTION` error naming the option, the value given and the allowed range. */
export function badOption(option: string, value: unknown, allowed: string): AlsError {
  return new AlsError('BAD_OPTION', `Option "${option}" must be ${allowed}; got ${formatValue(value)}.`, {
    option,
    value: formatValue(value),
    allowed,
  });
}

/**
 * Refuses an option name that is not one of `known` (a misspelt option would otherwise be
 * ignored silently and its default used).
 * @throws AlsError `BAD_OPTION` naming the unknown option and listing the known ones
 */
export function checkKnownKeys(opts: object, known: readonly string[]): void {
  for (const [key, value] of Object.entries(opts)) {
    if (value !== undefined && !known.includes(key)) throw badOption(key, value, `a known option (unknown name; the options are ${known.join(', ')})`);
  }
}

/**
 * Validates an options argument: a plain object (or undefined, meaning none) whose every name
 * is one of `known` — a misspelt name such as `filterseen` or `K` is refused, not ignored.
 * @param opts - the caller's options
 * @param known - every option name the call has (typed `Record<keyof …Options, 1>` at the call site)
 * @param name - what to call the argument in errors (`options`, `validation`, `history[3]` …);
 *   unknown keys are reported as `name.key` unless `name` is `options`
 * @throws AlsError `BAD_OPTION` naming the argument or the unknown option, listing the known ones
 */
export function checkOptions(opts: unknown, known: readonly string[], name = 'options'): void {
  if (opts === undefined) return;
  const list = known.length ? `the options are ${known.join(', ')}` : 'this call takes no options yet';
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw badOption(name, opts, `an object (${list})`);
  for (const [key, value] of Object.entries(opts)) {
    if (value !== undefined && !known.includes(key)) {
      throw badOption(name === 'options' ? key : `${name}.${key}`, value, `a known option (unknown name; ${list})`);
    }
  }
}

/** The DOMException-compatible error thrown when a run is cancelled through an AbortSignal. */
export function abortError(reason?: unknown): Error {
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error(typeof reason === 'string' ? reason : 'The operation was aborted.');
  err.name = 'AbortError';
  return err;
}

/** Throws an AbortError if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal.reason);
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
