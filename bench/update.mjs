// `npm run bench:update`: an incremental update of 100 new events on MovieLens-100K (from
// ../shared/data, skipped with a notice when absent) against a full retrain on all the data,
// in milliseconds (medians), explicit and implicit, Cholesky and CG, with the library's
// defaults (f = 64, 15 iterations; the retrain uses the λ the base model measured, so it
// times training alone, not implicit's λ calibration).
// The 100 events: a seeded random 100 rows of u.data; the model is trained on the others.
// Writes its table into BENCHMARKS.md between `<!-- update:start -->` and `<!-- update:end -->`.
// Usage: node --experimental-wasm-relaxed-simd bench/update.mjs [--runs 7] [--no-write]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as lib from './lib.mjs';

const file = new URL('../../shared/data/ml-100k/u.data', import.meta.url);
const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : 7;
const log = (s) => process.stderr.write(s + '\n');
if (!existsSync(file)) {
  log('notice: ../shared/data/ml-100k is absent — nothing to measure');
  process.exit(0);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const data = lib.parseText(readFileSync(file, 'utf8'), { source: 'u.data' });
const rows = [];
for (let j = 0; j < data.length; j++) rows.push({ user: data.users.id(data.user[j]), item: data.items.id(data.item[j]), value: data.value[j] });
// A seeded shuffle (mulberry32), so every run picks the same 100 events.
let seed = 5;
const next = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
for (let j = rows.length - 1; j > 0; j--) {
  const k = Math.floor(next() * (j + 1));
  [rows[j], rows[k]] = [rows[k], rows[j]];
}
const fresh = rows.slice(rows.length - 100);
const base = await lib.fromRecords(rows.slice(0, rows.length - 100));
const all = await lib.fromRecords(rows);

const configs = [
  { name: 'explicit, Cholesky', o: { feedback: 'explicit' } },
  { name: 'explicit, CG', o: { feedback: 'explicit', solver: 'cg' } },
  { name: 'implicit, Cholesky', o: { feedback: 'implicit' } },
  { name: 'implicit, CG', o: { feedback: 'implicit', solver: 'cg' } },
];
const table = [];
for (const c of configs) {
  const { model } = await lib.train(base, { ...c.o, workers: 1 });
  const o = { ...c.o, workers: 1, regularization: model.options.regularization };
  await model.update(fresh); // warm-up (V8 tiers up the WASM and the JS)
  const update = [];
  const keep = [];
  const retrain = [];
  let report;
  // Alternating, so a change of machine load hits every column alike.
  for (let r = 0; r < runs; r++) {
    let t0 = performance.now();
    ({ report } = await model.update(fresh));
    update.push(performance.now() - t0);
    t0 = performance.now();
    await model.update(fresh, { items: 'keep' });
    keep.push(performance.now() - t0);
    if (r < Math.max(3, runs >> 1)) {
      t0 = performance.now();
      await lib.train(all, o);
      retrain.push(performance.now() - t0);
    }
  }
  const row = { name: c.name, update: median(update), keep: median(keep), retrain: median(retrain), users: report.usersSolved, items: report.itemsSolved, retrains: retrain.length };
  table.push(row);
  log(`${c.name}: update ${row.update.toFixed(1)} ms (items keep ${row.keep.toFixed(1)} ms; ${row.users} users, ${row.items} items re-solved) vs retrain ${row.retrain.toFixed(0)} ms → ${(row.retrain / row.update).toFixed(0)}×`);
}

const kernels = (await lib.kernelVariantsAvailable())[0];
const md = [
  `### 100 new events on MovieLens-100K: update vs full retrain (Node ${process.version}, ${kernels} kernels, 1 worker, ${cpus()[0]?.model ?? 'unknown CPU'}; medians of ${runs} updates and ${table[0].retrains} retrains, alternating)`,
  '',
  '| model (defaults, f = 64) | `update` (users + items) | `update`, `items: keep` | rows re-solved | full retrain (15 iterations) | retrain / update |',
  '|---|---|---|---|---|---|',
  ...table.map((r) => `| ${r.name} | ${r.update.toFixed(1)} ms | ${r.keep.toFixed(1)} ms | ${r.users} users, ${r.items} items | ${r.retrain.toFixed(0)} ms | ${(r.retrain / r.update).toFixed(0)}× |`),
  '',
  `Command: \`npm run bench:update\` (\`node --experimental-wasm-relaxed-simd bench/update.mjs --runs ${runs}\`). An update includes reading the 100 records, copying the stored interactions, the restricted half-steps, and building the new model's serving memory (YᵀY).`,
].join('\n');
process.stdout.write(md + '\n');
if (!process.argv.includes('--no-write')) {
  const path = new URL('../BENCHMARKS.md', import.meta.url);
  const text = readFileSync(path, 'utf8');
  const start = '<!-- update:start -->';
  const end = '<!-- update:end -->';
  const block = `${start}\n${md}\n${end}`;
  writeFileSync(path, text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${text.trimEnd()}\n\n## Incremental updates (issue 16)\n\n${block}\n`);
}
