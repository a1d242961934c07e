// `npm run bench:top-n`: top-N from rating files. For MovieLens-100K (../shared/data, skipped with a
// notice when absent) and generated heavy-tailed rating sets, a per-user 20 % hold-out (seed 1) is
// scored for each approach: NDCG@10 and precision@10 with relevant = held-out ratings ≥ 4 (hits / 10),
// RMSE on every held-out rating, the median number of training ratings of the recommended items
// (their support), and the training time. Approaches:
// - explicit: the explicit model ranked by predicted rating (the old default for rating files);
// - implicit: the implicit defaults on the same pairs (ratings as values);
// - mnar w r: missing-not-at-random ALS (Steck 2010) — every unobserved pair a weak rating r at weight w —
//   in plain JS (f64 Cholesky), ALS-WR λ·n, prediction r + x·y, 10 iterations;
// - default: what `train` now builds with no options (a rating head, and a ranking head that reads
//   1–2 stars as dislikes: values − 2.5); the implicit defaults row is that head without the threshold.
// Writes its table into BENCHMARKS.md between `<!-- top-n:start -->` and `<!-- top-n:end -->`.
// Usage: node --experimental-wasm-relaxed-simd bench/top-n-ratings.mjs [--no-mnar] [--no-write] [--only NAME]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as lib from './lib.mjs';
import { generateRatings } from './rating-data.mjs';

const noMnar = process.argv.includes('--no-mnar');
const noWrite = process.argv.includes('--no-write');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const root = fileURLToPath(new URL('..', import.meta.url));
const ml100k = new URL('../../shared/data/ml-100k/u.data', import.meta.url);
const log = (s) => process.stderr.write(s + '\n');
const K = 10;
const RELEVANT = 4;

const sets = [];
if (existsSync(ml100k)) sets.push({ name: 'MovieLens-100K (real)', data: lib.parseText(readFileSync(ml100k, 'utf8'), { source: 'u.data' }) });
else log('notice: ../shared/data/ml-100k is absent — the real-data rows are skipped');
sets.push({ name: 'generated ratings: 6 000 users × 3 000 items, Zipf popularity, whales', data: await generateRatings({ users: 6000, items: 3000, meanPerUser: 40, seed: 3 }) });

/** Scores a model-like `{ top(u) → item rows, predict(u, i) }` on a split. */
function score(split, approach) {
  const { train, test } = split;
  const support = new Float64Array(train.items.size);
  for (let j = 0; j < train.length; j++) support[train.item[j]]++;
  const relevant = new Map();
  let se = 0;
  let n = 0;
  for (let j = 0; j < test.length; j++) {
    const user = test.users.id(test.user[j]);
    const item = test.items.id(test.item[j]);
    if (train.users.index(user) === undefined || train.items.index(item) === undefined) continue;
    const u = train.users.index(user);
    const i = train.items.index(item);
    const p = approach.predict?.(u, i);
    if (p !== undefined) {
      se += (p - test.value[j]) ** 2;
      n++;
    }
    if (test.value[j] >= RELEVANT) {
      if (!relevant.has(u)) relevant.set(u, new Set());
      relevant.get(u).add(i);
    }
  }
  let ndcg = 0;
  let precision = 0;
  const supports = [];
  for (const [u, rel] of relevant) {
    const top = approach.top(u);
    let dcg = 0;
    let idcg = 0;
    let hits = 0;
    top.forEach((i, r) => {
      supports.push(support[i]);
      if (rel.has(i)) {
        dcg += 1 / Math.log2(r + 2);
        hits++;
      }
    });
    for (let r = 0; r < Math.min(K, rel.size); r++) idcg += 1 / Math.log2(r + 2);
    ndcg += dcg / idcg;
    precision += hits / K;
  }
  supports.sort((a, b) => a - b);
  return { ndcg: ndcg / relevant.size, precision: precision / relevant.size, rmse: n ? Math.sqrt(se / n) : NaN, support: supports[supports.length >> 1] };
}

/** A trained library model as an approach: top-k by `recommend`, RMSE by `predict` (only where it predicts ratings). */
function modelApproach(model, train, predicts) {
  return {
    top: (u) => model.recommend(train.users.id(u), K).map((s) => train.items.index(s.id)),
    predict: predicts ? (u, i) => model.predict(train.users.id(u), train.items.id(i)) : undefined,
  };
}

