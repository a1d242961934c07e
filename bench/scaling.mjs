// Scaling study (Node, the default workers: one per core): seconds per implicit iteration vs the factor count f
// (Cholesky and CG, MovieLens-1M shape) and vs the number of interactions (f = 64, CG, shapes
// scaled from MovieLens-20M up to it), plus load time (parse a TSV file + CSR/CSC) vs
// interactions. Writes docs/scaling-f.svg, docs/scaling-nnz.svg and docs/scaling.json.
// Standalone: node --experimental-wasm-relaxed-simd bench/scaling.mjs [--quick]
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as lib from './lib.mjs';
import { scaleFile, shapeFor } from './scale.mjs';
import { logLogPlot } from './svg-plot.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (s) => process.stderr.write(s + '\n');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Median seconds per iteration after one warm-up iteration. */
async function perIteration(matrix, o, timed) {
  const opts = lib.resolveTrainOptions({ feedback: 'implicit', alpha: 1, regularization: 0.05, ...o, iterations: 1 + timed }, 'implicit');
  const { report } = await lib.trainFactors(matrix, opts);
  return { seconds: median(report.secondsPerIteration.slice(1)), gflops: median(report.gflops.slice(1)) };
}

/** Runs both sweeps; returns the measured rows and writes the plots. */
export async function benchScaling({ quick = false } = {}) {
  const fs = [16, 32, 64, 128, 256];
  const byF = [];
  log('scaling vs f (MovieLens-1M shape) …');
  const ml1m = lib.generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, rank: 16, feedback: 'explicit', seed: 1 });
  const m1 = lib.buildMatrix(ml1m, { duplicates: 'sum' });
  for (const f of fs) {
    for (const solver of ['cholesky', 'cg']) {
      const r = await perIteration(m1, { factors: f, solver }, quick || f >= 128 ? 1 : 2);
      log(`  f=${f} ${solver}: ${r.seconds.toFixed(3)} s/iteration`);
      byF.push({ f, solver, ...r });
    }
  }
  const nnzs = quick ? [100_000, 1_000_000, 3_000_000] : [100_000, 300_000, 1_000_000, 3_000_000, 10_000_000, 20_000_263];
  const byNnz = [];
  log('scaling vs interactions (f = 64, CG) …');
  for (const nnz of nnzs) {
    const shape = shapeFor(nnz);
    const file = scaleFile(shape);
    const t0 = performance.now();
    const data = await lib.loadInteractions(createReadStream(file, { highWaterMark: 1 << 20 }), { format: 'tsv' });
    const t1 = performance.now();
    const matrix = lib.buildMatrix(data, { duplicates: 'sum' });
    const t2 = performance.now();
    const r = await perIteration(matrix, { factors: 64, solver: 'cg' }, 1);
    log(`  ${nnz} (${shape.users} × ${shape.items}): parse ${((t1 - t0) / 1000).toFixed(2)} s, CSR+CSC ${((t2 - t1) / 1000).toFixed(2)} s, ${r.seconds.toFixed(3)} s/iteration`);
    byNnz.push({ nnz, users: shape.users, items: shape.items, parseSeconds: (t1 - t0) / 1000, indexSeconds: (t2 - t1) / 1000, ...r });
  }

  mkdirSync(`${root}docs`, { recursive: true });
  const series = (solver) => byF.filter((r) => r.solver === solver).map((r) => [r.f, r.seconds]);
  const chol = series('cholesky');
  const cg = series('cg');
  writeFileSync(
    `${root}docs/scaling-f.svg`,
    logLogPlot({
      title: 'Implicit ALS, MovieLens-1M shape, one worker per core (Node): time vs f',
      xLabel: 'factors f',
      yLabel: 'seconds per iteration',
      xTicks: fs,
      series: [
        { name: 'Cholesky', points: chol },
        { name: 'CG, 3 steps', points: cg },
      ],
      guides: [
        { name: '∝ f² (from f = 64)', points: fs.map((f) => [f, chol[2][1] * (f / 64) ** 2]) },
        { name: '∝ f (from f = 64)', points: fs.map((f) => [f, cg[2][1] * (f / 64)]) },
      ],
    }),
  );
  const it = byNnz.map((r) => [r.nnz, r.seconds]);
  const load = byNnz.map((r) => [r.nnz, r.parseSeconds + r.indexSeconds]);
  const ref = byNnz.find((r) => r.nnz === 1_000_000) ?? byNnz[0];
  writeFileSync(
    `${root}docs/scaling-nnz.svg`,
    logLogPlot({
      title: 'f = 64, CG (3 steps), one worker per core (Node): time vs interactions',
      xLabel: 'interactions',
      yLabel: 'seconds',
      series: [
        { name: 's / iteration', points: it },
        { name: 'parse + CSR/CSC', points: load },
      ],
      guides: [{ name: '∝ interactions', points: byNnz.map((r) => [r.nnz, (ref.seconds * r.nnz) / ref.nnz]) }],
    }),
  );
  writeFileSync(`${root}docs/scaling.json`, JSON.stringify({ date: new Date().toISOString(), byF, byNnz }, null, 1) + '\n');
  return { byF, byNnz };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(JSON.stringify(await benchScaling({ quick: process.argv.includes('--quick') })));
