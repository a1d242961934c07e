#!/usr/bin/env node
/**
 * The als-wasm command line: train / evaluate / cv / recommend / similar / demo.
 * Progress and tables go to stderr (tables to stdout without --json); with --json the last
 * line of stdout is one JSON object. Bad input exits 1 with a one-line message naming the
 * file and line; bad usage exits 2.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { train } from './als/fit.js';
import type { AlsModel, ScoredItem } from './als/model.js';
import type { TrainOptions } from './als/options.js';
import { builtinDataset, type CatalogueItem } from './data/builtin.js';
import { fromRecords, parseChunks } from './data/parse.js';
import type { Interactions } from './data/types.js';
import { AlsError, isAlsError } from './errors.js';
import { crossValidate, type CrossValidateOptions, type CvMetric, type CvProgress } from './eval/cross-validate.js';
import { evaluateModel } from './eval/evaluate.js';
import { loadModel, saveModel } from './io/model-file.js';

/** A usage mistake (exit code 2). */
class UsageError extends Error {}

const USAGE = `als-wasm — on-device ALS recommender (WebAssembly)

Usage:
  als-wasm train FILE --out MODEL [--feedback explicit|implicit] [--factors 64]
      [--regularization 0.1|auto] [--weighted-regularization | --no-weighted-regularization]
      [--biases] [--alpha 1]
      [--confidence linear|log] [--iterations 15] [--tolerance 0] [--seed 42]
      [--restarts 1] [--solver cholesky|cg] [--workers CORES] [--json]
  als-wasm evaluate --model MODEL --test FILE [--k 10] [--json]
  als-wasm cv FILE [--feedback explicit|implicit] [--folds 5]
      [--grid factors=16,32,64 regularization=0.01,0.05,0.1 alpha=1,10,40]
      [--metric rmse|mae|precision|recall|map|ndcg|auc|mpr] [--k 10]
      [--iterations 15] [--restarts 1] [--biases] [--seed 42] [--patience N]
      [--factors F] [--regularization L] [--alpha A] [--confidence linear|log]
      [--solver cholesky|cg] [--out MODEL] [--json]
      k-fold cross-validation of every combination in the grid (keys: factors,
      regularization, alpha, confidence, epsilon, iterations, cgSteps); one row per
      trial on stderr, the best params last. --patience N stops each fold's training
      after N iterations without improvement on its held-out part; --out refits on
      all the data with the best params and saves the model
  als-wasm recommend --model MODEL --user ID [--k 10] [--json]
  als-wasm similar --model MODEL --item ID [--k 10] [--json]
  als-wasm demo            train on the built-in dataset and show recommendations

FILE: CSV (with or without header), TSV, MovieLens u.data / ratings.dat / ratings.csv,
auto-detected. Columns: user, item[, value[, timestamp]].`;

/** Flags that take no value. */
const BOOLEAN_FLAGS = new Set(['json', 'weighted-regularization', 'no-weighted-regularization', 'biases', 'help']);
/** Every flag each command accepts. */
const COMMAND_FLAGS: Record<string, string[]> = {
  train: ['out', 'feedback', 'factors', 'regularization', 'weighted-regularization', 'no-weighted-regularization', 'biases', 'alpha', 'confidence', 'iterations', 'tolerance', 'seed', 'restarts', 'solver', 'workers', 'json'],
  evaluate: ['model', 'test', 'k', 'json'],
  cv: ['feedback', 'folds', 'grid', 'metric', 'k', 'iterations', 'restarts', 'biases', 'seed', 'patience', 'factors', 'regularization', 'alpha', 'confidence', 'solver', 'out', 'json'],
  recommend: ['model', 'user', 'k', 'json'],
  similar: ['model', 'item', 'k', 'json'],
  demo: ['json'],
};

