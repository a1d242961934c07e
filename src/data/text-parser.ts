/**
 * Parsing delimited text into interactions, from a whole string or from a stream of chunks:
 * the entry points {@link parseText} and {@link parseChunks}. A string is fed to the
 * {@link DelimitedParser} in ranges (no copies) so progress can be reported as it goes; chunks
 * are decoded (encoding sniffed from the first bytes) and reassembled into whole lines.
 */
import { throwIfAborted } from '../errors.js';
import { DelimitedParser } from './delimited-parser.js';
import { createDecoder, HEAD_BYTES, sniffEncoding, type ChunkDecoder } from './encoding.js';
import type { ParseOptions } from './parse-options.js';
import { Utf8OrLatin1Decoder } from './utf8-fallback.js';
import type { Interactions } from './types.js';

/** The push parser behind both entry points (re-exported: it lived in this module). */
export { DelimitedParser } from './delimited-parser.js';

/** Characters of a string parsed between two progress reports. */
const STRING_CHUNK = 1 << 20;

/**
 * Parses delimited text into columnar interactions. Auto-detects CSV (with or without a
 * header), TSV, whitespace-separated, MovieLens `u.data` (tab: user item rating timestamp),
 * `ratings.dat` (`::`) and `ratings.csv` (header `userId,movieId,rating,timestamp`).
 *
 * @remarks
 * Columns come from header names (case-insensitive synonyms such as userId / movieId /
 * rating / timestamp / event), else by position: user, item, then numbers fill value and
 * timestamp and a text column becomes the event. The delimiter, the decimal mark (`4,5` with
 * `;`, tabs or spaces) and the header are decided from the first non-empty lines together; a
 * first line is a header only if it cannot be data. A row wider than the header (or than the
 * other rows) is a bad row, never a dropped field. Blank lines are ignored; a UTF-8 BOM and
 * CRLF line ends are accepted; RFC-4180 quoted fields may hold delimiters and doubled quotes
 * (not line breaks). Binary text (NUL bytes) and lines longer than `maxLineLength` are errors.
 * Line numbers in errors are 1-based physical lines.
 *
 * @param text - the whole input
 * @param opts - format, delimiter, header, columns, bad-row policy, source name, progress
 * @returns interactions in input order, ids mapped to dense indices
 * @throws AlsError `PARSE_ERROR` naming the source, the line and why (unless `onBadRow: 'skip'`);
 *   `EMPTY_DATA` when there is no data row; `BAD_OPTION` for invalid options
 * @example
 * const data = parseText('userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n', { source: 'ratings.csv' });
 * data.users.index('1'); // 0
 * data.value[0];         // 2.5
 */
export function parseText(text: string, opts: ParseOptions = {}): Interactions {
  const p = new DelimitedParser(opts, 'string');
  const len = text.length;
  let pos = 0;
  let end = 0;
  // Ranges of the one string (no copies) so that progress can be reported as we go.
  while (end < len) {
    const same = end > 0;
    end = Math.min(len, end + STRING_CHUNK);
    pos = p.scan(text, pos, end, same);
    if (end < len) opts.onProgress?.({ stage: 'parse', rows: p.rows, bytesRead: end, bytesTotal: opts.bytesTotal ?? len });
  }
  const out = p.finish(text, pos, len);
  opts.onProgress?.({ stage: 'parse', rows: out.length, bytesRead: len, bytesTotal: opts.bytesTotal ?? len });
  return out;
}

/** Chunks of text or UTF-8 bytes, from any stream-like source (a Node stream is an async iterable). */
export type ChunkSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | ReadableStream<Uint8Array>;

/**
 * Parses delimited text arriving in chunks (a `Blob`'s stream, a fetch body, a Node file
 * stream). Lines and multi-byte UTF-8 characters split across chunks are reassembled; progress
 * is reported once per chunk and once at the end; the signal is checked between chunks. Same formats and rules as
 * {@link parseText}; the result is identical for any chunking.
 *
 * @param chunks - `Uint8Array` (UTF-8; a BOM selects UTF-16 or UTF-32 LE/BE, and BOM-less UTF-16 is recognised) or string chunks
 * @param opts - as for {@link parseText}; `bytesTotal` makes progress a fraction
 * @returns interactions in input order
 * @throws AlsError as {@link parseText}; `AbortError` when `opts.signal` fires
 * @example
 * const data = await parseChunks(file.stream(), { source: file.name, bytesTotal: file.size, onProgress: (p) => console.log(p.bytesRead) });
 */
