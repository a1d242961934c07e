// Soak (not in CI): trains and cancels repeatedly for N minutes and records memory over time,
// to show that nothing accumulates run after run. Uses the built library (dist/).
// Usage: npm run build && node --expose-gc --experimental-wasm-relaxed-simd bench/soak.mjs [--minutes 10]
// Prints one JSON line per sample on stderr and a Markdown table on stdout (for BENCHMARKS.md).
import * as lib from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const minutes = arg('minutes', 10);
const samples = arg('samples', 20);
const gc = globalThis.gc ?? (() => {});
const MiB = 2 ** 20;

const synthetic = lib.generateSynthetic({ users: 4000, items: 1500, interactions: 120_000, feedback: 'implicit', rank: 8, seed: 5, minPerUser: 20 });
const records = Array.from({ length: synthetic.length }, (_, j) => ({ user: synthetic.users.id(synthetic.user[j]), item: synthetic.items.id(synthetic.item[j]), value: synthetic.value[j] }));
const engine = new lib.Engine();
const data = await engine.load(records);
const options = { feedback: 'implicit', factors: 32, iterations: 5, alpha: 10, seed: 1 };

const t0 = performance.now();
const reference = await engine.train(data, options);
const runMs = performance.now() - t0;
const rows = [];
let cycles = 0;
let cancelled = 0;
let completed = 0;
let mismatches = 0;

async function sample() {
  gc();
  const m = process.memoryUsage();
  const info = await engine.info();
  const row = {
    seconds: Math.round((performance.now() - t0) / 1000),
    cycles,
    cancelled,
    wasmMiB: info.memory.wasmBytes / MiB,
    heapMiB: m.heapUsed / MiB,
    externalMiB: m.external / MiB,
    arrayBuffersMiB: m.arrayBuffers / MiB,
    rssMiB: m.rss / MiB,
  };
  rows.push(row);
  process.stderr.write(JSON.stringify(row) + '\n');
}

await sample();
const end = t0 + minutes * 60_000;
let nextSample = t0 + (minutes * 60_000) / samples;
while (performance.now() < end) {
  // A run cancelled at a random moment, then a complete run that must match the reference.
  const controller = new AbortController();
  const run = engine.train(data, { ...options, signal: controller.signal });
  setTimeout(() => controller.abort(), Math.random() * runMs);
  await run.then(
    () => undefined,
    (e) => {
      if (e.name !== 'AbortError') throw e;
      cancelled++;
    },
  );
  const summary = await engine.train(data, options);
  completed++;
  if (summary.loss.at(-1) !== reference.loss.at(-1)) mismatches++;
  cycles++;
  if (performance.now() >= nextSample) {
    await sample();
    nextSample += (minutes * 60_000) / samples;
  }
}
await sample();

const first = rows[1] ?? rows[0];
const last = rows.at(-1);
const fmt = (x) => x.toFixed(1);
console.log(`Soak: ${minutes} min, ${cycles} cycles (${cancelled} cancelled mid-run, ${completed} complete runs, ${mismatches} with a different loss than the first run), ${synthetic.length} interactions, f = ${options.factors}, ${options.iterations} iterations per run; one run ≈ ${Math.round(runMs)} ms.`);
console.log('');
console.log('| t (s) | cycles | WASM held (MiB) | JS heap (MiB) | external (MiB) | ArrayBuffers (MiB) | RSS (MiB) |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.seconds} | ${r.cycles} | ${fmt(r.wasmMiB)} | ${fmt(r.heapMiB)} | ${fmt(r.externalMiB)} | ${fmt(r.arrayBuffersMiB)} | ${fmt(r.rssMiB)} |`);
console.log('');
console.log(`From the first sample after warm-up to the last: JS heap ${fmt(last.heapMiB - first.heapMiB)} MiB, RSS ${fmt(last.rssMiB - first.rssMiB)} MiB, WASM held ${fmt(last.wasmMiB - first.wasmMiB)} MiB.`);
