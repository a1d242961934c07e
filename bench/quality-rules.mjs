// `npm run bench:quality-rules`: the evidence behind two rules of the implicit defaults
// (BENCHMARKS.md, "The rule each default follows"): how the λ calibrated on 80 % of each
// user's pairs carries to all the data (exponent x of λ₀(all)/λ₀(part)), and what BM25
// weighting does. Per-user 20 % hold-out (seed 1), NDCG@10, defaults otherwise, 2 workers.
// MovieLens-100K from ../shared/data (skipped with a notice when absent) and generated sets.
// Usage: node --experimental-wasm-relaxed-simd bench/quality-rules.mjs [--only NAME]
import { existsSync, readFileSync } from 'node:fs';
import * as lib from './lib.mjs';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const ml100k = new URL('../../shared/data/ml-100k/u.data', import.meta.url);
const sets = {
  ml: () => (existsSync(ml100k) ? lib.parseText(readFileSync(ml100k, 'utf8'), { source: 'u.data' }) : null),
  music: () => lib.generateHeavyTailed({ users: 1900, items: 17600, meanPerUser: 49, activitySpread: 0.3, countMedian: 250, countSpread: 1.6, whales: 3, whaleItems: 8000, whaleCountScale: 10, seed: 7 }),
  music0: () => lib.generateHeavyTailed({ users: 1900, items: 17600, meanPerUser: 49, activitySpread: 0.3, countMedian: 250, countSpread: 1.6, whales: 0, seed: 7 }),
  shop: () => lib.generateHeavyTailed({ users: 20000, items: 5000, meanPerUser: 8, activitySpread: 1.2, countMedian: 1, countSpread: 0.8, whales: 2, whaleItems: 3000, whaleCountScale: 1000, seed: 8 }),
  synth: () => lib.generateSynthetic({ users: 943, items: 1682, interactions: 100_000, feedback: 'implicit', rank: 10, seed: 11 }),
  sparse: () => lib.generateSynthetic({ users: 5000, items: 3000, interactions: 45_000, feedback: 'implicit', rank: 8, seed: 12, minPerUser: 5 }),
};
const ndcg = (model, test) => lib.evaluateModel(model, test, { k: 10, atKOnly: true }).ndcg.toFixed(4);
console.log('| set | median pairs/user | x = 1 | x = ½ | x = 0 | rule (x) | bm25 |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const [name, make] of Object.entries(sets)) {
  if (only && name !== only) continue;
  const data = make();
  if (!data) {
    console.error(`notice: ../shared/data/ml-100k is absent — ${name} skipped`);
    continue;
  }
  const { train, test } = lib.splitInteractions(data, { method: 'per-user', fraction: 0.2, seed: 1 });
  const counts = new Map();
  for (let j = 0; j < train.length; j++) counts.set(train.user[j], (counts.get(train.user[j]) ?? 0) + 1);
  const sorted = [...counts.values()].sort((a, b) => a - b);
  const { model, report } = await lib.train(train, { feedback: 'implicit', workers: 2 });
  const cal = report.regularizationCalibration;
  const part = cal.scale * cal.partClosedForm;
  const row = [];
  for (const x of [1, 0.5, 0]) {
    const { model: m } = await lib.train(train, { feedback: 'implicit', workers: 2, regularization: part * (cal.closedForm / cal.partClosedForm) ** x });
    row.push(ndcg(m, test));
  }
  const { model: b } = await lib.train(train, { feedback: 'implicit', workers: 2, weighting: 'bm25' });
  console.log(`| ${name} | ${sorted[sorted.length >> 1]} | ${row.join(' | ')} | ${ndcg(model, test)} (${cal.transferExponent.toFixed(2)}) | ${ndcg(b, test)} |`);
}
