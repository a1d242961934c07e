// The experiment behind src/als/locality.ts: the CG item half-step of a MovieLens-20M-shaped
// problem (26 744 items × 138 493 users, ~20 M interactions, lognormal user activity, Zipf(0.9)
// item popularity), on one thread, with users numbered as drawn and numbered by descending
// activity. Only the numbering differs; the arithmetic is the same.
//   node --experimental-wasm-relaxed-simd bench/experiments/locality.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const wasm = join(mkdtempSync(join(tmpdir(), 'locality-')), 'cg.wasm');
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
execFileSync(process.execPath, [asc, 'assembly/solve-cg.ts', '--runtime', 'stub', '--importMemory', '--initialMemory', '1', '--maximumMemory', '65536', '--use', 'abort=', '-O3', '--noAssert', '--enable', 'simd,relaxed-simd', '-o', wasm], { cwd: root, stdio: 'inherit' });

const f = 64;
const m = 138_493;
const n = 26_744;
const total = 20_000_000;
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
// Activity: 20 + a lognormal share of the rest; popularity: Zipf(0.9).
const activity = new Float64Array(m);
let sum = 0;
for (let u = 0; u < m; u++) sum += activity[u] = Math.exp(Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()));
const count = Int32Array.from(activity, (a) => Math.min(n >> 1, 20 + Math.floor(((total - 20 * m) * a) / sum)));
const cdf = new Float64Array(n);
let acc = 0;
for (let i = 0; i < n; i++) acc += 1 / Math.pow(i + 1, 0.9);
for (let i = 0, c = 0; i < n; i++) cdf[i] = (c += 1 / Math.pow(i + 1, 0.9) / acc);
const lists = Array.from({ length: n }, () => []);
for (let u = 0; u < m; u++) {
  const seen = new Set();
  for (let t = 0; t < count[u]; t++) {
    const r = rnd();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    if (!seen.has(lo)) seen.add(lo), lists[lo].push(u);
  }
}
const nnz = lists.reduce((s, l) => s + l.length, 0);

const memory = new WebAssembly.Memory({ initial: 30000, maximum: 65536 });
const K = (await WebAssembly.instantiate(readFileSync(wasm), { env: { memory, abort() {} } })).instance.exports;
let top = 1 << 16;
const alloc = (b) => ((top = (top + 63) & ~63), (top += b), top - b);
const X = alloc(m * f * 8);
const Y = alloc(n * f * 8);
const G = alloc(f * f * 8);
const indptr = alloc((n + 1) * 4);
const indices = alloc(nnz * 4);
const conf = alloc(nnz * 4);
const maxRow = Math.max(...lists.map((l) => l.length));
const scratch = alloc(K.scratchBytesCG(f, maxRow));
const F = new Float64Array(memory.buffer);
for (let a = 0; a < f; a++) F[G / 8 + a * f + a] = 1;
console.log(`${nnz} interactions, longest item row ${maxRow}; item half-step, 3 CG steps, one thread, best of 3:\n`);
console.log('| users numbered | seconds | ns per interaction |\n|---|---:|---:|');
for (const heavyFirst of [false, true]) {
  const order = Int32Array.from({ length: m }, (_, u) => u);
  if (heavyFirst) order.sort((a, b) => count[b] - count[a] || a - b);
  const rank = new Int32Array(m);
  order.forEach((u, i) => (rank[u] = i));
  const ip = new Int32Array(memory.buffer, indptr, n + 1);
  const ix = new Int32Array(memory.buffer, indices, nnz);
  const cf = new Float32Array(memory.buffer, conf, nnz);
  let k = 0;
  for (let i = 0; i < n; i++) {
    ip[i] = k;
    for (const u of lists[i].map((u) => rank[u]).sort((a, b) => a - b)) (ix[k] = u), (cf[k++] = 1 + 4 * rnd());
  }
  ip[n] = k;
  for (let j = 0; j < m * f; j++) F[X / 8 + j] = (rnd() - 0.5) * 0.1;
  let best = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    for (let j = 0; j < n * f; j++) F[Y / 8 + j] = 0.01;
    const t = performance.now();
    K.solveImplicitRowsCG(Y, X, G, indptr, indices, conf, f, 0.1, 3, 0, n, scratch, 0);
    best = Math.min(best, performance.now() - t);
  }
  console.log(`| ${heavyFirst ? 'by descending activity' : 'as drawn'} | ${(best / 1000).toFixed(2)} | ${((best * 1e6) / nnz).toFixed(0)} |`);
}
