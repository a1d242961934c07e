/**
 * What the public entries must not publish (issue 25: every published name is frozen the day it
 * ships): the engine's internals, named here once for the source and the dist/ checks.
 */

/** Internals no public entry may export. */
export const INTERNAL_NAMES = ['Engine', 'PoolKeeper', 'loadKernels', 'Validator', 'tameHeavyRows', 'trainFactors', 'workerApi', 'buildMatrix', 'topK', 'topKBatch', 'similarRows', 'resolveValidation', 'resolveTrainOptions', 'autoRegularization', 'WorkerPool'];

/** At most this many runtime names (values, not types) in the package entry `"."`. */
export const MAX_MAIN_RUNTIME_NAMES = 35;
