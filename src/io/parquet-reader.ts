/**
 * Where Parquet is decoded: a registry, so that a bundle can choose. A Web Worker bundle must
 * not contain hyparquet (under Vite's default `iife` worker format a dynamic `import()` is
 * inlined, not split): the worker entry registers a reader that decodes in a nested worker of
 * its own, fetched only when a Parquet file arrives (worker/parquet-client.ts); the in-thread
 * recommender registers hyparquet on its own thread, a lazy chunk (worker/in-thread.ts).
 * Unregistered (Node: the CLI, the library's functions), the reader is imported at run time by a
 * specifier bundlers leave alone — so in a bundled page, read Spark models through a recommender.
 */
import type { ParquetRows } from './parquet-rows.js';

export type { ParquetRows } from './parquet-rows.js';

/** Decodes one Parquet file (see `readParquetRows`). */
export type ParquetRowReader = (buffer: ArrayBuffer, maxBytes: number, what: string) => Promise<ParquetRows>;

let registered: ParquetRowReader | undefined;

/** Sets how Parquet files are decoded from now on (an entry point calls it once, at load). */
export function useParquetReader(reader: ParquetRowReader): void {
  registered = reader;
}

/** Decodes a Parquet file with the registered reader (else the package's own, loaded on first use). */
export async function parquetRows(buffer: ArrayBuffer, maxBytes: number, what: string): Promise<ParquetRows> {
  if (registered) return registered(buffer, maxBytes, what);
  // A variable specifier: bundlers leave this import alone (nothing of hyparquet enters a bundle through here); Node resolves it.
  const module = './parquet-rows.js';
  const { readParquetRows } = (await import(/* @vite-ignore */ module)) as typeof import('./parquet-rows.js');
  return readParquetRows(buffer, maxBytes, what);
}
