// Kernel micro-benchmarks: the machine's WASM peak (fmaPeak) and one implicit half-step
// (solveImplicitRows over every user) on a MovieLens-1M-shaped matrix, per kernel build.
// Measures the tsc build (dist/), so run `npm run build` (or at least tsc on src/wasm) first.
// Standalone: node --experimental-wasm-relaxed-simd bench/kernels.mjs [--quick]
import { pathToFileURL } from 'node:url';
import { kernelVariantsAvailable, loadKernels } from '../dist/wasm/kernels.js';
import { SOLVE_JOB_BYTES, writeSolveJob } from '../dist/kernels/solve-job.js';
import { prng } from './prng.mjs';

/** MovieLens-1M's shape: users, items, interactions. */
const ML1M = { users: 6040, items: 3706, nnz: 1_000_000 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};


/**
 * A CSR by user with MovieLens-1M's shape: item popularity ∝ 1/rank^0.9 (power law), user
 * activity heavy-tailed with at least 20 items each (as in ML-1M), confidences 1 + 2·r, r ∈ 1..5.
 */
export function movieLensShaped(seed = 1) {
  const rnd = prng(seed);
  const { users, items, nnz } = ML1M;
  // Heavy-tailed user activity, rescaled so the total is ≈ nnz.
  const raw = Float64Array.from({ length: users }, () => 1 / Math.pow(1 - rnd() * 0.999, 0.7));
  const cap = Math.floor(items * 0.6);
  const countsAt = (scale) => Int32Array.from(raw, (v) => Math.min(cap, 20 + Math.round(scale * v)));
  const sumOf = (c) => c.reduce((s, v) => s + v, 0);
  // Bisect the scale so that the capped counts add up to ≈ nnz.
  let lo = 0;
  let hi = nnz;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (sumOf(countsAt(mid)) < nnz) lo = mid;
    else hi = mid;
  }
  const counts = countsAt(hi);
  const cdf = new Float64Array(items);
  let acc = 0;
  for (let i = 0; i < items; i++) cdf[i] = acc += 1 / Math.pow(i + 1, 0.9);
  const pick = () => {
    const x = rnd() * acc;
    let lo = 0;
    let hi = items - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const indptr = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) indptr[u + 1] = indptr[u] + counts[u];
  const total = indptr[users];
  const indices = new Int32Array(total);
  const conf = new Float64Array(total);
  const seen = new Int32Array(items).fill(-1);
  for (let u = 0; u < users; u++) {
    const row = [];
    while (row.length < counts[u]) {
      const i = pick();
      if (seen[i] !== u) {
        seen[i] = u;
        row.push(i);
      }
    }
    row.sort((a, b) => a - b);
    for (let t = 0; t < row.length; t++) {
      indices[indptr[u] + t] = row[t];
      conf[indptr[u] + t] = 1 + 2 * (1 + Math.floor(rnd() * 5));
    }
  }
  let maxRowNnz = 0;
  for (let u = 0; u < users; u++) maxRowNnz = Math.max(maxRowNnz, counts[u]);
  return { rows: users, cols: items, nnz: total, indptr, indices, conf, maxRowNnz };
}

/** The same matrix by item (CSC of the user CSR), for the item half-step. */
export function transpose(m) {
  const indptr = new Int32Array(m.cols + 1);
  for (let j = 0; j < m.nnz; j++) indptr[m.indices[j] + 1]++;
  for (let i = 0; i < m.cols; i++) indptr[i + 1] += indptr[i];
  const next = indptr.slice(0, m.cols);
  const indices = new Int32Array(m.nnz);
  const conf = new Float64Array(m.nnz);
  for (let u = 0; u < m.rows; u++) {
    for (let j = m.indptr[u]; j < m.indptr[u + 1]; j++) {
      const at = next[m.indices[j]]++;
      indices[at] = u;
      conf[at] = m.conf[j];
    }
  }
  let maxRowNnz = 0;
  for (let i = 0; i < m.cols; i++) maxRowNnz = Math.max(maxRowNnz, indptr[i + 1] - indptr[i]);
  return { rows: m.cols, cols: m.rows, nnz: m.nnz, indptr, indices, conf, maxRowNnz };
}

/** FLOPs of one half-step: upper-triangle Gram (multiply + add), Cholesky k³/3, two triangular solves. */
export function halfStepFlops(nnz, rows, k) {
  return nnz * k * (k + 1) + rows * ((k * k * k) / 3 + 2 * k * k);
}

/** Times `fn` `reps` times after one warm-up call (V8 tiers WASM up); returns the median seconds. */
function timeMedian(fn, reps, warmUp = fn) {
  warmUp();
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    fn();
    times.push((performance.now() - t) / 1000);
  }
  return median(times);
}

/**
 * Runs the kernel benchmarks.
 * @param {{ quick?: boolean, reps?: number, log?: (s: string) => void }} [opts]
 * @returns {Promise<{ kernel: string, variant: string, f?: number, seconds: number, gflops: number, usPerRow?: number }[]>}
 */
