// Workers 1 vs 2 (issue #4): seconds per ALS iteration at f = 64 on the MovieLens-1M shape,
// implicit, Cholesky and CG (3 steps), measured in one run (alternating 1 and 2 workers, so
// both see the same machine load); medians after a warm-up iteration.
// Standalone: node --experimental-wasm-relaxed-simd bench/parallel.mjs [--quick]
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as lib from './lib.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * CPU seconds per thread of this process (Linux /proc; empty elsewhere): on a shared machine the
 * wall clock shows the load of others, while the busiest thread's CPU time over the timed
 * iterations shows what 2 free cores would give this run (threads wait in Atomics.wait, which
 * costs no CPU; 10 ms resolution).
 * @returns {Map<string, number>}
 */
function threadCpu() {
  const out = new Map();
  try {
    const tick = 100; // USER_HZ
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) / tick);
    }
  } catch {
    // not Linux: no per-thread numbers
  }
  return out;
}

/** Busiest thread's and all threads' CPU seconds between two {@link threadCpu} snapshots. */
function cpuDelta(a, b) {
  let max = 0;
  let sum = 0;
  for (const [tid, t] of b) {
    const d = t - (a.get(tid) ?? 0);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, sum };
}

/**
 * @param {{ matrix?: unknown, quick?: boolean, log?: (s: string) => void }} [o]
 * @returns {Promise<{ solver: string, f: number, workers: number, seconds: number, gflops: number, kernels: string, workersUsed: number }[]>}
 */
export async function benchParallel(o = {}) {
  const log = o.log ?? (() => {});
  const matrix = o.matrix ?? lib.buildMatrix(lib.generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, rank: 16, feedback: 'explicit', seed: 1 }), { duplicates: 'sum' });
  const rounds = o.quick ? 2 : 3;
  const rows = [];
  for (const solver of ['cg', 'cholesky']) {
    const times = { 1: [], 2: [] };
    const cpu = { 1: { max: 0, sum: 0 }, 2: { max: 0, sum: 0 } };
    const flops = { 1: [], 2: [] };
    let kernels = '';
    let used = { 1: 1, 2: 1 };
    for (let round = 0; round < rounds; round++) {
      for (const workers of [1, 2]) {
        log(`  parallel ${solver} f=64 workers=${workers} round ${round + 1}/${rounds} …`);
        const opts = lib.resolveTrainOptions({ feedback: 'implicit', factors: 64, alpha: 1, regularization: 0.05, solver, ...(solver === 'cg' ? { cgSteps: 3 } : {}), workers, iterations: 3 }, 'implicit');
        // CPU snapshots at the end of each iteration: the timed iterations are those after the first.
        const snaps = [];
        const { report } = await lib.trainFactors(matrix, opts, { onProgress: (p) => p.stage === 'iteration' && snaps.push(threadCpu()) });
        const d = cpuDelta(snaps[0], snaps[snaps.length - 1]);
        cpu[workers].max += d.max;
        cpu[workers].sum += d.sum;
        times[workers].push(...report.secondsPerIteration.slice(1));
        flops[workers].push(...report.gflops.slice(1));
        kernels = report.kernels;
        used[workers] = report.workersUsed;
      }
    }
    for (const workers of [1, 2]) rows.push({ solver, f: 64, workers, seconds: median(times[workers]), gflops: median(flops[workers]), kernels, workersUsed: used[workers], cpuMax: cpu[workers].max, cpuSum: cpu[workers].sum });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchParallel({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(s + '\n') });
  for (const r of rows) console.log(`${r.solver} f=${r.f} workers=${r.workers} (used ${r.workersUsed}, ${r.kernels}): ${r.seconds.toFixed(3)} s/it, ${r.gflops.toFixed(1)} GFLOP/s`);
  for (const solver of ['cg', 'cholesky']) {
    const [a, b] = rows.filter((r) => r.solver === solver);
    console.log(`${solver}: 2 workers vs 1 = ${(a.seconds / b.seconds).toFixed(2)}× (wall); busiest thread CPU ${a.cpuMax.toFixed(2)} s vs ${b.cpuMax.toFixed(2)} s = ${(a.cpuMax / b.cpuMax).toFixed(2)}×; all threads ${a.cpuSum.toFixed(2)} vs ${b.cpuSum.toFixed(2)} s`);
  }
}
