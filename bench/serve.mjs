// `npm run bench:serve` (also a section of `npm run bench`): the serving calls.
// (1) recommendMany: top-10 for all 6 040 users × 3 706 items at f = 64 (MovieLens-1M shape,
//     1 M training interactions left out), median of several runs, GFLOP/s (2·m·n·f), against
//     the per-user loop (`recommend` per user) in the same run.
// (2) The evaluator on MovieLens-100K (real; skipped with a notice when absent), the 1 M set
//     and the 17 600-item play-count set: evaluateModel (blocked WASM top-k) against the per-user path it replaced
//     (`rankingMetrics` with a per-user score callback), results compared bit for bit.
// (3) With `--calibration`: the λ calibration of the defaults on the 17 600-item play-count set
//     (its seconds against the training's), for comparing against an older build.
// Usage: node --experimental-wasm-relaxed-simd bench/serve.mjs [--runs 7] [--calibration] [--lib DIR]
import { cpus, loadavg } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const secs = (t0) => (performance.now() - t0) / 1000;

/** A model of the MovieLens-1M shape with random factors (serving does not care how they were learned). */
async function ml1mModel(lib, f) {
  const data = lib.generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, feedback: 'implicit', rank: 10, seed: 3 });
  const m = lib.buildMatrix(data, { duplicates: 'sum' });
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) / Math.sqrt(f);
  const factors = {
    factors: f,
    userFactors: Float64Array.from({ length: data.users.size * f }, rnd),
    itemFactors: Float64Array.from({ length: data.items.size * f }, rnd),
    globalMean: 0,
  };
  const options = lib.resolveTrainOptions({ feedback: 'implicit', factors: f, regularization: 1, epsilon: 1 }, 'implicit');
  return { data, model: await lib.AlsModel.create({ options, users: data.users, items: data.items, factors, seen: m.byUser }) };
}

/**
 * Runs the serving benchmarks with the library `lib` (bench/lib.mjs: the in-thread entry and a few internals).
 * @returns the Markdown section (a header line, a table, notes)
 */
