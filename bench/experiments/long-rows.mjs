// Long rows: is forming the f×f system once (the Cholesky row solver, solveImplicitRows: Gram
// n·f²/2 multiply-adds, then an exact solve) cheaper than 3 CG steps that re-read the row's
// panel (f64 or f32) from cache or DRAM? One row of n entries gathered at random from a
// MovieLens-20M-sized other side (138 493 rows, 71 MB of f64 at f = 64), one thread, the shipped
// relaxed build; medians of 5 alternating rounds, in ns per entry.
//   node --experimental-wasm-relaxed-simd bench/experiments/long-rows.mjs
import { readFileSync } from 'node:fs';

const wasm = readFileSync(new URL('../../build/als-relaxed.wasm', import.meta.url));
const memory = new WebAssembly.Memory({ initial: 30000, maximum: 65536 });
const K = (await WebAssembly.instantiate(wasm, { env: { memory } })).instance.exports;
let seed = 99;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const others = 138_493;

console.log('| f | entries n | panel MiB (f64 / f32) | Cholesky row ns/entry | CG f64 ns/entry | CG mixed ns/entry | Cholesky / CG mixed |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const f of [32, 64]) {
  let top = 1 << 16;
  const alloc = (b) => ((top = (top + 63) & ~63), (top += b), top - b);
  const F = new Float64Array(memory.buffer);
  const Y = alloc(others * f * 8);
  for (let i = 0; i < others * f; i++) F[Y / 8 + i] = (rnd() - 0.5) * 0.2;
  const G = alloc(f * f * 8);
  K.gramian(Y, others, f, G);
  // Mixed CG gathers from the f32 copy of the other side (made once per half-step in training).
  const Y32 = alloc(4 * ((f + 3) & ~3) * others);
  K.toF32Rows(Y, others, f, Y32);
  const mark = top;
  for (const n of [4096, 32768, 131072]) {
    top = mark;
    const indptr = alloc(8), indices = alloc(n * 4), conf = alloc(n * 4);
    new Int32Array(memory.buffer, indptr, 2).set([0, n]);
    const ix = new Int32Array(memory.buffer, indices, n), cf = new Float32Array(memory.buffer, conf, n);
    // Distinct random rows, ascending (as a CSR row is).
    const pick = new Set();
    while (pick.size < n) pick.add(Math.floor(rnd() * others));
    ix.set([...pick].sort((a, b) => a - b));
    for (let j = 0; j < n; j++) cf[j] = 1 + 4 * rnd();
    const X = alloc(f * 8);
    const scratch = alloc(Math.max(K.scratchBytes(f, n), K.scratchBytesCG(f, n)) + 4096);
    const run = {
      cholesky: () => K.solveImplicitRows(X, Y, G, indptr, indices, conf, f, 0.1, 0, 1, scratch, 0),
      f64: () => K.solveImplicitRowsCG(X, Y, G, indptr, indices, conf, f, 0.1, 3, 0, 1, scratch, 0, 0),
      mixed: () => K.solveImplicitRowsCG(X, Y, G, indptr, indices, conf, f, 0.1, 3, 0, 1, scratch, 0, 2, Y32),
    };
    const reps = Math.max(1, Math.round(400_000 / n));
    const t = { cholesky: [], f64: [], mixed: [] };
    for (let round = 0; round < 5; round++) {
      for (const [name, fn] of Object.entries(run)) {
        const t0 = performance.now();
        for (let r = 0; r < reps; r++) fn();
        t[name].push(((performance.now() - t0) * 1e6) / (reps * n));
      }
    }
    const [c, a, m] = ['cholesky', 'f64', 'mixed'].map((k) => median(t[k]));
    const mib = (b) => ((n * f * b) / 2 ** 20).toFixed(1);
    console.log(`| ${f} | ${n} | ${mib(8)} / ${mib(4)} | ${c.toFixed(1)} | ${a.toFixed(1)} | ${m.toFixed(1)} | ${(c / m).toFixed(2)} |`);
  }
}