export async function parseChunks(chunks: ChunkSource, opts: ParseOptions = {}): Promise<Interactions> {
  const p = new DelimitedParser(opts, 'stream');
  // Bytes: the encoding is chosen from the first HEAD_BYTES (a BOM, or UTF-16's zero bytes).
  let decoder: ChunkDecoder | null = null;
  let head: Uint8Array[] = [];
  let headBytes = 0;
  // An incomplete line, in pieces: a long line is joined once, when its end arrives (linear time).
  let carry: string[] = [];
  let carryLen = 0;
  let bytesRead = 0;
  const feed = (text: string): void => {
    if (text.length === 0) return;
    if (text.indexOf('\n') < 0) {
      carry.push(text);
      carryLen += text.length;
      p.checkTail(carryLen, carry[0]);
      return;
    }
    const s = carryLen === 0 ? text : carry.join('') + text;
    const at = p.scan(s, 0, s.length);
    carry = at === s.length ? [] : [s.slice(at)];
    carryLen = s.length - at;
  };
  const startDecoding = (): void => {
    const bytes = concatBytes(head, headBytes);
    head = [];
    const encoding = sniffEncoding(bytes);
    // UTF-8 without a BOM may really be Latin-1: read as such when it is not valid UTF-8.
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    decoder = encoding === 'utf-8' && !bom ? new Utf8OrLatin1Decoder(opts.source ?? 'input') : createDecoder(encoding);
    feed(decoder.decode(bytes, { stream: true }));
  };
  const take = (chunk: Uint8Array | string): void => {
    throwIfAborted(opts.signal);
    if (typeof chunk === 'string') {
      bytesRead += chunk.length;
      if (decoder === null && headBytes > 0) startDecoding();
      feed(chunk); // a BOM on line 1 is dropped by the parser
    } else {
      bytesRead += chunk.byteLength;
      if (decoder !== null) {
        feed(decoder.decode(chunk, { stream: true }));
      } else {
        head.push(chunk.slice()); // kept across reads: a copy, in case the source reuses its buffer
        headBytes += chunk.byteLength;
        if (headBytes >= HEAD_BYTES) startDecoding();
      }
    }
    opts.onProgress?.({ stage: 'parse', rows: p.rows, bytesRead, bytesTotal: opts.bytesTotal });
  };
  if (isReadableStream(chunks)) {
    const reader = chunks.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        take(value);
      }
    } finally {
      reader.releaseLock();
    }
  } else if (isAsyncIterable(chunks)) {
    for await (const c of chunks) take(c);
  } else {
    for (const c of chunks) take(c);
  }
  if (decoder === null && headBytes > 0) startDecoding();
  feed((decoder as ChunkDecoder | null)?.decode() ?? '');
  const s = carry.join('');
  carry = [];
  const out = p.finish(s, 0, s.length);
  const used = decoder as ChunkDecoder | null;
  if (used instanceof Utf8OrLatin1Decoder && used.encoding === 'latin1') out.encoding = 'latin1';
  opts.onProgress?.({ stage: 'parse', rows: out.length, bytesRead, bytesTotal: opts.bytesTotal }); // the final count
  return out;
}


/** The first `n` bytes of `parts`, as one array (the one part itself when there is one). */
function concatBytes(parts: Uint8Array[], n: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(n);
  let at = 0;
  for (const b of parts) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** Whether `x` is a WHATWG ReadableStream. */
export function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof x === 'object' && x !== null && typeof (x as ReadableStream).getReader === 'function';
}

/** Whether `x` is async-iterable. */
export function isAsyncIterable<T>(x: unknown): x is AsyncIterable<T> {
  return typeof x === 'object' && x !== null && typeof (x as AsyncIterable<T>)[Symbol.asyncIterator] === 'function';
}