export async function benchServe({ lib, runs = 7, calibration = false, log = () => {}, libName = 'dist/' }) {
  const rows = [];
  const notes = [];
  const load0 = loadavg()[0];

  // (1) recommendMany against the per-user loop (an older build, through --lib, has none).
  if (typeof lib.AlsModel.prototype.recommendMany === 'function') {
    const f = 64;
    log('serving: recommendMany …');
    const { model } = await ml1mModel(lib, f);
    const users = model.users.ids();
    model.recommendMany(users.slice(0, 500), 10); // warm-up: V8 tiers up the kernel
    for (let u = 0; u < 200; u++) model.recommend(users[u], 10);
    const batch = [];
    const loop = [];
    let same = true;
    for (let r = 0; r < runs; r++) {
      let t0 = performance.now();
      const many = model.recommendMany(users, 10);
      batch.push(secs(t0));
      t0 = performance.now();
      const one = users.map((u) => model.recommend(u, 10));
      loop.push(secs(t0));
      if (r === 0) same = many.every((m, j) => JSON.stringify(m.items) === JSON.stringify(one[j]));
    }
    const flops = 2 * users.length * model.items.size * f;
    const t = median(batch);
    const tl = median(loop);
    rows.push(['recommendMany: top-10, all 6 040 users × 3 706 items, f = 64', `${t.toFixed(3)} s (min ${Math.min(...batch).toFixed(3)})`, `${(flops / t / 1e9).toFixed(1)} GFLOP/s`, `per-user loop ${tl.toFixed(3)} s → ${(tl / t).toFixed(1)}×`]);
    notes.push(`recommendMany and the per-user loop gave ${same ? 'identical' : 'DIFFERENT'} lists (ids and scores).`);
    const K = (await lib.loadKernels({ variant: model.kernels })).exports;
    if (K.fmaPeak) {
      // The machine's multiply-add peak for this build, in the same run (8 chains × 2 lanes × 2 FLOPs per round).
      const peaks = [];
      for (let r = 0; r < 7; r++) {
        const t0 = performance.now();
        K.fmaPeak(5_000_000);
        peaks.push(5_000_000 * 32 / secs(t0) / 1e9);
      }
      const peak = median(peaks.slice(2));
      notes.push(`The ${model.kernels} build's multiply-add peak in the same run: ${peak.toFixed(1)} GFLOP/s, so recommendMany ran at ${((100 * flops) / t / 1e9 / peak).toFixed(0)} % of it (top-k selection, exclusions and building the result objects included).`);
    }
  }

  // (2) The evaluator.
  const evalSets = [];
  const ml100k = new URL('../../shared/data/ml-100k/u.data', import.meta.url);
  if (existsSync(ml100k)) evalSets.push({ name: 'MovieLens-100K (real), f = 64', data: lib.parseText(readFileSync(ml100k, 'utf8'), { source: 'u.data' }) });
  else log('notice: ../shared/data/ml-100k is absent — its evaluator row is skipped');
  evalSets.push({ name: '1 M generated (6 040 × 3 706), f = 64', data: lib.generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, feedback: 'implicit', rank: 10, seed: 3 }) });
  // The set whose λ calibration was 5–7× its training because of scoring (BENCHMARKS.md, "Quality on real data").
  evalSets.push({ name: 'play counts (1 903 × 17 600), f = 64', data: lib.generateHeavyTailed({ users: 1900, items: 17600, meanPerUser: 49, activitySpread: 0.3, countMedian: 250, countSpread: 1.6, whales: 3, whaleItems: 8000, whaleCountScale: 10, seed: 7 }) });
  for (const set of evalSets) {
    log(`serving: the evaluator on ${set.name} …`);
    const split = lib.splitInteractions(set.data, { method: 'per-user', fraction: 0.2, seed: 1 });
    const { model } = await lib.train(split.train, { feedback: 'implicit', factors: 64, iterations: 3, solver: 'cg', regularization: 10 });
    for (const atKOnly of [false, true]) {
      const fast = [];
      const slow = [];
      let same = true;
      for (let r = 0; r < Math.max(3, runs >> 1); r++) {
        let t0 = performance.now();
        const a = lib.evaluateModel(model, split.test, { k: 10, atKOnly });
        fast.push(secs(t0));
        t0 = performance.now();
        const b = perUserRanking(lib, model, split.test, 10, atKOnly);
        slow.push(secs(t0));
        for (const key of ['precision', 'recall', 'map', 'ndcg', 'auc', 'mpr', 'users']) if (!Object.is(a[key], b[key])) same = false;
      }
      const t = median(fast);
      const ts = median(slow);
      rows.push([`evaluateModel${atKOnly ? ' (atKOnly: validation, tune)' : ''}: ${set.name}, ${model.users.size} users`, `${t.toFixed(3)} s`, same ? 'metrics bit-identical' : 'METRICS DIFFER', `per-user path ${ts.toFixed(3)} s → ${(ts / t).toFixed(1)}×`]);
    }
  }

  // (3) The λ calibration on the play-count set (compare with an older build through --lib).
  if (calibration) {
    log('serving: λ calibration on the play-count set …');
    const data = lib.generateHeavyTailed({ users: 1900, items: 17600, meanPerUser: 49, activitySpread: 0.3, countMedian: 250, countSpread: 1.6, whales: 3, whaleItems: 8000, whaleCountScale: 10, seed: 7 });
    const split = lib.splitInteractions(data, { method: 'per-user', fraction: 0.2, seed: 1 });
    const t0 = performance.now();
    const { report } = await lib.train(split.train, { feedback: 'implicit' });
    const total = secs(t0);
    const cal = report.regularizationCalibration;
    rows.push(['defaults on the play-count set (1 903 × 17 600): λ calibration', `${cal.seconds.toFixed(1)} s of ${total.toFixed(1)} s`, `λ = ${report.regularization.toFixed(2)}`, `training alone ≈ ${(total - cal.seconds).toFixed(1)} s`]);
  }

  const out = [
    `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)} (other work on the machine), median of ${runs} runs, library ${libName}`,
    '',
    '| what | time | | compared (same run) |',
    '|---|---:|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    ...notes.map((n) => `\n${n}`),
  ];
  return out.join('\n');
}

/** A comparison helper kept out of the library: the per-user evaluation path the evaluator used before. */
function perUserRanking(lib, model, test, k, atKOnly) {
  const { matrix } = lib.alignToModel(model, test);
  return lib.rankingMetrics({ score: (u, out) => void model.scoreUser(u, out), numItems: model.items.size, train: model.seen, test: matrix, k, atKOnly });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, def) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : def);
  const libDir = arg('--lib', new URL('../dist/', import.meta.url).href);
  const lib = await import(new URL('index.js', libDir.endsWith('/') ? libDir : libDir + '/').href);
  const log = (s) => process.stderr.write(s + '\n');
  console.log(await benchServe({ lib, runs: Number(arg('--runs', 7)), calibration: process.argv.includes('--calibration'), log, libName: libDir }));
}
