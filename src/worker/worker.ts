/// <reference lib="webworker" />
// The worker entry: no logic, it only exposes the engine (see src/engine/engine.ts, adapter.ts).
import * as Comlink from 'comlink';
import { Engine } from '../engine/engine.js';
import { workerApi } from './adapter.js';
import './errors-transfer.js';
import { useParquetReader } from '../io/parquet-reader.js';
import { parquetInNestedWorker } from './parquet-client.js';

// Parquet (Spark models) is decoded in a nested worker: this bundle stays free of hyparquet.
useParquetReader(parquetInNestedWorker);
Comlink.expose(workerApi(new Engine()));

export type { WorkerApi } from './adapter.js';
