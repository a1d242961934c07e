// The roofline of the implicit CG iteration (BENCHMARKS.md, "f32 panels for CG"): this machine's
// WebAssembly memory bandwidth (a streaming read of an L3-sized and of a DRAM-sized array, and a
// gather of random 512-byte rows from 71 MB, as the CG gather of X at MovieLens-20M scale; 1
// thread and 2 threads on one shared memory) and its FMA peak (fmaPeak, relaxed build), then the
// bytes and flops of one CG iteration at the MovieLens-1M shape (f = 64, 3 steps) for each
// precision, read against them with the seconds per iteration given on the command line.
// Usage: npm run build && node --experimental-wasm-relaxed-simd bench/roofline.mjs [f64 s/it] [mixed s/it]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as lib from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'roofline-'));
const out = join(dir, 'stream.wasm');
execFileSync(process.execPath, [join(root, 'node_modules/assemblyscript/bin/asc.js'), 'bench/roofline-stream.ts', '--runtime', 'stub', '--importMemory', '--sharedMemory', '--initialMemory', '6000', '--maximumMemory', '6000', '--use', 'abort=', '-O3', '--noAssert', '--enable', 'simd,threads', '-o', out], { cwd: root, stdio: 'inherit' });
const module = new WebAssembly.Module(readFileSync(out));
const memory = new WebAssembly.Memory({ initial: 6000, maximum: 6000, shared: true });
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