export async function benchKernels(opts = {}) {
  const reps = opts.reps ?? (opts.quick ? 3 : 5);
  const log = opts.log ?? (() => {});
  const out = [];
  const variants = await kernelVariantsAvailable();
  const wasm = variants.filter((v) => v !== 'reference');

  for (const v of wasm) {
    const K = (await loadKernels({ variant: v })).exports;
    const iterations = 20_000_000;
    const s = timeMedian(() => K.fmaPeak(iterations), reps, () => K.fmaPeak(1_000_000));
    const lanes = v === 'scalar' ? 1 : 2;
    // 8 accumulators × lanes × (multiply + add) per iteration.
    out.push({ kernel: 'fmaPeak', variant: v, seconds: s, gflops: (iterations * 8 * lanes * 2) / s / 1e9 });
    log(`fmaPeak ${v}: ${out.at(-1).gflops.toFixed(2)} GFLOP/s`);
  }

  const data = movieLensShaped(1);
  const byItem = transpose(data);
  const fs = opts.quick ? [16, 64] : [16, 64, 128];
  for (const f of fs) {
    for (const v of [...wasm, 'reference']) {
      if (v === 'reference' && (f > 64 || !variants.includes('reference'))) continue;
      const rt = await loadKernels({ variant: v });
      const K = rt.exports;
      const a = rt.arena;
      const indptr = a.putI32(data.indptr);
      const indices = a.putI32(data.indices);
      const conf = a.putF64(data.conf);
      const X = a.alloc(8 * data.rows * f);
      const Y = a.alloc(8 * data.cols * f);
      const rnd = prng(7 + f);
      const y = a.f64(Y, data.cols * f);
      for (let j = 0; j < y.length; j++) y[j] = (rnd() * 2 - 1) / Math.sqrt(f);
      const G = a.alloc(8 * f * f);
      K.gramian(Y, data.cols, f, G);
      const scratch = a.alloc(K.scratchBytes(f, data.maxRowNnz));
      const lambda = 0.1;
      // The implicit Cholesky half-step as training runs it: a solve job record, one solveRows call.
      const none = { weighted: false, mu: 0, biasOther: 0, biasOut: 0, steps: 0, precision: 0, other32: 0 };
      const job = a.alloc(SOLVE_JOB_BYTES);
      writeSolveJob(rt.memory, job, { ...none, kind: 'implicit', out: X, other: Y, gram: G, indptr, indices, values: conf, f, lambda });
      let status = -1;
      const run = () => {
        status = K.solveRows(job, 0, data.rows, scratch, 0);
      };
      const warmUp = () => K.solveRows(job, 0, Math.min(data.rows, v === 'reference' ? 200 : 1000), scratch, 0);
      const s = timeMedian(run, reps, warmUp);
      if (status >= 0) throw new Error(`${v} f=${f}: row ${status} not positive definite`);
      out.push({
        kernel: 'solveImplicitRows (all users)',
        variant: v,
        f,
        seconds: s,
        gflops: halfStepFlops(data.nnz, data.rows, f) / s / 1e9,
        usPerRow: (s / data.rows) * 1e6,
      });
      log(`half-step ${v} f=${f}: ${s.toFixed(4)} s, ${out.at(-1).gflops.toFixed(2)} GFLOP/s`);

      // A whole iteration (the ≤ 0.5 s target at f = 64): YᵀY + users, then XᵀX + items.
      if (v !== 'reference') {
        const t = byItem;
        const ip2 = a.putI32(t.indptr);
        const ix2 = a.putI32(t.indices);
        const cf2 = a.putF64(t.conf);
        const G2 = a.alloc(8 * f * f);
        const scratch2 = a.alloc(K.scratchBytes(f, Math.max(data.maxRowNnz, t.maxRowNnz)));
        const itemJob = a.alloc(SOLVE_JOB_BYTES);
        writeSolveJob(rt.memory, itemJob, { ...none, kind: 'implicit', out: Y, other: X, gram: G2, indptr: ip2, indices: ix2, values: cf2, f, lambda });
        let st = -1;
        const iteration = () => {
          K.gramian(Y, data.cols, f, G);
          st = Math.max(st, K.solveRows(job, 0, data.rows, scratch2, 0));
          K.gramian(X, data.rows, f, G2);
          st = Math.max(st, K.solveRows(itemJob, 0, t.rows, scratch2, 0));
        };
        const si = timeMedian(iteration, reps);
        if (st >= 0) throw new Error(`${v} f=${f}: a row was not positive definite`);
        const flops = halfStepFlops(data.nnz, data.rows, f) + halfStepFlops(t.nnz, t.rows, f) + (data.rows + t.rows) * f * (f + 1);
        out.push({ kernel: 'implicit iteration (users + items)', variant: v, f, seconds: si, gflops: flops / si / 1e9 });
        log(`iteration ${v} f=${f}: ${si.toFixed(4)} s, ${out.at(-1).gflops.toFixed(2)} GFLOP/s`);
      }
    }
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const log = (s) => process.stderr.write(s + '\n');
  const rows = await benchKernels({ quick: process.argv.includes('--quick'), log });
  const peak = Math.max(...rows.filter((r) => r.kernel === 'fmaPeak').map((r) => r.gflops));
  console.table(
    rows.map((r) => ({
      kernel: r.kernel,
      variant: r.variant,
      f: r.f ?? '',
      seconds: r.seconds.toFixed(4),
      'µs/row': r.usPerRow?.toFixed(1) ?? '',
      'GFLOP/s': r.gflops.toFixed(2),
      '% peak': ((100 * r.gflops) / peak).toFixed(0),
    })),
  );
}
