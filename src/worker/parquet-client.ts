/**
 * The engine worker's Parquet reader: each file is decoded in a short-lived nested worker
 * (parquet-worker.ts), so that hyparquet is a separate file fetched only when a Spark model is
 * imported — under Vite's default `iife` worker format a dynamic `import()` would be inlined
 * into the engine's worker bundle instead.
 */
import { AlsError } from '../errors.js';
import type { ParquetRows } from '../io/parquet-reader.js';

/** Decodes one Parquet file in a nested worker (the buffer is moved to it). */
export function parquetInNestedWorker(buffer: ArrayBuffer, maxBytes: number, what: string): Promise<ParquetRows> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./parquet-worker.js', import.meta.url), { type: 'module', name: 'als-wasm-parquet' });
    worker.onmessage = (e: MessageEvent<ParquetRows>) => {
      worker.terminate();
      resolve(e.data);
    };
    worker.onerror = (e) => {
      worker.terminate();
      e.preventDefault();
      reject(new AlsError('BAD_FACTORS', `The Parquet reader failed: ${e.message || 'its worker did not start'}.`, { reason: 'reader' }));
    };
    worker.postMessage({ buffer, maxBytes, what }, [buffer]);
  });
}