interface Parsed {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') throw new UsageError('');
  if (!(command in COMMAND_FLAGS)) throw new UsageError(`unknown command "${command}"`);
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (!COMMAND_FLAGS[command].includes(name)) throw new UsageError(`"${command}" does not take --${name}`);
    if (name === 'grid') {
      // --grid takes several `key=v1,v2` words: up to the next --flag or the next word
      // without "=" (FILE may follow the grid).
      const words = value !== undefined ? [value] : [];
      while (i + 1 < rest.length && !rest[i + 1].startsWith('--') && rest[i + 1].includes('=')) words.push(rest[++i]);
      if (words.length === 0) throw new UsageError('--grid needs key=v1,v2 words, e.g. --grid factors=16,32 regularization=0.01,0.1');
      const before = flags.get('grid');
      flags.set('grid', [...(typeof before === 'string' ? [before] : []), ...words].join(' '));
    } else if (BOOLEAN_FLAGS.has(name)) {
      if (value !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else {
      value ??= rest[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    }
  }
  return { command, positional, flags };
}

function str(p: Parsed, name: string, required = false): string | undefined {
  const v = p.flags.get(name);
  if (v === undefined && required) throw new UsageError(`--${name} is required`);
  return v === undefined ? undefined : String(v);
}

function num(p: Parsed, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return x;
}

/** Reads a delimited file as a stream, reporting parse progress on stderr. */
async function readInteractions(path: string, quiet: boolean): Promise<Interactions> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new AlsError('IO_ERROR', `Cannot read ${path}: ${(e as Error).message}`, { path });
  }
  let lastReport = 0;
  return parseChunks(createReadStream(path), {
    source: basename(path),
    bytesTotal: size,
    onProgress: (p) => {
      const t = Date.now();
      if (quiet || t - lastReport < 500) return;
      lastReport = t;
      process.stderr.write(`parsing ${basename(path)}: ${p.rows} rows, ${Math.round((100 * p.bytesRead) / Math.max(1, size))} %\n`);
    },
  });
}

function progressPrinter(): TrainOptions['onProgress'] {
  return (p) => {
    if (p.stage === 'init') {
      process.stderr.write(`training: ${p.users} users × ${p.items} items, ${p.interactions} interactions, f = ${p.factors}, kernels: ${p.kernels}${p.restart > 0 ? `, restart ${p.restart + 1}` : ''}\n`);
    } else if (p.stage === 'iteration') {
      process.stderr.write(`iteration ${String(p.iteration).padStart(3)}  loss ${p.loss.toExponential(6)}  ${p.seconds.toFixed(3)} s  ${p.gflops.toFixed(1)} GFLOP/s\n`);
    }
  };
}

async function cmdTrain(p: Parsed): Promise<unknown> {
  const file = p.positional[0];
  if (!file || p.positional.length > 1) throw new UsageError('train needs exactly one FILE');
  const out = str(p, 'out', true)!;
  const data = await readInteractions(file, false);
  if (data.skipped.count > 0) process.stderr.write(`skipped ${data.skipped.count} bad rows\n`);
  const options: TrainOptions = {
    feedback: str(p, 'feedback') as TrainOptions['feedback'],
    factors: num(p, 'factors'),
    regularization: str(p, 'regularization') === 'auto' ? 'auto' : num(p, 'regularization'),
    // ALS-WR is the default for explicit feedback; --no-weighted-regularization turns it off.
    weightedRegularization: p.flags.has('no-weighted-regularization') ? false : p.flags.has('weighted-regularization') || undefined,
    biases: p.flags.has('biases') || undefined,
    alpha: num(p, 'alpha'),
    confidence: str(p, 'confidence') as TrainOptions['confidence'],
    iterations: num(p, 'iterations'),
    tolerance: num(p, 'tolerance'),
    seed: num(p, 'seed'),
    restarts: num(p, 'restarts'),
    solver: str(p, 'solver') as TrainOptions['solver'],
    workers: num(p, 'workers'),
    onProgress: progressPrinter(),
  };
  const { model, report } = await train(data, options);
  if (report.workersNote) process.stderr.write(`note: trained on ${report.workersNote}\n`);
  await writeFile(out, saveModel(model)).catch((e: Error) => {
    throw new AlsError('IO_ERROR', `Cannot write ${out}: ${e.message}`, { path: out });
  });
  process.stderr.write(`saved ${out}\n`);
  return {
    users: model.users.size,
    items: model.items.size,
    interactions: model.seen.indptr[model.users.size],
    iterations: report.iterations,
    secondsPerIteration: report.secondsPerIteration,
    loss: report.loss,
    feedback: model.options.feedback,
    kernels: report.kernels,
    workers: report.workersUsed,
  };
}

