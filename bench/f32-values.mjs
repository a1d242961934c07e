// f32 vs f64 interaction values: trains the same seeded problems with this build (values stored
// as f32 in WASM memory) and with an f64 build of the previous commit, and compares loss and
// held-out quality. Usage: node --experimental-wasm-relaxed-simd bench/f32-values.mjs <the f64 build's dist/index.js (a checkout from before the in-thread entry)>
import { pathToFileURL } from 'node:url';

const f32 = await import('./lib.mjs');
const f64 = await import(pathToFileURL(process.argv[2]).href);
const cases = [
  { name: 'implicit linear α=0.37, CG f=64', data: 'implicit', o: { feedback: 'implicit', factors: 64, alpha: 0.37, solver: 'cg', iterations: 10 } },
  { name: 'implicit log α=40 ε=0.1, Cholesky f=32', data: 'implicit', o: { feedback: 'implicit', factors: 32, alpha: 40, confidence: 'log', epsilon: 0.1, iterations: 10 } },
  { name: 'explicit ratings 1–5 + biases, f=32', data: 'explicit', o: { feedback: 'explicit', factors: 32, biases: true, regularization: 0.1, iterations: 10 } },
];
const rows = [];
for (const c of cases) {
  const out = {};
  for (const [label, lib] of [['f64', f64], ['f32', f32]]) {
    const data = lib.generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, rank: 16, feedback: c.data, seed: 1 });
    const { train, test } = lib.splitInteractions(data, { method: 'per-user', fraction: 0.2, seed: 3 });
    const { model, report } = await lib.train(train, c.o);
    const ev = lib.evaluateModel(model, test, { k: 10 });
    out[label] = { loss: report.loss.at(-1), ev, X: model.params?.userFactors };
  }
  const metric = c.data === 'explicit' ? 'rmse' : 'recall';
  const a = out.f64;
  const b = out.f32;
  rows.push({ case: c.name, lossF64: a.loss, lossF32: b.loss, lossRelDiff: Math.abs(a.loss - b.loss) / a.loss, metric, f64: a.ev[metric], f32: b.ev[metric], metricDiff: Math.abs(a.ev[metric] - b.ev[metric]) });
}
console.table(rows);
console.log(JSON.stringify(rows));
