// Browser benchmark page (driven by bench/browser.mjs through headless Chromium): worker
// overhead per iteration, fold-in and top-10 latency. Results go to window.__results.
import { AlsModel } from '../../src/model/model.js';
import { resolveTrainOptions } from '../../src/train/options.js';
import { Rng } from '../../src/util/rng.js';
import { createIdMap } from '../../src/data/id-map.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { createRecommender } from '../../src/worker/client.js';

const log = (s: string) => (document.getElementById('log')!.textContent += s + '\n');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const results: Record<string, number | string> = {};
(window as unknown as { __results?: unknown }).__results = undefined;

async function overhead(): Promise<void> {
  const d = generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, rank: 16, seed: 1 });
  const lines: string[] = [];
  for (let j = 0; j < d.length; j++) lines.push(`${d.users.id(d.user[j])}\t${d.items.id(d.item[j])}\t${d.value[j]}`);
  const text = lines.join('\n');
  const iterations = 3;
  for (const inThread of [true, false]) {
    const rec = await createRecommender({ inThread });
    const t0 = performance.now();
    const data = await rec.load(text, { format: 'tsv' });
    results[`load 1 M TSV lines, ${inThread ? 'in-thread' : 'worker'} (s)`] = (performance.now() - t0) / 1000;
    await rec.train(data, { feedback: 'implicit', factors: 64, iterations: 1, workers: 1 }); // warm-up (tier-up)
    const walls: number[] = [];
    let inner: number[] = [];
    for (let r = 0; r < 2; r++) {
      const t = performance.now();
      const s = await rec.train(data, { feedback: 'implicit', factors: 64, iterations, workers: 1, onProgress: () => {} });
      walls.push((performance.now() - t) / 1000 / iterations);
      inner = s.secondsPerIteration;
    }
    results[`implicit f=64 ML-1M shape, s/iteration, ${inThread ? 'in-thread' : 'worker'} (wall)`] = median(walls);
    results[`implicit f=64 ML-1M shape, s/iteration, ${inThread ? 'in-thread' : 'worker'} (engine)`] = median(inner);
    // Cancel latency: abort at a random point of a half-step, time until the promise rejects.
    const lat: number[] = [];
    for (let r = 0; r < 5; r++) {
      const controller = new AbortController();
      let abortedAt = 0;
      let sweeps = 0;
      const target = 3 + r * 7;
      const run = rec.train(data, {
        feedback: 'implicit',
        factors: 64,
        iterations: 100,
        workers: 1,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage === 'sweep' && ++sweeps === target) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      });
      await run.catch(() => undefined);
      lat.push(performance.now() - abortedAt);
    }
    results[`cancel latency, ${inThread ? 'in-thread' : 'worker'} (ms, median of 5)`] = median(lat);
    await rec.dispose();
    log(`overhead ${inThread ? 'in-thread' : 'worker'} done`);
  }
}

/** Workers 1 vs 2 through the worker engine (nested pool workers), CG and Cholesky at f = 64, alternating in one run. */
async function parallel(): Promise<void> {
  const d = generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, rank: 16, seed: 1 });
  const lines: string[] = [];
  for (let j = 0; j < d.length; j++) lines.push(`${d.users.id(d.user[j])}\t${d.items.id(d.item[j])}\t${d.value[j]}`);
  const rec = await createRecommender();
  try {
    const data = await rec.load(lines.join('\n'), { format: 'tsv' });
    const rows: { solver: string; f: number; workers: number; seconds: number; kernels: string; workersUsed: number }[] = [];
    for (const solver of ['cg', 'cholesky'] as const) {
      const times: Record<number, number[]> = { 1: [], 2: [] };
      const used: Record<number, number> = { 1: 1, 2: 1 };
      let kernels = '';
      for (let round = 0; round < 3; round++) {
        for (const workers of [1, 2]) {
          const s = await rec.train(data, { feedback: 'implicit', factors: 64, solver, ...(solver === 'cg' ? { cgSteps: 3 } : {}), iterations: 3, workers });
          times[workers].push(...s.secondsPerIteration.slice(1));
          used[workers] = s.workersUsed;
          kernels = s.kernels;
        }
      }
      for (const workers of [1, 2]) rows.push({ solver, f: 64, workers, seconds: median(times[workers]), kernels, workersUsed: used[workers] });
    }
    (results as Record<string, unknown>).parallel = rows;
  } finally {
    await rec.dispose();
  }
  log('parallel done');
}

async function latency(): Promise<void> {
  const n = 100_000;
  const f = 64;
  const rng = new Rng(3);
  const items = createIdMap();
  for (let i = 0; i < n; i++) items.intern(`i${i}`);
  const users = createIdMap();
  users.intern('u0');
  const Y = Float64Array.from({ length: n * f }, () => rng.normal() * 0.1);
  const X = Float64Array.from({ length: f }, () => rng.normal());
  const model = await AlsModel.create({
    options: resolveTrainOptions({ feedback: 'implicit', factors: f, regularization: 0.05 }, 'implicit'),
    users,
    items,
    factors: { factors: f, userFactors: X, itemFactors: Y, globalMean: 0 },
    seen: { rows: 1, cols: n, indptr: Int32Array.of(0, 0), indices: new Int32Array(0), values: new Float64Array(0) },
  });
  const history = Array.from({ length: 100 }, (_, j) => ({ item: `i${(j * 997) % n}`, value: 1 + (j % 5) }));
  const fold: number[] = [];
  const top: number[] = [];
  for (let r = 0; r < 40; r++) {
    let t = performance.now();
    for (let k = 0; k < 50; k++) model.foldIn(history);
    fold.push((performance.now() - t) / 50);
    t = performance.now();
    for (let k = 0; k < 10; k++) model.recommend('u0', 10);
    top.push((performance.now() - t) / 10);
  }
  results['fold-in, f=64, 100 interactions (ms)'] = median(fold.slice(5));
  results['top-10 over 100 000 items, f=64 (ms)'] = median(top.slice(5));
  results.kernels = model.kernels;
  log('latency done');
}

try {
  await latency();
  await overhead();
  await parallel();
  results.crossOriginIsolated = String(crossOriginIsolated);
  (window as unknown as { __results?: unknown }).__results = results;
} catch (e) {
  (window as unknown as { __results?: unknown }).__results = { error: String((e as Error).stack ?? e) };
}