async function openModel(p: Parsed): Promise<AlsModel> {
  const path = str(p, 'model', true)!;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new AlsError('IO_ERROR', `Cannot read ${path}: ${(e as Error).message}`, { path });
  }
  try {
    return await loadModel(bytes);
  } catch (e) {
    if (isAlsError(e)) throw new AlsError(e.code, `${path}: ${e.message}`, e.details);
    throw e;
  }
}

async function cmdEvaluate(p: Parsed): Promise<unknown> {
  const model = await openModel(p);
  const test = await readInteractions(str(p, 'test', true)!, true);
  const k = num(p, 'k') ?? 10;
  const r = evaluateModel(model, test, { k });
  if (r.unknown > 0) process.stderr.write(`note: ${r.unknown} test rows have a user or item the model does not know; left out\n`);
  if ('rmse' in r) {
    process.stderr.write(`RMSE ${r.rmse.toFixed(4)}  MAE ${r.mae.toFixed(4)}  over ${r.count} ratings\n`);
    return { rmse: r.rmse, mae: r.mae, count: r.count, unknown: r.unknown };
  }
  process.stderr.write(
    `@${r.k}: precision ${r.precision.toFixed(4)}  recall ${r.recall.toFixed(4)}  MAP ${r.map.toFixed(4)}  NDCG ${r.ndcg.toFixed(4)}  AUC ${r.auc.toFixed(4)}  MPR ${r.mpr.toFixed(4)}  over ${r.users} users\n`,
  );
  return { k: r.k, precision: r.precision, recall: r.recall, map: r.map, ndcg: r.ndcg, auc: r.auc, mpr: r.mpr, users: r.users, unknown: r.unknown };
}

/** Grid keys whose values are strings; every other key takes numbers. */
const STRING_GRID_KEYS = new Set(['confidence']);

/** Parses `key=v1,v2 key2=v3` into a grid; the library validates keys and ranges. */
function parseGrid(words: string): Record<string, (number | string)[]> {
  const grid: Record<string, (number | string)[]> = {};
  for (const word of words.split(' ')) {
    const eq = word.indexOf('=');
    const key = word.slice(0, eq);
    const values = word.slice(eq + 1).split(',');
    if (!key || values.some((v) => v.trim() === '')) throw new UsageError(`--grid: "${word}" must look like key=v1,v2`);
    if (key in grid) throw new UsageError(`--grid: "${key}" is given twice`);
    grid[key] = STRING_GRID_KEYS.has(key)
      ? values
      : values.map((v) => {
          const x = Number(v);
          if (!Number.isFinite(x)) throw new UsageError(`--grid: ${key} values must be numbers, got "${v}"`);
          return x;
        });
  }
  return grid;
}

