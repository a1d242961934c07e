/// <reference lib="webworker" />
// The worker entry: no logic, it only exposes the engine (see src/engine/engine.ts).
import * as Comlink from 'comlink';
import { Engine } from '../engine/engine.js';
import './errors-transfer.js';

const engine = new Engine();
Comlink.expose(engine);

/** The API the worker exposes, derived from the code rather than restated. */
export type WorkerApi = typeof engine;