/** Missing-not-at-random ALS (Steck 2010) in plain JS, f64 Cholesky: the reference for the comparison. */
function mnar(train, { factors: f = 64, w, r0, lambda = 0.05, iterations = 10, seed = 1 }) {
  const m = lib.buildMatrix(train, { duplicates: 'last' });
  const byUser = m.byUser;
  const byItem = m.byItem;
  let s = seed >>> 0;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const init = (rows) => {
    const a = new Float64Array(rows * f);
    for (let j = 0; j < a.length; j++) a[j] = (rand() - 0.5) * 0.1;
    return a;
  };
  const X = init(byUser.rows);
  const Y = init(byItem.rows);
  const A = new Float64Array(f * f);
  const b = new Float64Array(f);
  const half = (csr, Xs, Ys, rowsOther) => {
    const G = new Float64Array(f * f);
    const sum = new Float64Array(f);
    for (let i = 0; i < rowsOther; i++) {
      for (let a = 0; a < f; a++) {
        const ya = Ys[i * f + a];
        sum[a] += ya;
        for (let c = 0; c <= a; c++) G[a * f + c] += ya * Ys[i * f + c];
      }
    }
    for (let u = 0; u < csr.rows; u++) {
      const lo = csr.indptr[u];
      const hi = csr.indptr[u + 1];
      for (let a = 0; a < f; a++) {
        b[a] = w * r0 * sum[a];
        for (let c = 0; c <= a; c++) A[a * f + c] = w * G[a * f + c];
        A[a * f + a] += lambda * Math.max(1, hi - lo);
      }
      for (let j = lo; j < hi; j++) {
        const i = csr.indices[j];
        const t = csr.values[j] - w * r0;
        for (let a = 0; a < f; a++) {
          const ya = Ys[i * f + a];
          b[a] += t * ya;
          for (let c = 0; c <= a; c++) A[a * f + c] += (1 - w) * ya * Ys[i * f + c];
        }
      }
      // Cholesky in place (lower), then L Lᵀ x = b.
      for (let a = 0; a < f; a++) {
        for (let c = 0; c <= a; c++) {
          let v = A[a * f + c];
          for (let k = 0; k < c; k++) v -= A[a * f + k] * A[c * f + k];
          A[a * f + c] = a === c ? Math.sqrt(v) : v / A[c * f + c];
        }
      }
      for (let a = 0; a < f; a++) {
        let v = b[a];
        for (let k = 0; k < a; k++) v -= A[a * f + k] * b[k];
        b[a] = v / A[a * f + a];
      }
      for (let a = f - 1; a >= 0; a--) {
        let v = b[a];
        for (let k = a + 1; k < f; k++) v -= A[k * f + a] * b[k];
        b[a] = v / A[a * f + a];
      }
      Xs.set(b, u * f);
    }
  };
  for (let it = 0; it < iterations; it++) {
    half(byUser, X, Y, byItem.rows);
    half(byItem, Y, X, byUser.rows);
  }
  const dot = (u, i) => {
    let v = r0;
    for (let a = 0; a < f; a++) v += X[u * f + a] * Y[i * f + a];
    return v;
  };
  const seen = byUser;
  return {
    predict: dot,
    top: (u) => {
      const skip = new Set(seen.indices.subarray(seen.indptr[u], seen.indptr[u + 1]));
      const cand = [];
      for (let i = 0; i < byItem.rows; i++) if (!skip.has(i)) cand.push([dot(u, i), i]);
      cand.sort((x, y) => y[0] - x[0] || x[1] - y[1]);
      return cand.slice(0, K).map((c) => c[1]);
    },
  };
}

const rows = [];
for (const set of sets) {
  if (only && !set.name.includes(only)) continue;
  const split = lib.splitInteractions(set.data, { method: 'per-user', fraction: 0.2, seed: 1 });
  const run = async (name, make) => {
    const t0 = performance.now();
    const approach = await make();
    const seconds = (performance.now() - t0) / 1000;
    const r = { set: set.name, name, seconds, ...score(split, approach) };
    log(`${set.name} · ${name}: NDCG@10 ${r.ndcg.toFixed(4)} P@10 ${r.precision.toFixed(4)} RMSE ${r.rmse.toFixed(4)} support ${r.support} ${seconds.toFixed(1)} s`);
    rows.push(r);
  };
  await run('default (no options)', async () => {
    const { model } = await lib.train(split.train);
    return modelApproach(model, split.train, true);
  });
  await run('explicit, ranked by predicted rating', async () => {
    const { model } = await lib.train(split.train, { feedback: 'explicit', ranking: 'rating' });
    return modelApproach(model, split.train, true);
  });
  await run('implicit defaults (ratings as values)', async () => {
    const { model } = await lib.train(split.train, { feedback: 'implicit' });
    return modelApproach(model, split.train, false);
  });
  if (!noMnar) {
    for (const [w, r0] of [[0.05, 2], [0.1, 1], [0.3, 0]]) {
      await run(`MNAR w ${w}, r ${r0} (plain JS, f 64)`, () => mnar(split.train, { w, r0 }));
    }
  }
}

const table = [
  `Command: \`node --experimental-wasm-relaxed-simd bench/top-n-ratings.mjs\` (${new Date().toISOString().slice(0, 10)}). Per-user 20 % hold-out (seed 1); relevant = held-out rating ≥ ${RELEVANT}; precision@10 = hits / 10; support = median training ratings of the recommended items.`,
  '',
  '| data | approach | NDCG@10 | P@10 | RMSE | support | train s |',
  '|---|---|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.set} | ${r.name} | ${r.ndcg.toFixed(4)} | ${r.precision.toFixed(4)} | ${Number.isFinite(r.rmse) ? r.rmse.toFixed(4) : '–'} | ${r.support} | ${r.seconds.toFixed(1)} |`),
].join('\n');
console.log(table);
if (!noWrite && !only) {
  const path = `${root}/BENCHMARKS.md`;
  const text = readFileSync(path, 'utf8');
  const start = '<!-- top-n:start -->';
  const end = '<!-- top-n:end -->';
  const next = text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${table}\n${end}`) : `${text.trimEnd()}\n\n## Top-N from ratings\n\n${start}\n${table}\n${end}\n`;
  writeFileSync(path, next);
}