/** k-fold cross-validation over a grid: a table on stderr, the best params last. */
async function cmdCv(p: Parsed): Promise<unknown> {
  const file = p.positional[0];
  if (!file || p.positional.length > 1) throw new UsageError('cv needs exactly one FILE');
  const gridWords = str(p, 'grid');
  const grid = gridWords === undefined ? undefined : parseGrid(gridWords);
  const data = await readInteractions(file, false);
  if (data.skipped.count > 0) process.stderr.write(`skipped ${data.skipped.count} bad rows\n`);
  const keys = Object.keys(grid ?? {});
  // Column widths from the grid itself, so rows can be printed as each trial finishes.
  const width = Object.fromEntries(keys.map((key) => [key, Math.max(key.length, ...grid![key].map((v) => String(v).length))]));
  const row = (params: Record<string, unknown>) => keys.map((key) => String(params[key]).padStart(width[key])).join('  ');
  const onProgress = (e: CvProgress) => {
    if (e.stage === 'trial' && e.trial === 0 && e.fold === 0) process.stderr.write(`${'trial'.padStart(5)}  ${keys.map((key) => key.padStart(width[key])).join('  ')}  mean ± std\n`);
    if (e.stage === 'trial-done') process.stderr.write(`${String(e.trial + 1).padStart(5)}  ${row(e.params)}  ${e.mean.toFixed(4)} ± ${e.std.toFixed(4)}\n`);
  };
  const options: CrossValidateOptions = {
    folds: num(p, 'folds'),
    grid: grid as CrossValidateOptions['grid'],
    metric: str(p, 'metric') as CvMetric | undefined,
    k: num(p, 'k'),
    restarts: num(p, 'restarts'),
    seed: num(p, 'seed'),
    patience: num(p, 'patience'),
    refit: str(p, 'out') !== undefined,
    base: {
      feedback: str(p, 'feedback') as TrainOptions['feedback'],
      iterations: num(p, 'iterations'),
      biases: p.flags.has('biases') || undefined,
      factors: num(p, 'factors'),
      regularization: str(p, 'regularization') === 'auto' ? 'auto' : num(p, 'regularization'),
      alpha: num(p, 'alpha'),
      confidence: str(p, 'confidence') as TrainOptions['confidence'],
      solver: str(p, 'solver') as TrainOptions['solver'],
    },
    onProgress,
  };
  const cv = await crossValidate(data, options);
  const out = str(p, 'out');
  if (out !== undefined && cv.model) {
    await writeFile(out, saveModel(cv.model)).catch((e: Error) => {
      throw new AlsError('IO_ERROR', `Cannot write the model to ${out}: ${e.message}`, { path: out });
    });
    process.stderr.write(`refit on all ${data.length} rows with the best params; model saved to ${out}\n`);
  }
  const unscored = cv.foldSummary.reduce((a, f) => a + Math.max(f.testPairsUnknownUser, f.testPairsUnknownItem), 0);
  if (unscored > 0) process.stderr.write(`note: about ${unscored} held-out pairs had a user or item without training pairs in their fold; left out of the scores\n`);
  for (const t of cv.trials) if (t.error) process.stderr.write(`note: trial ${row(t.params)} failed: ${t.error}\n`);
  const bestLine = `best (${cv.folds}-fold ${cv.metric}): ${keys.map((key) => `${key}=${(cv.best.params as Record<string, unknown>)[key]}`).join(' ') || 'the fixed options'}  ${cv.best.score.toFixed(4)} ± ${cv.best.std.toFixed(4)}`;
  (p.flags.has('json') ? process.stderr : process.stdout).write(bestLine + '\n');
  return {
    metric: cv.metric,
    folds: cv.folds,
    best: { ...cv.best.params, score: cv.best.score, std: cv.best.std },
    trials: cv.trials.map((t) => ({ ...t.params, mean: t.mean[cv.metric], std: t.std[cv.metric], seconds: t.seconds, ...(t.bestIterations ? { bestIterations: t.bestIterations } : {}) })),
    ...(out !== undefined ? { model: out } : {}),
  };
}

function printItems(items: ScoredItem[], json: boolean): void {
  if (json) return;
  for (const [rank, it] of items.entries()) process.stdout.write(`${String(rank + 1).padStart(3)}. ${String(it.id).padEnd(16)} ${it.score.toFixed(4)}\n`);
}

async function cmdRecommend(p: Parsed): Promise<unknown> {
  const model = await openModel(p);
  const items = model.recommend(str(p, 'user', true)!, num(p, 'k') ?? 10);
  printItems(items, p.flags.has('json'));
  return { items };
}

