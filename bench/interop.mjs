// `npm run bench:interop`: moving a model between engines at MovieLens-20M shape (138 493 users,
// 26 744 items, f = 64): import of a Spark ALSModel.save() directory (metadata + snappy Parquet
// written here in Spark's schema), export to implicit's .npz and to Spark JSON lines, and a
// fold-in of a 100-item history with the imported model. Medians of 3 runs; one Markdown table.
// Usage: node --experimental-wasm-relaxed-simd bench/interop.mjs
import { cpus, loadavg } from 'node:os';
import { parquetWriteBuffer } from 'hyparquet-writer';
import * as lib from './lib.mjs';

const USERS = 138_493;
const ITEMS = 26_744;
const F = 64;
const PART_ROWS = 20_000; // Spark writes several part files per factor directory

let state = 0x9e3779b9;
/** xorshift32 in [-0.5, 0.5): factor values with no repeats for Parquet's dictionary to exploit. */
const rand = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32 - 0.5;
};
const schema = [
  { name: 'spark_schema', num_children: 2 },
  { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'features', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
];
/** A factor directory as Spark writes it: part files of PART_ROWS rows. */
function factorParts(side, rows) {
  const files = {};
  for (let start = 0, part = 0; start < rows; start += PART_ROWS, part++) {
    const ids = Array.from({ length: Math.min(PART_ROWS, rows - start) }, (_, j) => start + j + 1);
    const features = ids.map(() => Array.from({ length: F }, () => Math.fround(rand() * 0.2)));
    files[`${side}/part-${String(part).padStart(5, '0')}-bench.snappy.parquet`] = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: Int32Array.from(ids) }, { name: 'features', data: features }], schema }));
  }
  return files;
}
const files = {
  'metadata/part-00000': new TextEncoder().encode(JSON.stringify({ class: 'org.apache.spark.ml.recommendation.ALSModel', sparkVersion: '3.5.1', paramMap: { implicitPrefs: true, alpha: 40, regParam: 0.01, rank: F }, rank: F }) + '\n'),
  ...factorParts('userFactors', USERS),
  ...factorParts('itemFactors', ITEMS),
};
const parquetBytes = Object.values(files).reduce((s, b) => s + b.length, 0);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn, runs = 3) {
  const seconds = [];
  let out;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    out = await fn();
    seconds.push((performance.now() - t0) / 1000);
  }
  return { seconds: median(seconds), all: seconds, out };
}

const load = loadavg()[0];
const imported = await time(() => lib.importFactors(files, { maxBytes: 2 ** 31 }));
const model = imported.out;
const npz = await time(() => lib.exportFactors(model, 'npz'));
const json = await time(() => lib.exportFactors(model, 'spark-json'));
const back = await time(() => lib.importFactors(npz.out.files['model.npz'], { maxBytes: 2 ** 31 }));
const history = Array.from({ length: 100 }, (_, j) => ({ item: 1 + j * 97, value: 1 + (j % 5) }));
model.foldIn(history); // warm-up
const fold = await time(() => model.foldIn(history), 21);
const mib = (n) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const row = (what, t, size) => `| ${what} | ${t.seconds < 0.01 ? (t.seconds * 1000).toFixed(2) + ' ms' : t.seconds.toFixed(2) + ' s'} | ${t.all.length > 3 ? `${t.all.length} runs` : t.all.map((s) => s.toFixed(3)).join(', ')} | ${size} |`;
console.log([
  `${USERS.toLocaleString('en')} users × ${ITEMS.toLocaleString('en')} items, f = ${F}; ${cpus()[0].model} × ${cpus().length}, Node ${process.version}, load average ${load.toFixed(1)} at the start. Command: \`npm run bench:interop\`.`,
  '',
  '| step | median | runs (s) | size |',
  '|---|---|---|---|',
  row(`import a Spark ALSModel directory (${Object.keys(files).length - 1} snappy Parquet parts, hyparquet)`, imported, mib(parquetBytes)),
  row("export to implicit's .npz (float32)", npz, mib(npz.out.files['model.npz'].length)),
  row('export to Spark JSON lines (users + items)', json, mib(json.out.files['userFactors.json'].length + json.out.files['itemFactors.json'].length)),
  row('import the .npz back', back, ''),
  row('fold-in of a 100-item history (Spark convention), median of 21', fold, ''),
].join('\n'));
