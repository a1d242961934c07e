/// <reference lib="webworker" />
// A pool helper's entry in browsers: no logic, it hands the first message to helperMain.
import { solveRows } from '../kernels/solve-rows.js';
import { helperMain, runChunk } from './helper.js';

self.onmessage = (e: MessageEvent) => {
  self.onmessage = null;
  helperMain(e.data, (m) => self.postMessage(m), runChunk, solveRows);
};
