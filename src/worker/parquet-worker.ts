/// <reference lib="webworker" />
// A nested worker that only decodes Parquet (see worker/parquet-client.ts): the engine's worker
// bundle stays free of hyparquet, which this worker's own bundle holds and a page fetches only
// when it imports a Spark model.
import { readParquetRows } from '../io/parquet-rows.js';

self.onmessage = async (e: MessageEvent<{ buffer: ArrayBuffer; maxBytes: number; what: string }>) => {
  const read = await readParquetRows(e.data.buffer, e.data.maxBytes, e.data.what);
  self.postMessage(read, read.ok ? [read.data.buffer] : []);
};
