// Parsing and indexing at scale, from dist/ (`npm run build:lib` first): 1 M id interns
// (numeric strings, other strings, and a bare Map for reference) and 1 M TSV lines parsed and
// indexed. Medians of `runs` (default 5) after one warm-up. The tests check the results; this
// measures the time.
//
//   node bench/parse-scale.mjs [runs=5]
import { cpus, loadavg } from 'node:os';
import { buildMatrix, createIdMap, parseText } from './lib.mjs';

const runs = Number(process.argv[2] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};
const numeric = Array.from({ length: 1_000_000 }, (_, j) => String((j * 7919) % 1_000_003));
const words = Array.from({ length: 1_000_000 }, (_, j) => `u${j}`);
const parts = [];
for (let j = 0; j < 1_000_000; j++) parts.push(`${j % 6040}\t${(j * 7919) % 3706}\t${1 + (j % 5)}\t${978300760 + j}`);
const text = parts.join('\n') + '\n';
const rows = { numericInterns: [], otherInterns: [], bareMap: [], parse: [], index: [] };
for (let r = 0; r <= runs; r++) {
  const sample = {
    numericInterns: time(() => {
      const m = createIdMap();
      for (const x of numeric) m.intern(x);
    }),
    otherInterns: time(() => {
      const m = createIdMap();
      for (const x of words) m.intern(x);
    }),
    bareMap: time(() => {
      const m = new Map();
      for (const x of words) if (!m.has(x)) m.set(x, m.size);
    }),
  };
  let d;
  sample.parse = time(() => (d = parseText(text, { source: 'big.tsv' })));
  sample.index = time(() => buildMatrix(d));
  if (r > 0) for (const k of Object.keys(rows)) rows[k].push(sample[k]);
}
const out = Object.fromEntries(Object.entries(rows).map(([k, v]) => [`${k}Ms`, Math.round(median(v))]));
console.log(JSON.stringify({ runs, cores: cpus().length, load: loadavg()[0].toFixed(1), tsvMB: +(text.length / 1e6).toFixed(1), ...out }));
