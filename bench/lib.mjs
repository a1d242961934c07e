// What the benchmarks use from this checkout's build: the synchronous in-thread API
// (`als-wasm/in-thread`), the recommender of the package entry, and the internals some
// benchmarks measure directly (the training loop, the kernels, the CSR build), by module path —
// they are no part of the published API. `npm run build:lib` first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export * from '../dist/in-thread.js';
export { createRecommender } from '../dist/index.js';
export { buildMatrix } from '../dist/data/csr.js';
export { createIdMap } from '../dist/data/id-map.js';
export { resolveTrainOptions } from '../dist/train/options.js';
export { trainFactors } from '../dist/train/train.js';
export { loadKernels } from '../dist/wasm/kernels.js';
export { autoRegularization, largestSingularValue } from '../dist/train/auto-regularization.js';
export { alignToModel } from '../dist/select/evaluate.js';
export { Engine } from '../dist/engine/engine.js';

/**
 * The library of another built checkout (A/B comparisons): its in-thread entry, or the package
 * entry of a checkout from before the entries were split (which exported everything).
 * @param checkout - the checkout's directory
 */
export async function libOf(checkout) {
  const inThread = join(checkout, 'dist/in-thread.js');
  return import(pathToFileURL(existsSync(inThread) ? inThread : join(checkout, 'dist/index.js')).href);
}
