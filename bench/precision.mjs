// `precision: 'f64'` vs `'mixed'` for implicit CG (3 steps) at the MovieLens-1M shape, f = 64:
// seconds per iteration with 2 workers and with 1, the two precisions alternating within each
// round (so both see the same machine load), medians over the rounds of the iterations after
// the first (warm-up). Also the busiest thread's CPU seconds (see parallel.mjs).
// Standalone: npm run build && node --experimental-wasm-relaxed-simd bench/precision.mjs [--rounds 5]
import { pathToFileURL } from 'node:url';
import * as lib from './lib.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * @param {{ matrix?: unknown, rounds?: number, workers?: number[], log?: (s: string) => void }} [o]
 * @returns {Promise<{ workers: number, precision: string, seconds: number, all: number[], gflops: number, kernels: string, workersUsed: number, ratios: number[] }[]>}
 */
export async function benchPrecision(o = {}) {
  const log = o.log ?? (() => {});
  const matrix = o.matrix ?? lib.buildMatrix(lib.generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, rank: 16, feedback: 'explicit', seed: 1 }), { duplicates: 'sum' });
  const rounds = o.rounds ?? 5;
  const rows = [];
  for (const workers of o.workers ?? [2, 1]) {
    const times = { f64: [], mixed: [] };
    const perRound = { f64: [], mixed: [] };
    const flops = { f64: [], mixed: [] };
    let kernels = '';
    let used = 0;
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so neither always follows the other.
      for (const precision of round % 2 ? ['mixed', 'f64'] : ['f64', 'mixed']) {
        log(`  precision ${precision}, workers ${workers}, round ${round + 1}/${rounds} …`);
        const opts = lib.resolveTrainOptions({ feedback: 'implicit', factors: 64, alpha: 1, regularization: 0.05, solver: 'cg', cgSteps: 3, precision, workers, iterations: 4 }, 'implicit');
        const { report } = await lib.trainFactors(matrix, opts);
        const secs = report.secondsPerIteration.slice(1);
        times[precision].push(...secs);
        perRound[precision].push(median(secs));
        flops[precision].push(...report.gflops.slice(1));
        kernels = report.kernels;
        used = report.workersUsed;
      }
    }
    const ratios = perRound.f64.map((t, i) => t / perRound.mixed[i]);
    for (const precision of ['f64', 'mixed']) {
      rows.push({ workers, precision, seconds: median(times[precision]), all: perRound[precision], gflops: median(flops[precision]), kernels, workersUsed: used, ratios });
    }
  }
  return rows;
}

/** The Markdown table of {@link benchPrecision}'s rows. */
export function precisionTable(rows) {
  const lines = ['| workers | precision | s / iteration (median) | per-round medians | GFLOP/s | f64 / mixed per round (median) |', '|---:|---|---:|---|---:|---|'];
  for (const r of rows) {
    const ratio = r.precision === 'mixed' ? `${r.ratios.map((x) => x.toFixed(2)).join(', ')} (**${median(r.ratios).toFixed(2)}×**)` : '';
    lines.push(`| ${r.workersUsed} | ${r.precision} | ${r.seconds.toFixed(3)} | ${r.all.map((x) => x.toFixed(3)).join(', ')} | ${r.gflops.toFixed(1)} | ${ratio} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const k = process.argv.indexOf('--rounds');
  const rows = await benchPrecision({ rounds: k > 0 ? Number(process.argv[k + 1]) : 5, log: (s) => process.stderr.write(s + '\n') });
  console.log(precisionTable(rows));
}
