// Quality of `precision: 'mixed'` against `'f64'` (implicit feedback, CG 3 steps, f = 64, 15
// iterations, 2 workers, otherwise the defaults): MovieLens-100K (real, ratings as implicit values;
// skipped with a notice when ../shared/data is absent) and generated heavy-tailed sets. A per-user
// 20 % hold-out (seed 1) is scored with NDCG@10 after every iteration (`validation`), and the
// training loss of every iteration is kept; the two runs of a set share data, seed and options.
// Prints a Markdown table and the largest relative gaps, and writes docs/precision-loss.svg
// (the loss curves overlaid).
// Usage: npm run build && node --experimental-wasm-relaxed-simd bench/precision-quality.mjs
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as lib from './lib.mjs';
import { logLogPlot } from './svg-plot.mjs';

const ml100k = new URL('../../shared/data/ml-100k/u.data', import.meta.url);
const sets = [];
if (existsSync(ml100k)) {
  sets.push({ name: 'MovieLens-100K (real), ratings as implicit values', data: lib.parseText(readFileSync(ml100k, 'utf8'), { source: 'u.data' }) });
} else {
  process.stderr.write('notice: ../shared/data/ml-100k is absent — the real-data row is skipped\n');
}
sets.push({
  name: 'generated "music plays" (1 903 × 17 600, log-normal counts, 3 whales)',
  data: lib.generateHeavyTailed({ users: 1900, items: 17600, meanPerUser: 49, activitySpread: 0.3, countMedian: 250, countSpread: 1.6, whales: 3, whaleItems: 8000, whaleCountScale: 10, seed: 7 }),
});
sets.push({
  name: 'generated "shop" (20 002 × 5 000, Zipf activity, 2 whales ×1000)',
  data: lib.generateHeavyTailed({ users: 20000, items: 5000, meanPerUser: 8, activitySpread: 1.2, countMedian: 1, countSpread: 0.8, whales: 2, whaleItems: 3000, whaleCountScale: 1000, seed: 8 }),
});
sets.push({
  name: 'generated ML-1M-like (6 040 × 3 706, 1 M pairs, Zipf items)',
  data: lib.generateHeavyTailed({ users: 6040, items: 3706, meanPerUser: 165, activitySpread: 0.9, countMedian: 3, countSpread: 0.6, seed: 9 }),
});

const rel = (a, b) => Math.abs(a - b) / Math.abs(b);
const rows = [];
const series = [];
for (const set of sets) {
  const split = lib.splitInteractions(set.data, { method: 'per-user', fraction: 0.2, seed: 1 });
  const runs = {};
  for (const precision of ['f64', 'mixed']) {
    const t0 = performance.now();
    const { report } = await lib.train(split.train, {
      feedback: 'implicit', factors: 64, iterations: 15, solver: 'cg', precision, workers: 2, seed: 3,
      validation: { data: split.test, metric: 'ndcg', k: 10 },
    });
    runs[precision] = { loss: report.loss, ndcg: report.validation.history.map((p) => p.value), seconds: (performance.now() - t0) / 1000 };
    series.push({ name: `${set.name.split(' (')[0].replace('generated ', '')}, ${precision}`, points: report.loss.map((l, i) => [i + 1, l / report.loss[0]]) });
  }
  const [a, b] = [runs.mixed, runs.f64];
  const last = a.ndcg.length - 1;
  rows.push({
    set: set.name,
    pairs: set.data.length,
    ndcgF64: b.ndcg[last],
    ndcgMixed: a.ndcg[last],
    ndcgGap: rel(a.ndcg[last], b.ndcg[last]),
    ndcgWorst: Math.max(...a.ndcg.map((v, i) => rel(v, b.ndcg[i]))),
    lossGap: rel(a.loss.at(-1), b.loss.at(-1)),
    lossWorst: Math.max(...a.loss.map((v, i) => rel(v, b.loss[i]))),
    seconds: [b.seconds, a.seconds],
  });
  process.stderr.write(`${set.name}: done\n`);
}
const e = (x) => x.toExponential(1);
console.log('| set | pairs | NDCG@10 f64 | NDCG@10 mixed | gap, last iteration | worst gap, any iteration | loss gap, last | worst loss gap | wall s f64 / mixed (incl. scoring) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.set} | ${r.pairs.toLocaleString('en')} | ${r.ndcgF64.toFixed(5)} | ${r.ndcgMixed.toFixed(5)} | ${e(r.ndcgGap)} | ${e(r.ndcgWorst)} | ${e(r.lossGap)} | ${e(r.lossWorst)} | ${r.seconds[0].toFixed(1)} / ${r.seconds[1].toFixed(1)} |`);
}
const svg = logLogPlot({ title: 'Training loss / first-iteration loss, f64 and mixed overlaid (CG, f = 64)', xLabel: 'iteration', yLabel: 'loss / loss after iteration 1', series, xTicks: [1, 2, 5, 10, 15] });
writeFileSync(new URL('../docs/precision-loss.svg', import.meta.url), svg);
process.stderr.write('wrote docs/precision-loss.svg\n');