// Each thread owns its own region: [base + t·region, … + bytes).
const region = 180 * 2 ** 20;
const base = 1 << 20;
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, region, base, t } = workerData;
const K = new WebAssembly.Instance(module, { env: { memory } }).exports;
parentPort.on('message', ({ kind, bytes, reps, ctl }) => {
  const c = new Int32Array(ctl);
  Atomics.add(c, 0, 1);
  while (Atomics.load(c, 0) < c[1]) {} // start together
  const p = base + t * region;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) kind === 'read' ? K.streamRead(p, bytes) : K.gatherRead(p, bytes, 512, bytes / 512, 7 + r);
  parentPort.postMessage(performance.now() - t0);
});`;
const workers = [0, 1].map((t) => new Worker(workerSource, { eval: true, workerData: { module, memory, region, base, t } }));
new Float64Array(memory.buffer, base, (2 * region) / 8).fill(1);

/** GB/s of `threads` threads each streaming `bytes` (`reps` times), median of 5. */
async function bandwidth(kind, bytes, threads) {
  const reps = Math.max(1, Math.round(2 ** 30 / bytes));
  const results = [];
  for (let round = 0; round < 5; round++) {
    const ctl = new SharedArrayBuffer(8);
    new Int32Array(ctl)[1] = threads;
    const ms = await Promise.all(workers.slice(0, threads).map((w) => new Promise((res) => (w.once('message', res), w.postMessage({ kind, bytes, reps, ctl })))));
    results.push((threads * reps * bytes) / (Math.max(...ms) / 1000) / 1e9);
  }
  return median(results);
}

const bw = {};
for (const [name, kind, bytes] of [['read, 16 KiB (L1)', 'read', 16 * 2 ** 10], ['read, 256 KiB (L2)', 'read', 256 * 2 ** 10], ['read, 8 MiB (L3)', 'read', 8 * 2 ** 20], ['read, 160 MiB (DRAM)', 'read', 160 * 2 ** 20], ['gather of 512-byte rows from 71 MB', 'gather', 71 * 2 ** 20]]) {
  bw[name] = [await bandwidth(kind, bytes, 1), await bandwidth(kind, bytes, 2)];
}
for (const w of workers) await w.terminate();
const K = (await lib.loadKernels({ variant: 'relaxed' })).exports;
K.fmaPeak(1_000_000);
const peaks = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  K.fmaPeak(20_000_000);
  peaks.push((20_000_000 * 8 * 2 * 2) / ((performance.now() - t0) / 1000) / 1e9);
}
const peak = median(peaks);

console.log('| measured (WASM SIMD) | 1 thread | 2 threads |\n|---|---:|---:|');
for (const [name, [a, b]] of Object.entries(bw)) console.log(`| ${name}, GB/s | ${a.toFixed(1)} | ${b.toFixed(1)} |`);
console.log(`| FMA peak (fmaPeak, relaxed), GFLOP/s | ${peak.toFixed(1)} | ${(2 * peak).toFixed(1)} (2 × 1 thread) |`);

// One CG iteration at the MovieLens-1M shape: bytes each precision moves, flops it does.
const matrix = lib.buildMatrix(lib.generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, rank: 16, feedback: 'explicit', seed: 1 }), { duplicates: 'sum' });
const f = 64, steps = 3, nnz = matrix.nnz, rows = matrix.byUser.rows + matrix.byUser.cols;
/**
 * Bytes of one iteration (both half-steps), by where they come from at this shape (X and Y are
 * 3 and 2 MB): `far` (L3) the gather of the other side's rows — f64 rows for f64, the rows of
 * the f32 copy for mixed, plus that copy's conversion (read f64, write f32) once per half-step —
 * with index and confidence, each row's x read and written and YᵀY's pass; `near` (L1/L2) the
 * panel's write and its re-reads (each step; mixed also forms the residual from it) and YᵀY per
 * product (f64 for the residual and `gramSteps` bytes per entry for the steps; mixed: f32 for both).
 */
const m = matrix.byUser.rows, n = matrix.byUser.cols;
const far = (rowBytes, copy) => 2 * nnz * (f * rowBytes + 8) + rows * f * 16 + rows * f * 8 + (copy ? (m + n) * f * 12 : 0);
const near = (s, passes, gramResidual, gramSteps) => 2 * nnz * f * s * passes + rows * f * f * (gramResidual + steps * gramSteps);
// Flops as the engine counts them (report.gflops, train.ts cgSideFlops): 2(steps + 1)(f² per row + 2f per entry) per side, plus YᵀY.
const flops = 2 * (steps + 1) * (rows * f * f + 4 * nnz * f) + rows * f * f;
// Mixed: everything but the f64 YᵀY runs in f32 lanes, four per vector against f64's two.
const f32Flops = flops - rows * f * f;
const models = [
  ['f64', far(8, false), near(8, 1 + steps, 8, 8), flops / (2 * 1)],
  ['mixed', far(4, true), near(4, 2 + steps, 4, 4), (flops - f32Flops) / 2 + f32Flops / 4],
];
const secs = { f64: Number(process.argv[2] ?? NaN), mixed: Number(process.argv[3] ?? NaN) };
console.log('\n| CG iteration, ML-1M shape, f = 64, 2 workers | bytes from L3 | bytes from L1/L2 | flops | s / iteration | achieved GB/s (all bytes) | achieved GFLOP/s | time at the L3 roof | time at the L2 roof | time at the FMA roof |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const l3 = bw['read, 8 MiB (L3)'][1], l2 = bw['read, 256 KiB (L2)'][1];
for (const [p, farBytes, b, f64EquivalentFlops] of models) {
  const s = secs[p];
  const g = (x) => (x / 1e9).toFixed(2);
  // The FMA roof counts f32 lanes at twice the f64 rate (f64EquivalentFlops is in f64x2-FMA units × 2).
  console.log(`| ${p} | ${g(farBytes)} GB | ${g(b)} GB | ${g(flops)} GFLOP | ${s.toFixed(3)} | ${((farBytes + b) / s / 1e9).toFixed(1)} | ${(flops / s / 1e9).toFixed(1)} | ${(farBytes / l3 / 1e9).toFixed(3)} s | ${(b / l2 / 1e9).toFixed(3)} s | ${((2 * f64EquivalentFlops) / (2 * peak) / 1e9).toFixed(3)} s |`);
}
