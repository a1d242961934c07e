// The cost of held-out validation during training, from a built package (default: this
// checkout's dist/; pass another checkout to compare): MovieLens-100K implicit, f = 64,
// 10 iterations, Cholesky, 1 worker, without and with `validation` (NDCG@10 on 20 % of each
// user's pairs, scored every iteration), MovieLens-100K from ../shared/data. Median seconds of `runs` (default 5) after a warm-up.
//
//   node --experimental-wasm-relaxed-simd bench/validation-cost.mjs [PACKAGE=.] [runs=5]
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';

const pkg = resolve(process.argv[2] ?? '.');
const runs = Number(process.argv[3] ?? 5);
const file = new URL('../../shared/data/ml-100k/u.data', import.meta.url);
if (!existsSync(file)) {
  console.log('notice: ../shared/data/ml-100k is absent — skipped');
  process.exit(0);
}
const { libOf } = await import('./lib.mjs');
const lib = await libOf(pkg);
const data = lib.parseText(readFileSync(file, 'utf8'), { source: 'u.data' });
const { train: part, test } = lib.splitInteractions(data, { fraction: 0.2, seed: 1 });
const base = { feedback: 'implicit', factors: 64, iterations: 10, regularization: 10, solver: 'cholesky', workers: 1 };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const plain = [];
const validated = [];
let ndcg;
for (let r = 0; r <= runs; r++) {
  let t0 = performance.now();
  await lib.train(part, base);
  const a = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const { report } = await lib.train(part, { ...base, validation: { data: test, metric: 'ndcg', k: 10 } });
  const b = (performance.now() - t0) / 1000;
  ndcg = report.validation.best.value;
  if (r > 0) {
    plain.push(a);
    validated.push(b);
  }
}
const p = median(plain);
const v = median(validated);
console.log(JSON.stringify({ package: pkg, runs, cores: cpus().length, load: loadavg()[0].toFixed(1), trainSeconds: +p.toFixed(3), withValidationSeconds: +v.toFixed(3), validationSecondsPerIteration: +((v - p) / 10).toFixed(4), bestNdcg: ndcg }));
