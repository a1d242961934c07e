// Training time of two built checkouts in one process, interleaved (so machine load hits both alike):
// this checkout's dist/ and OTHER's (a checkout of the commit to compare with, `npm run build:lib`
// there), MovieLens-100K (../shared/data), f = 64, 10 iterations, 1 worker; median of 7. Also
// checks the losses are bit-identical.
//
//   node --experimental-wasm-relaxed-simd bench/ab-train.mjs [implicit|explicit] [cholesky|cg] OTHER
import { existsSync, readFileSync } from 'node:fs';
import * as A from './lib.mjs';
import { resolve } from 'node:path';
if (!process.argv[4]) throw new Error('usage: bench/ab-train.mjs implicit|explicit cholesky|cg OTHER-CHECKOUT');
const B = await A.libOf(resolve(process.argv[4]));
const file = new URL('../../shared/data/ml-100k/u.data', import.meta.url);
if (!existsSync(file)) {
  console.log('notice: ../shared/data/ml-100k is absent — skipped');
  process.exit(0);
}
const text = readFileSync(file, 'utf8');
const da = A.parseText(text, { source: 'u' }), db = B.parseText(text, { source: 'u' });
const base = { feedback: process.argv[2] ?? 'implicit', factors: 64, iterations: 10, regularization: 10, solver: process.argv[3] ?? 'cholesky', workers: 1 };
const ta = [], tb = [];
for (let r = 0; r < 7; r++) {
  let t = performance.now(); const ra = await A.train(da, base); ta.push(performance.now() - t);
  t = performance.now(); const rb = await B.train(db, base); tb.push(performance.now() - t);
  if (r === 0) console.log('bit-identical losses:', JSON.stringify(ra.report.loss) === JSON.stringify(rb.report.loss));
}
const med = (x) => [...x].sort((a, b) => a - b)[3];
console.log('this',  med(ta).toFixed(0), 'other', med(tb).toFixed(0), 'ratio', (med(ta) / med(tb)).toFixed(3));
