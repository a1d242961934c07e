// `npm run bench:tune-1m`: time of `train(data, { tune: true })` on a 1 M-interaction set
// (MovieLens-1M shape: 6 040 users × 3 706 items, implicit counts), search and refit, on the
// cores here (issue 13's target: ≤ 60 s on 2 cores). Also the defaults (with their λ
// calibration) on the same data, for the cost of the calibration. Prints one Markdown table.
// Usage: node --experimental-wasm-relaxed-simd bench/tune-1m.mjs
import { cpus, loadavg } from 'node:os';
import * as lib from './lib.mjs';

const data = lib.generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, feedback: 'implicit', rank: 10, seed: 3 });
const split = lib.splitInteractions(data, { method: 'per-user', fraction: 0.2, seed: 1 });
const rows = [];
for (const [label, options] of [
  ['defaults (λ calibrated)', {}],
  ['tune: true', { tune: true }],
]) {
  const load = loadavg()[0];
  const t0 = performance.now();
  const { model, report } = await lib.train(split.train, { feedback: 'implicit', ...options });
  const seconds = (performance.now() - t0) / 1000;
  const ev = lib.evaluateModel(model, split.test, { k: 10 });
  const how = report.tuned
    ? `${report.tuned.trials.length} runs in ${report.tuned.seconds.toFixed(1)} s; chose f = ${report.tuned.params.factors}, λ = ${report.tuned.params.regularization.toPrecision(3)}, ${report.tuned.params.confidence} α = ${report.tuned.params.alpha.toPrecision(3)}, ${report.tuned.params.iterations} iterations`
    : `λ = ${report.regularization.toPrecision(3)} (calibration ${report.regularizationCalibration?.seconds.toFixed(1)} s)`;
  rows.push(`| ${label} | ${seconds.toFixed(1)} | ${ev.ndcg.toFixed(4)} | ${how} | ${load.toFixed(1)} |`);
  process.stderr.write(rows.at(-1) + '\n');
}
console.log(
  [
    `${split.train.length.toLocaleString('en')} training interactions (MovieLens-1M shape, 80 % per user), ${cpus()[0].model} × ${cpus().length}, Node ${process.version}, workers = the cores. Command: \`npm run bench:tune-1m\`.`,
    '',
    '| run | seconds (search + refit) | held-out NDCG@10 | what it did | load average at start |',
    '|---|---:|---:|---|---:|',
    ...rows,
  ].join('\n'),
);
