// `npm run bench:quality`: quality on real data (MovieLens-100K from ../shared/data, skipped
// with a notice when absent) and on generated heavy-tailed sets — the evidence behind the
// defaults and `tune`. For each set, a per-user 20 % hold-out (seed 1) is scored with:
// the defaults; the previous release's defaults; benfred/implicit 0.7.2's defaults emulated in
// this engine (f = 100, λ = 0.01, c = α·r with α = 1, CG 3 steps, 15 iterations); `tune`
// (default budget); and a 3-fold grid search on the training part (refit with the winner).
// Writes its table into BENCHMARKS.md between `<!-- quality:start -->` and `<!-- quality:end -->`.
// Usage: node --experimental-wasm-relaxed-simd bench/quality.mjs [--quick] [--only NAME] [--no-write] [--full-grid]
import { cpus } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as lib from './lib.mjs';

const quick = process.argv.includes('--quick');
// --full-grid: search the factor count (32, 64, 128) on every set, as tune does (by default only
// on sets under 100 000 rows, to keep the bench under half an hour).
const fullGrid = process.argv.includes('--full-grid');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const root = fileURLToPath(new URL('..', import.meta.url));
const ml100k = new URL('../../shared/data/ml-100k/u.data', import.meta.url);
const log = (s) => process.stderr.write(s + '\n');
const fmt = (x, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const secs = (t0) => (performance.now() - t0) / 1000;

/** The sets: real first (when present), then generated heavy-tailed ones. */
const sets = [];
if (existsSync(ml100k)) {
  const data = lib.parseText(readFileSync(ml100k, 'utf8'), { source: 'u.data' });
  sets.push({ name: 'MovieLens-100K ratings as implicit values (real)', data, feedback: 'implicit' });
  sets.push({ name: 'MovieLens-100K ratings (real)', data, feedback: 'explicit' });
} else {
  log('notice: ../shared/data/ml-100k is absent — the real-data rows are skipped');
}
sets.push({
  name: 'generated "music plays": 1 903 users × 17 600 items, log-normal counts (median 539, max 1.3 M), 3 whales with ~4 000 items',
  data: lib.generateHeavyTailed({ users: 1900, items: 17600, meanPerUser: 49, activitySpread: 0.3, countMedian: 250, countSpread: 1.6, whales: 3, whaleItems: 8000, whaleCountScale: 10, seed: 7 }),
  feedback: 'implicit',
});
sets.push({
  name: 'generated "shop": 20 002 users × 5 000 items, Zipf activity (median 4 items), 2 whales with counts ×1000',
  data: lib.generateHeavyTailed({ users: 20000, items: 5000, meanPerUser: 8, activitySpread: 1.2, countMedian: 1, countSpread: 0.8, whales: 2, whaleItems: 3000, whaleCountScale: 1000, seed: 8 }),
  feedback: 'implicit',
});

/** The grids of the search baseline: λ as multiples of the data's closed form (implicit) or absolute (explicit). */
function grid(set, train) {
  if (set.feedback === 'explicit') {
    const points = [];
    for (const factors of quick ? [64] : [32, 64, 128]) for (const biases of [true, false]) for (const regularization of [0.03, 0.05, 0.08, 0.12, 0.18, 0.27]) points.push({ factors, biases, regularization });
    return points;
  }
  // λ around the closed form of each confidence (a grid in absolute λ needs the data's scale).
  const m = lib.buildMatrix(train, { duplicates: 'sum' });
  const values = m.byUser.values;
  const sorted = Float64Array.from(values).filter((v) => v > 0).sort();
  const median = sorted[sorted.length >> 1];
  const trials = [];
  const lambdas = (form, alpha, epsilon) => {
    const c = Float64Array.from(values, (r) => (form === 'log' ? 1 + alpha * Math.log(1 + r / epsilon) : 1 + alpha * r));
    const l0 = lib.autoRegularization(m.byUser, m.byUser.cols, c);
    return [0.25, 0.5, 1, 2, 4].map((s) => +(s * l0).toPrecision(3));
  };
  for (const factors of quick || (set.data.length > 100_000 && !fullGrid) ? [64] : [32, 64, 128]) {
    for (const alpha of [1, 2, 4]) for (const regularization of lambdas('log', alpha, median)) trials.push({ factors, confidence: 'log', alpha, regularization });
    for (const a of [1 / 3, 1, 3]) {
      const alpha = +(a / median).toPrecision(3);
      for (const regularization of lambdas('linear', alpha, 1)) trials.push({ factors, confidence: 'linear', alpha, regularization });
    }
  }
  return trials;
}

/** Node 20 has no Object.groupBy. */
function groupBy(xs, key) {
  const out = new Map();
  for (const x of xs) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
}

const rows = [];
for (const set of sets) {
  if (only && !set.name.includes(only)) continue;
  const explicit = set.feedback === 'explicit';
  const metric = explicit ? 'rmse' : 'ndcg';
  const split = lib.splitInteractions(set.data, { method: 'per-user', fraction: 0.2, seed: 1 });
  const score = (model) => lib.evaluateModel(model, split.test, { k: 10 });
  const row = { name: set.name, metric: explicit ? 'RMSE' : 'NDCG@10', cells: {} };
  const record = async (label, options) => {
    const t0 = performance.now();
    const { model, report } = await lib.train(split.train, { feedback: set.feedback, ...options });
    const seconds = secs(t0);
    const ev = score(model);
    row.cells[label] = { value: ev[metric], seconds, report, extra: explicit ? `MAE ${fmt(ev.mae)}` : `MAP ${fmt(ev.map)}, AUC ${fmt(ev.auc)}` };
    log(`  ${label}: ${metric} ${fmt(ev[metric])} (${seconds.toFixed(1)} s) λ ${fmt(report.regularization, 3)}`);
  };
  log(`${set.name} (${set.data.users.size} × ${set.data.items.size}, ${set.data.length} rows)`);
  await record('defaults', {});
  if (explicit) {
    await record('previous defaults', { biases: false });
  } else {
    const m = lib.buildMatrix(split.train, { duplicates: 'sum' });
    const old = 0.1 * lib.largestSingularValue(m.byUser, m.byUser.cols, Float64Array.from(m.byUser.values, (r) => 1 + r));
    await record('previous defaults', { confidence: 'linear', alpha: 1, regularization: old });
    await record('implicit 0.7.2 defaults (emulated)', { factors: 100, regularization: 0.01, confidence: 'scaled', alpha: 1, solver: 'cg', cgSteps: 3, iterations: 15 });
  }
  await record('tune', { tune: true });
  // The search baseline: a 3-fold grid CV on the training part, then a refit with its winner.
  const g = grid(set, split.train);
  // The points are not a Cartesian grid of tunable keys (λ follows each confidence's scale; biases is not a grid key): one crossValidate per fixed rest.
  const groups = Array.isArray(g)
    ? [...groupBy(g, (p) => `${p.factors}/${p.confidence}/${p.alpha}/${p.biases}`).values()].map((ps) => {
        const { regularization: _, ...fixed } = ps[0];
        return { fixed, grid: { regularization: ps.map((p) => p.regularization) } };
      })
    : [{ fixed: {}, grid: g }];
  const t0 = performance.now();
  let cv = null;
  let points = 0;
  for (const group of groups) {
    const r = await lib.crossValidate(split.train, { folds: 3, seed: 1, metric, k: 10, base: { feedback: set.feedback, solver: 'cg', iterations: 10, ...group.fixed }, grid: group.grid });
    points += r.trials.length;
    const better = !cv || (explicit ? r.best.score < cv.best.score : r.best.score > cv.best.score);
    if (better) cv = { best: { ...r.best, params: { ...group.fixed, ...r.best.params } } };
  }
  const cvSeconds = secs(t0);
  const best = cv.best.params;
  const t1 = performance.now();
  const { model } = await lib.train(split.train, { feedback: set.feedback, ...best });
  const ev = score(model);
  row.cells['3-fold grid CV'] = { value: ev[metric], seconds: cvSeconds + secs(t1), extra: `${points} points, best ${JSON.stringify(best)}` };
  log(`  grid: ${metric} ${fmt(ev[metric])} (${(cvSeconds + secs(t1)).toFixed(1)} s) ${JSON.stringify(best)}`);
  rows.push(row);
}

const labels = ['defaults', 'previous defaults', 'implicit 0.7.2 defaults (emulated)', 'tune', '3-fold grid CV'];
const date = new Date().toISOString().slice(0, 10);
const lines = [
  `Per-user 20 % hold-out (seed 1), ${date}, ${cpus()[0].model} × ${cpus().length}, Node ${process.version}. Command: \`npm run bench:quality\`${quick ? ' (--quick)' : ''}.`,
  'Each cell: the held-out metric, then seconds (training, or search + refit). "tune" = `train(data, { tune: true })` (60 s budget, search and refit);',
  '"3-fold grid CV" = `crossValidate` over the grid below on the training part (CG, 10 iterations), then a refit with its winner.',
  '',
  `| data set | metric | ${labels.join(' | ')} |`,
  `|---|---|${labels.map(() => '---:').join('|')}|`,
  ...rows.map((r) => `| ${r.name} | ${r.metric} | ${labels.map((l) => (r.cells[l] ? `${fmt(r.cells[l].value)} (${r.cells[l].seconds.toFixed(1)} s)` : '—')).join(' | ')} |`),
  '',
  ...rows.flatMap((r) => [
    `- ${r.name}:`,
    ...labels.filter((l) => r.cells[l]).map((l) => {
      const c = r.cells[l];
      const rep = c.report;
      const how = rep?.tuned ? `chose ${JSON.stringify({ ...rep.tuned.params, regularization: +rep.tuned.params.regularization.toPrecision(3), ...(rep.tuned.params.alpha ? { alpha: +rep.tuned.params.alpha.toPrecision(3) } : {}) })} from ${rep.tuned.trials.length} runs in ${rep.tuned.seconds.toFixed(1)} s` : rep?.regularizationCalibration ? `λ = ${fmt(rep.regularization, 2)} (${fmt(rep.regularization / rep.regularizationCalibration.closedForm, 2)} × closed form ${fmt(rep.regularizationCalibration.closedForm, 2)}, carry-over exponent ${fmt(rep.regularizationCalibration.transferExponent, 2)}, calibrated in ${rep.regularizationCalibration.seconds.toFixed(1)} s)` : rep ? `λ = ${fmt(rep.regularization, 3)}` : '';
      return `  - ${l}: ${c.extra}${how ? `; ${how}` : ''}`;
    }),
  ]),
];
const table = lines.join('\n');
console.log(table);
if (!quick && !only && !process.argv.includes('--no-write')) {
  const path = root + 'BENCHMARKS.md';
  const md = readFileSync(path, 'utf8');
  const start = '<!-- quality:start -->';
  const end = '<!-- quality:end -->';
  const block = `${start}\n${table}\n${end}`;
  writeFileSync(path, md.includes(start) ? md.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${md.trimEnd()}\n\n## Quality on real data\n\n${block}\n`);
  log('BENCHMARKS.md updated');
}
