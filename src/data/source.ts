/** One entry point for every kind of input: text, Blob/File, byte stream, chunks or records. */
import { badOption } from '../errors.js';
import type { ParseOptions } from './parse-options.js';
import { fromRecords } from './records.js';
import { isAsyncIterable, isReadableStream, parseChunks, parseText } from './text-parser.js';
import type { InteractionRecord, Interactions } from './types.js';

/** Anything {@link loadInteractions} reads. */
export type InteractionSource =
  | string
  | Blob
  | ReadableStream<Uint8Array>
  | Iterable<InteractionRecord>
  | AsyncIterable<InteractionRecord>
  | Iterable<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>;

/**
 * Reads interactions from any source, dispatching on its type: a string is parsed as text;
 * a `Blob`/`File` is parsed from its stream (progress has `bytesTotal` = its size, the source
 * name is the file's name); a `ReadableStream` is parsed as UTF-8 bytes; an iterable (sync or
 * async) is looked at by its first element — `Uint8Array`/string chunks are parsed as text,
 * anything else is validated as records (a Node file stream therefore works as is).
 *
 * @param source - the input
 * @param opts - parser options (records use `onBadRow`, `source`, `signal`)
 * @returns interactions in input order
 * @throws AlsError `PARSE_ERROR`, `EMPTY_DATA`, `BAD_OPTION` (also for an unsupported source); `AbortError`
 * @example
 * // In the browser, from <input type="file">:
 * const data = await loadInteractions(input.files[0], { onProgress: (p) => (bar.value = p.bytesRead / p.bytesTotal!) });
 * // In Node:
 * const data2 = await loadInteractions(createReadStream('u.data'), { source: 'u.data' });
 */
export async function loadInteractions(source: InteractionSource, opts: ParseOptions = {}): Promise<Interactions> {
  if (typeof source === 'string') return parseText(source, opts);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = (source as Blob & { name?: unknown }).name;
    return parseChunks(source.stream(), { ...opts, source: opts.source ?? (typeof name === 'string' && name ? name : 'blob'), bytesTotal: opts.bytesTotal ?? source.size });
  }
  if (isReadableStream(source)) return parseChunks(source, opts);
  if (isAsyncIterable<unknown>(source)) {
    const it = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const head = await it.next();
    const rest = prepend(head, it);
    return isChunk(head) ? parseChunks(rest as AsyncIterable<Uint8Array | string>, opts) : fromRecords(rest as AsyncIterable<InteractionRecord>, opts);
  }
  if (typeof source === 'object' && source !== null && typeof (source as Iterable<unknown>)[Symbol.iterator] === 'function') {
    const it = (source as Iterable<unknown>)[Symbol.iterator]();
    const head = it.next();
    const rest = prependSync(head, it);
    return isChunk(head) ? parseChunks(rest as Iterable<Uint8Array | string>, opts) : fromRecords(rest as Iterable<InteractionRecord>, opts);
  }
  throw badOption('source', source === null ? null : typeof source, 'a string, a Blob/File, a ReadableStream, or an iterable of records or of text/byte chunks');
}

function isChunk(head: IteratorResult<unknown>): boolean {
  return !head.done && (typeof head.value === 'string' || head.value instanceof Uint8Array);
}

/** The iterator again, with its already-read first result put back. */
async function* prepend<T>(head: IteratorResult<T>, it: AsyncIterator<T>): AsyncGenerator<T> {
  if (head.done) return;
  let finished = false;
  try {
    yield head.value;
    for (;;) {
      const r = await it.next();
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!finished) await it.return?.(); // e.g. close a Node file stream after a parse error
  }
}

function* prependSync<T>(head: IteratorResult<T>, it: Iterator<T>): Generator<T> {
  if (head.done) return;
  let finished = false;
  try {
    yield head.value;
    for (;;) {
      const r = it.next();
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!finished) it.return?.();
  }
}
