// `npm run bench:cv`: cross-validated quality of the library's defaults versus a grid search,
// on the built-in dataset and on MovieLens-shaped synthetic sets — the evidence behind
// TRAIN_DEFAULTS. Writes its tables into BENCHMARKS.md between `<!-- cv:start -->` and
// `<!-- cv:end -->`. Usage: node --experimental-wasm-relaxed-simd bench/cv.mjs [--quick]
import { cpus } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as lib from './lib.mjs';

const quick = process.argv.includes('--quick');
const root = fileURLToPath(new URL('..', import.meta.url));
const log = (s) => process.stderr.write(s + '\n');

const builtin = lib.builtinDataset();
const explicitData = lib.generateSynthetic({ users: 943, items: 1682, interactions: 100_000, feedback: 'explicit', rank: 10, seed: 13 });
/** name, data, feedback, fixed options; sizes chosen so the whole study runs in minutes on 2 cores. */
const datasets = [
  { name: 'built-in film catalogue (events)', data: await lib.fromRecords(builtin.events, { source: 'built-in' }), feedback: 'implicit', base: { eventWeights: { view: 1, basket: 4, purchase: 10 } } },
  { name: 'synthetic ML-100K shape, implicit counts', data: lib.generateSynthetic({ users: 943, items: 1682, interactions: 100_000, feedback: 'implicit', rank: 10, seed: 11 }), feedback: 'implicit', base: {} },
  { name: 'synthetic ML-100K shape, rank 30, implicit counts', data: lib.generateSynthetic({ users: 943, items: 1682, interactions: 100_000, feedback: 'implicit', rank: 30, seed: 21 }), feedback: 'implicit', base: {} },
  { name: 'synthetic sparse implicit (5 000 × 3 000, 0.3 %)', data: lib.generateSynthetic({ users: 5000, items: 3000, interactions: 45_000, feedback: 'implicit', rank: 8, seed: 12, minPerUser: 5 }), feedback: 'implicit', base: {} },
  { name: 'synthetic ML-100K shape, ratings 1–5, plain λ', data: explicitData, feedback: 'explicit', base: { weightedRegularization: false }, grid: { factors: [16, 32, 64], regularization: [0.05, 0.3, 1, 3, 10] } },
  { name: 'synthetic ML-100K shape, ratings 1–5 (ALS-WR)', data: explicitData, feedback: 'explicit', base: {} },
  { name: 'synthetic ML-100K shape, ratings 1–5, biases (ALS-WR)', data: explicitData, feedback: 'explicit', base: { biases: true } },
  { name: 'synthetic ML-100K shape, rank 30, ratings 1–5 (ALS-WR)', data: lib.generateSynthetic({ users: 943, items: 1682, interactions: 100_000, feedback: 'explicit', rank: 30, seed: 23 }), feedback: 'explicit', base: {} },
  { name: 'synthetic sparse ratings (5 000 × 3 000, 0.4 %) (ALS-WR)', data: lib.generateSynthetic({ users: 5000, items: 3000, interactions: 60_000, feedback: 'explicit', rank: 8, seed: 24, minPerUser: 5 }), feedback: 'explicit', base: {} },
];
const grids = {
  implicit: quick ? { factors: [16, 64], regularization: [0.1], alpha: [1, 10] } : { factors: [16, 32, 64], regularization: [0.1, 1, 10, 30, 100], alpha: [0.3, 1, 3, 10] },
  explicit: quick ? { factors: [8, 32], regularization: [0.05] } : { factors: [16, 32, 64], regularization: [0.02, 0.05, 0.1, 0.2, 0.5] },
};
const folds = 3;
const iterations = 10;
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

const rows = [];
for (const ds of datasets) {
  const metric = ds.feedback === 'explicit' ? 'rmse' : 'ndcg';
  const common = { folds, seed: 1, metric, k: 10, base: { feedback: ds.feedback, iterations, ...ds.base } };
  log(`${ds.name}: defaults …`);
  const t0 = performance.now();
  const defaults = await lib.crossValidate(ds.data, common);
  const tDefaults = (performance.now() - t0) / 1000;
  log(`${ds.name}: grid …`);
  const t1 = performance.now();
  const search = await lib.crossValidate(ds.data, { ...common, grid: (!quick && ds.grid) || grids[ds.feedback] });
  const tSearch = (performance.now() - t1) / 1000;
  const d = defaults.trials[0];
  // Where would the defaults rank among the grid's trials?
  const sign = lib.isLowerBetter(metric) ? 1 : -1;
  const rank = 1 + search.trials.filter((t) => sign * t.mean[metric] < sign * d.mean[metric]).length;
  const other = ds.feedback === 'explicit' ? 'mae' : 'map';
  rows.push({
    name: ds.name,
    shape: `${ds.data.users.size} × ${ds.data.items.size}, ${ds.data.length} rows`,
    metric: `${metric}${metric === 'rmse' ? '' : '@10'}`,
    defaults: `${fmt(d.mean[metric])} ± ${fmt(d.std[metric])} (${other} ${fmt(d.mean[other])})`,
    best: `${fmt(search.best.score)} ± ${fmt(search.best.std)}`,
    params: Object.entries(search.best.params).map(([k, v]) => `${k}=${v}`).join(' '),
    rank: `${rank} of ${search.trials.length + 1}`,
    seconds: `${tSearch.toFixed(1)} (${search.trials.length} trials) + ${tDefaults.toFixed(1)}`,
    top: [...search.trials]
      .sort((a, b) => sign * (a.mean[metric] - b.mean[metric]))
      .slice(0, 3)
      .map((t) => `${Object.values(t.params).join('/')}: ${fmt(t.mean[metric])}`)
      .join('; '),
  });
  log(`  defaults ${rows.at(-1).defaults}; best ${rows.at(-1).best} with ${rows.at(-1).params}; ${rows.at(-1).seconds} s`);
}

const date = new Date().toISOString().slice(0, 10);
const table = [
  `Cross-validated quality (${folds}-fold, per-user folds, ${iterations} iterations, seed 1), ${date}, ${cpus()[0].model} × ${cpus().length}, Node ${process.version}.`,
  'Command: `npm run bench:cv`. "defaults" = `TRAIN_DEFAULTS` with only `feedback` (and the dataset\'s event weights / biases) set;',
  '"best" = the grid search\'s winner; "rank" = where the defaults would rank among the grid\'s trials.',
  `Grids: implicit ${JSON.stringify(grids.implicit)}; explicit ${JSON.stringify(grids.explicit)}; the plain-λ row ${JSON.stringify(datasets.find((d) => d.grid)?.grid)}.`,
  '',
  '| dataset | shape | metric | defaults (mean ± std) | best (mean ± std) | best params | defaults rank | seconds: search + defaults | top 3 (factors/λ/α) |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.shape} | ${r.metric} | ${r.defaults} | ${r.best} | ${r.params} | ${r.rank} | ${r.seconds} | ${r.top} |`),
].join('\n');
console.log(table);
if (!quick) {
  const path = root + 'BENCHMARKS.md';
  const md = readFileSync(path, 'utf8');
  const start = '<!-- cv:start -->';
  const end = '<!-- cv:end -->';
  const block = `${start}\n${table}\n${end}`;
  const next = md.includes(start) ? md.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${md.trimEnd()}\n\n## Model selection: defaults versus cross-validated search\n\n${block}\n`;
  writeFileSync(path, next);
  log('BENCHMARKS.md updated');
}
