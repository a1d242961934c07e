// Explicit feedback, conjugate gradient vs Cholesky (issue #4: "also for explicit feedback if it
// pays off — measure"): on the MovieLens-1M shape with 20 % of the ratings held out, seconds
// per iteration (2 workers; the two solvers alternate in one run, so both see the same machine
// load) and the held-out RMSE after every iteration, so that the speed-up can be read against
// the quality reached per iteration and per second.
// Standalone: node --experimental-wasm-relaxed-simd bench/explicit-cg.mjs [--quick]
import { pathToFileURL } from 'node:url';
import * as lib from './lib.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The configurations compared: the library's explicit default (ALS-WR, biases), plain λ, and a small f. */
const CONFIGS = [
  { name: 'f = 64, ALS-WR λ = 0.05, biases', factors: 64, regularization: 0.05, weightedRegularization: true, biases: true },
  { name: 'f = 64, plain λ = 5, no biases', factors: 64, regularization: 5, weightedRegularization: false, biases: false },
  { name: 'f = 16, ALS-WR λ = 0.05, biases', factors: 16, regularization: 0.05, weightedRegularization: true, biases: true },
];

/**
 * @param {{ data?: unknown, quick?: boolean, workers?: number, log?: (s: string) => void }} [o]
 * @returns {Promise<{ config: string, solver: string, seconds: number, gflops: number, loss: number, rmse: number[], kernels: string, workersUsed: number }[]>}
 */
export async function benchExplicitCG(o = {}) {
  const log = o.log ?? (() => {});
  const data = o.data ?? lib.generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, rank: 16, feedback: 'explicit', seed: 1 });
  const { train, test } = lib.splitInteractions(data, { method: 'random', fraction: 0.2, seed: 3 });
  const iterations = o.quick ? 8 : 15;
  const rounds = o.quick ? 1 : 2;
  const workers = o.workers ?? 2;
  const rows = [];
  for (const c of CONFIGS) {
    const acc = { cholesky: { times: [], flops: [] }, cg: { times: [], flops: [] } };
    const last = {};
    for (let round = 0; round < rounds; round++) {
      for (const solver of ['cholesky', 'cg']) {
        log(`  explicit ${solver} ${c.name} round ${round + 1}/${rounds} …`);
        const { factors, regularization, weightedRegularization, biases } = c;
        const { report } = await lib.train(train, { feedback: 'explicit', factors, regularization, weightedRegularization, biases, iterations, solver, ...(solver === 'cg' ? { cgSteps: 3 } : {}), workers, seed: 1, validation: { data: test, metric: 'rmse' } });
        // Iteration times exclude the first (warm-up) and the validation scoring (not part of secondsPerIteration).
        acc[solver].times.push(...report.secondsPerIteration.slice(1));
        acc[solver].flops.push(...report.gflops.slice(1));
        last[solver] = report;
      }
    }
    for (const solver of ['cholesky', 'cg']) {
      const r = last[solver];
      rows.push({
        config: c.name,
        solver,
        seconds: median(acc[solver].times),
        gflops: median(acc[solver].flops),
        loss: r.loss[r.loss.length - 1],
        rmse: r.validation.history.map((h) => h.value),
        kernels: r.kernels,
        workersUsed: r.workersUsed,
      });
    }
  }
  return rows;
}

/**
 * The Markdown section: per configuration, both solvers' s/iteration, the ratio, the final
 * training loss and the held-out RMSE at a few iterations, plus the time each needs to come
 * within 0.001 of the best RMSE either reached.
 */
export function explicitCGSection(rows) {
  const configs = [...new Set(rows.map((r) => r.config))];
  const at = (r, it) => (r.rmse.length >= it ? r.rmse[it - 1].toFixed(4) : '');
  const lines = [];
  for (const config of configs) {
    const exact = rows.find((r) => r.config === config && r.solver === 'cholesky');
    const cg = rows.find((r) => r.config === config && r.solver === 'cg');
    const best = Math.min(...exact.rmse, ...cg.rmse);
    for (const r of [exact, cg]) {
      const reach = r.rmse.findIndex((v) => v <= best + 0.001);
      const toBest = reach < 0 ? 'never' : `${reach + 1} its ≈ ${((reach + 1) * r.seconds).toFixed(2)} s`;
      const speed = r === cg ? `**${(exact.seconds / cg.seconds).toFixed(2)}×**` : '1×';
      lines.push(`| ${config} | ${r.solver === 'cg' ? 'CG (3 steps)' : 'Cholesky'} | ${r.seconds.toFixed(3)} | ${speed} | ${r.gflops.toFixed(1)} | ${r.loss.toExponential(4)} | ${at(r, 3)} | ${at(r, 5)} | ${at(r, 10)} | ${at(r, r.rmse.length)} | ${Math.min(...r.rmse).toFixed(4)} | ${toBest} |`);
    }
  }
  const any = rows[0];
  return (
    `### Explicit feedback: conjugate gradient vs Cholesky (Node, ${any.kernels} kernels, ${any.workersUsed} workers; MovieLens-1M shape, 20 % of the ratings held out; same run, alternating)\n\n` +
    '| configuration | solver | s / iteration | speed-up | GFLOP/s | final training loss | held-out RMSE @3 | @5 | @10 | last | best | to within 0.001 of the best RMSE |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
    lines.join('\n')
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchExplicitCG({ quick: process.argv.includes('--quick'), log: (s) => process.stderr.write(s + '\n') });
  console.log(explicitCGSection(rows));
}
