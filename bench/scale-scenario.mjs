// The MovieLens-20M-scale scenario, shared by the Node and the Chromium halves of the bench:
// load (parse + id maps) → train (CSR + CSC, layout into WASM memory, then `iterations`
// implicit CG iterations), through the public Recommender API.

const now = () => performance.now();

/**
 * Runs the scenario on `rec` (a Recommender, in-thread or a worker) with `source` (a Blob, a
 * Node stream, …). Parse + index = `load` plus the training set-up up to the first `init`
 * event (building CSR + CSC and laying them out in WASM memory).
 * @returns {Promise<Record<string, number | string>>}
 */
export async function runScale(rec, source, { factors = 64, iterations = 15, workers = 2, precision = 'mixed', log = () => {}, cpu = () => NaN } = {}) {
  // `cpu`: this process's CPU seconds (Node), to separate the work from waiting on a shared machine.
  const c0 = cpu();
  const t0 = now();
  const data = await rec.load(source, { format: 'tsv', source: 'scale.tsv' });
  const loadSeconds = (now() - t0) / 1000;
  const c1 = cpu();
  let cInit = NaN;
  log(`loaded ${data.interactions} rows, ${data.users} users × ${data.items} items in ${loadSeconds.toFixed(2)} s`);
  let initAt = 0;
  const t1 = now();
  const s = await rec.train(data, {
    feedback: 'implicit', solver: 'cg', cgSteps: 3, precision, factors, iterations, tolerance: 0, workers, alpha: 1, regularization: 0.05,
    onProgress: (p) => {
      if (p.stage === 'init' && initAt === 0) (initAt = now()), (cInit = cpu());
      if (p.stage === 'iteration') log(`iteration ${p.iteration}: ${p.seconds.toFixed(2)} s, loss ${p.loss.toExponential(4)}`);
    },
  });
  const trainWall = (now() - t1) / 1000;
  const c2 = cpu();
  const setupSeconds = (initAt - t1) / 1000;
  const iters = s.secondsPerIteration;
  const sorted = [...iters].sort((a, b) => a - b);
  return {
    rows: data.interactions,
    users: data.users,
    items: data.items,
    nnz: s.interactions,
    factors,
    iterations: iters.length,
    workersAsked: workers,
    precision,
    workersUsed: s.workersUsed,
    kernels: s.kernels,
    loadSeconds,
    setupSeconds,
    parseIndexSeconds: loadSeconds + setupSeconds,
    iterationsSeconds: iters.reduce((a, b) => a + b, 0),
    medianIterationSeconds: sorted[sorted.length >> 1],
    trainWallSeconds: trainWall,
    finalLoss: s.loss[s.loss.length - 1],
    cpuParseIndexSeconds: cInit - c0,
    cpuTrainAfterSetupSeconds: c2 - cInit,
    cpuLoadSeconds: c1 - c0,
  };
}