async function cmdSimilar(p: Parsed): Promise<unknown> {
  const model = await openModel(p);
  const items = model.similarItems(str(p, 'item', true)!, num(p, 'k') ?? 10);
  printItems(items, p.flags.has('json'));
  return { items };
}

/** Trains on the built-in catalogue and shows that the recommendations follow each user's tastes. */
async function cmdDemo(p: Parsed): Promise<unknown> {
  const json = p.flags.has('json');
  const say = (s: string) => (json ? process.stderr : process.stdout).write(s + '\n');
  const ds = builtinDataset();
  const byId = new Map<string, CatalogueItem>(ds.catalogue.map((c) => [c.id, c]));
  const data = await fromRecords(ds.events, { source: 'built-in' });
  say(`Built-in dataset: ${ds.catalogue.length} films in 10 genres, ${data.users.size} users, ${data.length} events (view / basket / purchase).`);
  say('Training implicit ALS (event weights view 1, basket 4, purchase 10; alpha 2; 32 factors) …');
  const t0 = performance.now();
  const { model, report } = await train(data, {
    feedback: 'implicit',
    eventWeights: { view: 1, basket: 4, purchase: 10 },
    alpha: 2,
    factors: 32,
    regularization: 0.1,
    iterations: 10,
  });
  say(`Trained in ${((performance.now() - t0) / 1000).toFixed(2)} s (${report.iterations} iterations, kernels: ${report.kernels}); loss ${report.loss[0].toExponential(3)} → ${report.loss[report.loss.length - 1].toExponential(3)}.`);

  const describe = (it: ScoredItem) => {
    const c = byId.get(String(it.id))!;
    return `${c.title} [${c.genre}] ${it.score.toFixed(3)}`;
  };
  let inTaste = 0;
  let shown = 0;
  for (const [user, [g1, g2]] of ds.tastes) {
    const recs = model.recommend(user, 10);
    for (const r of recs) if ([g1, g2].includes(byId.get(String(r.id))!.genre)) inTaste++;
    shown += recs.length;
  }
  const samples = ['user1', 'user2', 'user3'];
  for (const user of samples) {
    const [g1, g2] = ds.tastes.get(user)!;
    say(`\n${user} loves ${g1} and ${g2}. Top 5:`);
    for (const r of model.recommend(user, 5)) say(`  ${describe(r)}`);
  }
  const anchor = ds.catalogue[0];
  say(`\nFilms similar to "${anchor.title}" [${anchor.genre}]:`);
  for (const r of model.similarItems(anchor.id, 5)) say(`  ${describe(r)}`);

  const sciFi = ds.catalogue.filter((c) => c.genre === 'Sci-Fi').slice(0, 3);
  const t1 = performance.now();
  const fresh = model.recommendForHistory(sciFi.map((c) => ({ item: c.id, value: 4 })), 5);
  const foldMs = performance.now() - t1;
  say(`\nA new user who put 3 Sci-Fi films in the basket (fold-in, ${foldMs.toFixed(2)} ms, nothing stored):`);
  for (const r of fresh) say(`  ${describe(r)}`);
  const share = inTaste / shown;
  say(`\n${(100 * share).toFixed(1)} % of all users' top-10 recommendations fall in their two favourite genres (chance: 20 %).`);
  return { users: model.users.size, items: model.items.size, iterations: report.iterations, loss: report.loss, tasteMatch: share };
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    const msg = (e as Error).message;
    if (msg) process.stderr.write(`als-wasm: ${msg}\n\n`);
    process.stderr.write(USAGE + '\n');
    return msg ? 2 : 0;
  }
  try {
    const run = { train: cmdTrain, evaluate: cmdEvaluate, cv: cmdCv, recommend: cmdRecommend, similar: cmdSimilar, demo: cmdDemo }[parsed.command as 'train'];
    const result = await run(parsed);
    if (parsed.flags.has('json')) process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`als-wasm: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (isAlsError(e)) {
      process.stderr.write(`als-wasm: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 1;
    }
    process.stderr.write(`als-wasm: unexpected error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
