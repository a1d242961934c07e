// Where a MovieLens-20M-shaped CG iteration spends its time: the second iteration of a
// one-worker training (implicit, f = 64, 3 steps), timed per chunk from the sweep progress
// events and grouped by the length of the chunk's rows (inside training rows are numbered
// heaviest first, so each chunk holds rows of similar length). Prints ns per interaction for
// each side and row length. Needs `npm run build` first; about a minute and 3 GB.
//   node --experimental-wasm-relaxed-simd --max-old-space-size=8000 bench/experiments/cg-rows-20m.mjs
import * as lib from '../lib.mjs';
import { tsvChunks } from '../scale-data.mjs';

async function* lines() {
  for (const chunk of tsvChunks()) yield chunk;
}
const data = await lib.loadInteractions(lines(), { format: 'tsv', source: 'ml20m-shape.tsv' });
const matrix = lib.buildMatrix(data, { duplicates: 'sum' });
const { byUser } = matrix;
const m = byUser.rows, n = byUser.cols;
const userLen = Array.from({ length: m }, (_, u) => byUser.indptr[u + 1] - byUser.indptr[u]).sort((a, b) => b - a);
const itemLen = new Array(n).fill(0);
for (let j = 0; j < byUser.indptr[m]; j++) itemLen[byUser.indices[j]]++;
itemLen.sort((a, b) => b - a);
const prefix = (a) => { const p = [0]; for (const v of a) p.push(p[p.length - 1] + v); return p; };
const P = { users: prefix(userLen), items: prefix(itemLen) };
const L = { users: userLen, items: itemLen };
const steps = 3;
const opts = lib.resolveTrainOptions({ feedback: 'implicit', solver: 'cg', cgSteps: steps, factors: 64, iterations: 2, workers: 1, alpha: 1, regularization: 0.05 }, 'implicit');
let last = 0, prevRows = 0;
const rec = [];
await lib.trainFactors(matrix, opts, {
  onProgress: (p) => {
    const t = performance.now();
    if (p.stage === 'sweep' && p.iteration === 2) {
      if (prevRows > p.rowsDone) prevRows = 0;
      rec.push({ side: p.side, r0: prevRows, r1: p.rowsDone, ms: t - last });
      prevRows = p.rowsDone === p.rowsTotal ? 0 : p.rowsDone;
    }
    last = t;
  },
});
const buckets = [[65536, Infinity], [16384, 65536], [4096, 16384], [1024, 4096], [256, 1024], [64, 256], [0, 64]];
for (const side of ['users', 'items']) {
  const acc = buckets.map(() => ({ ms: 0, nnz: 0, rows: 0 }));
  for (const c of rec.filter((c) => c.side === side && c.r1 > c.r0)) {
    const first = L[side][c.r0];
    const b = buckets.findIndex(([lo, hi]) => first >= lo && first < hi);
    acc[b].ms += c.ms; acc[b].nnz += P[side][c.r1] - P[side][c.r0]; acc[b].rows += c.r1 - c.r0;
  }
  console.log(side, 'total', (acc.reduce((s, a) => s + a.ms, 0) / 1000).toFixed(2), 's');
  buckets.forEach(([lo, hi], i) => acc[i].nnz && console.log(`  rows with ${lo}..${hi}: ${acc[i].rows} rows, ${(acc[i].nnz / 1e6).toFixed(2)}M nnz, ${(acc[i].ms / 1000).toFixed(2)} s, ${((acc[i].ms * 1e6) / acc[i].nnz).toFixed(0)} ns/nnz`));
}
process.exit(0);
