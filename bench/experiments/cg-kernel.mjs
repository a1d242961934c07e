// The experiment behind the conjugate-gradient kernel's shape (assembly/solve-cg.ts), kept so
// that its numbers in BENCHMARKS.md can be re-run:
//   node --experimental-wasm-relaxed-simd bench/experiments/cg-kernel.mjs
// 1. The whole kernel, before (git 14d0b88: row-major panel, two passes per product) and now,
//    on the same random rows, alternating in one process.
// 2. One product in four loop shapes (bench/experiments/cg-product-shapes.ts), L1- to
//    DRAM-sized panels. Each is built standalone with asc (relaxed SIMD, -O3) into a temp dir.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cg-kernel-'));
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
const build = (entry, out) =>
  execFileSync(process.execPath, [asc, entry, '--runtime', 'stub', '--importMemory', '--initialMemory', '1', '--maximumMemory', '65536', '--use', 'abort=', '-O3', '--noAssert', '--enable', 'simd,relaxed-simd', '-o', out], { cwd: root, stdio: 'inherit' });

// Kernels: the one from before this change (with its own vec.ts) and the current one.
const before = join(dir, 'before');
mkdirSync(before);
for (const f of ['solve-cg.ts', 'vec.ts']) writeFileSync(join(before, f), execFileSync('git', ['show', `14d0b88:assembly/${f}`], { cwd: root }));
build(join(before, 'solve-cg.ts'), join(dir, 'before.wasm'));
build('assembly/solve-cg.ts', join(dir, 'now.wasm'));
build('bench/experiments/cg-product-shapes.ts', join(dir, 'shapes.wasm'));

const memory = new WebAssembly.Memory({ initial: 8000, maximum: 65536 });
const load = async (name) => (await WebAssembly.instantiate(readFileSync(join(dir, name)), { env: { memory, abort() {} } })).instance.exports;
const kernels = { before: await load('before.wasm'), now: await load('now.wasm') };
const shapes = await load('shapes.wasm');
const F = new Float64Array(memory.buffer);
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const f = 64;
const steps = 3;

console.log('### Whole kernel (f = 64, 3 steps, Y = 4 000 random rows, ~1 M entries per call; best of 5)\n');
console.log('| entries per row | before: ms | GFLOP/s | now: ms | GFLOP/s | now vs before |\n|---:|---:|---:|---:|---:|---:|');
{
  let top = 1 << 16;
  const alloc = (b) => ((top = (top + 63) & ~63), (top += b), top - b);
  const n = 4000;
  const Y = alloc(n * f * 8);
  for (let i = 0; i < n * f; i++) F[Y / 8 + i] = (rnd() - 0.5) * 0.2;
  const G = alloc(f * f * 8);
  for (let a = 0; a < f; a++) F[G / 8 + a * f + a] = 1;
  const mark = top;
  for (const count of [20, 165, 1000, 5000]) {
    top = mark;
    const rows = Math.max(4, Math.round(1_000_000 / count));
    const indptr = alloc((rows + 1) * 4), indices = alloc(rows * count * 4), conf = alloc(rows * count * 4);
    const ip = new Int32Array(memory.buffer, indptr, rows + 1), ix = new Int32Array(memory.buffer, indices, rows * count), cf = new Float32Array(memory.buffer, conf, rows * count);
    for (let r = 0; r <= rows; r++) ip[r] = r * count;
    for (let j = 0; j < rows * count; j++) (ix[j] = Math.floor(rnd() * n)), (cf[j] = 1 + 4 * rnd());
    const X = alloc(rows * f * 8);
    const scratch = alloc(Math.max(...Object.values(kernels).map((k) => k.scratchBytesCG(f, count))) + 4096);
    const best = {};
    for (let rep = 0; rep < 5; rep++) {
      for (const [name, k] of Object.entries(kernels)) {
        for (let i = 0; i < rows * f; i++) F[X / 8 + i] = 0.01 * ((i % 7) - 3);
        const t = performance.now();
        k.solveImplicitRowsCG(X, Y, G, indptr, indices, conf, f, 0.1, steps, 0, rows, scratch, 0);
        best[name] = Math.min(best[name] ?? Infinity, performance.now() - t);
      }
    }
    const flops = rows * (steps + 1) * (4 * count * f + 2 * f * f);
    const g = (ms) => (flops / ms / 1e6).toFixed(1);
    console.log(`| ${count} | ${best.before.toFixed(1)} | ${g(best.before)} | ${best.now.toFixed(1)} | ${g(best.now)} | ${(best.before / best.now).toFixed(2)}× |`);
  }
}

console.log('\n### One product, four loop shapes (f = 64; GFLOP/s, best of 5 rounds, alternating)\n');
console.log('| panel entries (KiB) | eight accumulators | four accumulators, pointer loops (shipped) | eight vectors per block | row-major, two phases |\n|---:|---:|---:|---:|---:|');
{
  const panel = 1 << 21, w = 1 << 16, v = 4096, out = 8192, t = 1 << 18;
  for (const count of [64, 256, 1024, 8192, 65536]) {
    for (let i = 0; i < count * f; i++) F[panel / 8 + i] = rnd() - 0.5;
    for (let i = 0; i < count; i++) F[w / 8 + i] = rnd();
    for (let i = 0; i < f; i++) F[v / 8 + i] = rnd() - 0.5;
    const reps = Math.ceil(2e8 / (count * f * 4));
    const run = {
      eight: () => shapes.eightAccumulators(out, v, panel, w, count / 4, f),
      four: () => shapes.fourAccumulators(out, v, panel, w, count / 4, f),
      perBlock: () => shapes.eightPerBlock(out, v, panel, w, count / 8, f),
      twoPhase: () => shapes.rowMajorTwoPhase(out, v, panel, w, t, count, f),
    };
    const best = {};
    for (let round = 0; round < 5; round++) {
      for (const [name, fn] of Object.entries(run)) {
        const t0 = performance.now();
        for (let r = 0; r < reps; r++) fn();
        best[name] = Math.min(best[name] ?? Infinity, performance.now() - t0);
      }
    }
    const g = (ms) => ((reps * count * f * 4) / ms / 1e6).toFixed(1);
    console.log(`| ${count} (${(count * f * 8) / 1024}) | ${g(best.eight)} | ${g(best.four)} | ${g(best.perBlock)} | ${g(best.twoPhase)} |`);
  }
}
