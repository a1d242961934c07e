// The implicit CG kernel (assembly/solve-cg.ts) with its three panel precisions, on the same
// random rows, alternating in one process (the shipped relaxed build, build/als-relaxed.wasm):
//   node --experimental-wasm-relaxed-simd bench/experiments/cg-f32.mjs [f]
// 0 = f64 panel; 1 = f32 copy and panel, multiply-adds in f64; 2 = f32 copy and panel, f32
// multiply-adds within a block, partial sums in f64 ('mixed'). Prints medians of 7 rounds per row length
// (~1 M entries per call, Y = 4 000 random rows) and the largest relative difference of the
// solved rows from mode 0 after one call (3 steps, warm start from the same X).
import { readFileSync } from 'node:fs';

const f = Number(process.argv[2] ?? 64);
const steps = 3;
const wasm = readFileSync(new URL('../../build/als-relaxed.wasm', import.meta.url));
const memory = new WebAssembly.Memory({ initial: 8000, maximum: 65536 });
const K = (await WebAssembly.instantiate(wasm, { env: { memory } })).instance.exports;
const F = new Float64Array(memory.buffer);
let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const best = process.env.BEST ? (a) => Math.min(...a) : median;

let top = 1 << 16;
const alloc = (b) => ((top = (top + 63) & ~63), (top += b), top - b);
const n = 4000;
const Y = alloc(n * f * 8);
for (let i = 0; i < n * f; i++) F[Y / 8 + i] = (rnd() - 0.5) * 0.2;
const G = alloc(f * f * 8);
K.gramian(Y, n, f, G);
// Modes 1 and 2 gather from the f32 copy of Y (made once per half-step in training).
const Y32 = alloc(4 * ((f + 3) & ~3) * n);
K.toF32Rows(Y, n, f, Y32);
const mark = top;
const modes = [0, 1, 2];
console.log(`### Implicit CG kernel by panel precision (f = ${f}, ${steps} steps, one thread; medians of 7 alternating rounds)\n`);
console.log('| entries per row | panel KiB (f64 / f32) | f64 ms | mixed, f64 acc. ms | f32 acc. ms | f64 acc. vs f64 | f32 acc. vs f64 | max rel. diff f64 acc. | max rel. diff f32 acc. |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const count of [20, 165, 1000, 5000, 50000]) {
  top = mark;
  const rows = Math.max(4, Math.round(1_000_000 / count));
  const indptr = alloc((rows + 1) * 4), indices = alloc(rows * count * 4), conf = alloc(rows * count * 4);
  const ip = new Int32Array(memory.buffer, indptr, rows + 1), ix = new Int32Array(memory.buffer, indices, rows * count), cf = new Float32Array(memory.buffer, conf, rows * count);
  for (let r = 0; r <= rows; r++) ip[r] = r * count;
  for (let j = 0; j < rows * count; j++) (ix[j] = Math.floor(rnd() * n)), (cf[j] = 1 + 4 * rnd());
  const X = alloc(rows * f * 8);
  const scratch = alloc(K.scratchBytesCG(f, count) + 4096);
  const X0 = Float64Array.from({ length: rows * f }, (_, i) => 0.01 * ((i % 7) - 3));
  const times = { 0: [], 1: [], 2: [] };
  const out = {};
  for (let round = 0; round < 7; round++) {
    for (const mode of modes) {
      F.set(X0, X / 8);
      const t = performance.now();
      if (K.solveImplicitRowsCG(X, Y, G, indptr, indices, conf, f, 0.1, steps, 0, rows, scratch, 0, mode, Y32) !== -1) throw new Error('not PD');
      times[mode].push(performance.now() - t);
      out[mode] = F.slice(X / 8, X / 8 + rows * f);
    }
  }
  const diff = (m) => {
    let worst = 0;
    for (let r = 0; r < rows; r++) {
      let num = 0, den = 0;
      for (let a = 0; a < f; a++) (num += (out[m][r * f + a] - out[0][r * f + a]) ** 2), (den += out[0][r * f + a] ** 2);
      worst = Math.max(worst, Math.sqrt(num / den));
    }
    return worst.toExponential(1);
  };
  const [t0, t1, t2] = modes.map((m) => best(times[m]));
  const kib = (bytes) => Math.round((count * bytes * f) / 1024);
  console.log(`| ${count} | ${kib(8)} / ${kib(4)} | ${t0.toFixed(1)} | ${t1.toFixed(1)} | ${t2.toFixed(1)} | ${(t0 / t1).toFixed(2)}× | ${(t0 / t2).toFixed(2)}× | ${diff(1)} | ${diff(2)} |`);
}
