#!/usr/bin/env node
/**
 * The als-wasm command line: train / evaluate / cv / recommend (also --users, a batch) / similar /
 * similar-users / users-for-item / update / explain / import / export / demo.
 * Progress and tables go to stderr (tables to stdout without --json); with --json the last
 * line of stdout is one JSON object. Bad input exits 1 with a one-line message naming the
 * file and line; bad usage exits 2.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { train } from './als/fit.js';
import type { AlsModel, ScoredItem } from './als/model.js';
import { resolveTrainOptions, type TrainOptions } from './als/options.js';
import { builtinDataset, type CatalogueItem } from './data/builtin.js';
import { fromRecords, parseChunks } from './data/parse.js';
import type { ParseOptions } from './data/parse-options.js';
import type { Interactions } from './data/types.js';
import { AlsError, isAlsError } from './errors.js';
import { crossValidate, type CrossValidateOptions, type CvMetric, type CvProgress } from './eval/cross-validate.js';
import { evaluateModel } from './eval/evaluate.js';
import { TUNE_DEFAULT_BUDGET_SECONDS } from './eval/tune.js';
import { isSameFile, writeFileAtomic } from './io/atomic-write.js';
import { loadModel, saveModel } from './io/model-file.js';
import { hardwareThreads, maxWorkers } from './parallel/cores.js';
import type { CliCommand, CliContext } from './cli/command.js';
import { updateCommand } from './cli/update.js';
import { RECOMMEND_BATCH_FLAGS, RECOMMEND_BATCH_USAGE, recommendBatch } from './cli/recommend-batch.js';
import { similarUsersCommand } from './cli/similar-users.js';
import { usersForItemCommand } from './cli/users-for-item.js';
import { candidatesOption, FEATURE_FLAGS, FEATURE_USAGE, featureSummary, featureTrainOptions, withItemFeatures } from './cli/features.js';
import { escapeControl } from './cli/escape.js';
import { explainCommand } from './cli/explain.js';
import { exportCommand } from './cli/export.js';
import { historyFlag, idListFlag } from './cli/flag-values.js';
import { importCommand } from './cli/import.js';
import { MORE_TRAIN_FLAGS, moreTrainOptions } from './cli/train-flags.js';

/** A usage mistake (exit code 2). */
class UsageError extends Error {}

/** Commands kept in modules of their own (src/cli/): registered here, one line each. */
const MODULE_COMMANDS: CliCommand[] = [updateCommand, similarUsersCommand, usersForItemCommand, explainCommand, importCommand, exportCommand];

const USAGE = `als-wasm — on-device ALS recommender (WebAssembly)

Usage:
  als-wasm train FILE --out MODEL [--feedback explicit|implicit] [--factors 64]
      [--regularization 0.1|auto] [--weighted-regularization | --no-weighted-regularization]
      [--biases | --no-biases] [--alpha 2] [--confidence log|linear|scaled] [--epsilon auto]
      [--weighting none|bm25] [--event-weights view=3,basket=10,purchase=40] [--duplicates sum|last|max]
      [--iterations 15] [--tolerance 0] [--seed 42] [--restarts 1] [--solver cholesky|cg]
      [--cg-steps 3] [--workers CORES] [--kernels auto|relaxed|simd|scalar|reference]
      [--skip-bad-rows] [--json] [--precision f64|mixed] [--tune [--tune-budget 60]]
      --precision (implicit, --solver cg; default mixed): mixed keeps the CG steps' gathered
      factors in f32 (faster; x, r and the residual stay f64), f64 all in f64; with --json
      the last line has "precision"
      --tune searches λ, α, the confidence form, factors (biases) and iterations on a
      held-out part of FILE within the budget (seconds, search and refit), then trains on
      all of FILE with the winner; options you give stay fixed. With --json the last line
      has "regularization" (the λ used) and "tuned": {"params", "score", "trials", "seconds"}
  als-wasm evaluate --model MODEL --test FILE [--k 10] [--skip-bad-rows] [--json]
  als-wasm cv FILE [--feedback explicit|implicit] [--folds 5]
      [--grid factors=16,32,64 regularization=0.01,0.05,0.1 alpha=1,10,40]
      [--metric rmse|mae|precision|recall|map|ndcg|auc|mpr] [--k 10]
      [--iterations 15] [--restarts 1] [--biases] [--seed 42] [--patience N]
      [--factors F] [--regularization L] [--alpha A] [--confidence linear|log|scaled]
      [--weighting none|bm25] [--epsilon E] [--weighted-regularization | --no-weighted-regularization]
      [--event-weights view=3,…] [--duplicates sum|last|max] [--tolerance T]
      [--solver cholesky|cg] [--cg-steps 3] [--kernels …] [--workers N]
      [--out MODEL] [--skip-bad-rows] [--json]
      k-fold cross-validation of every combination in the grid (keys: factors,
      regularization, alpha, confidence, weighting, epsilon, iterations, cgSteps); one row per
      trial on stderr, the best params last. --patience N stops each fold's training
      after N iterations without improvement on its held-out part; --out refits on
      all the data with the best params and saves the model
  als-wasm recommend --model MODEL (--user ID | --history ITEM:VALUE,…) [--k 10]
      [--exclude IDS|@FILE] [--candidates IDS|@FILE] [--include-seen] [--json]
      --history folds in a user who is not in the model (ITEM alone means value 1);
      --exclude leaves items out, --candidates ranks only those items, --include-seen keeps
      the user's training (or history) items. IDS: a,b,c; @FILE: one id per line
${RECOMMEND_BATCH_USAGE}
  als-wasm similar --model MODEL --item ID [--k 10] [--json]
${MODULE_COMMANDS.map((c) => c.usage).join('\n')}
  als-wasm demo            train on the built-in dataset and show recommendations
${FEATURE_USAGE}

FILE: CSV (with or without header), TSV, MovieLens u.data / ratings.dat / ratings.csv,
auto-detected. Columns: user, item[, value[, timestamp]]. train, evaluate, cv and update also take
--skip-bad-rows (skip rows that cannot be read; their count and the first one go to stderr),
--delimiter D (tab for a tab), --decimal .|, and --max-line-length N (default 4194304).
--workers N: 1 … 4 × the cores here (at most 64). --out must not name an input file; the
model is written to a temporary file and renamed over MODEL, so a failed write leaves the
previous MODEL intact. Bad usage (an unknown flag, a value out of range) exits 2; bad input
or a failed run exits 1.`;

/** Flags that take no value. */
const BOOLEAN_FLAGS = new Set(['json', 'weighted-regularization', 'no-weighted-regularization', 'biases', 'no-biases', 'tune', 'skip-bad-rows', 'include-seen', 'help']);
/** Flags of the commands that read a ratings file (the library's parse options `onBadRow`, `delimiter`, `decimal`, `maxLineLength`). */
const READ_FLAGS = ['skip-bad-rows', 'delimiter', 'decimal', 'max-line-length'];
/** Every flag each command accepts. */
const COMMAND_FLAGS: Record<string, string[]> = {
  train: ['out', 'feedback', 'factors', 'regularization', 'weighted-regularization', 'no-weighted-regularization', 'biases', 'no-biases', 'alpha', 'confidence', 'epsilon', 'weighting', 'tune', 'tune-budget', 'iterations', 'tolerance', 'seed', 'restarts', 'solver', 'precision', 'workers', ...MORE_TRAIN_FLAGS, ...READ_FLAGS, 'json', ...FEATURE_FLAGS.train],
  evaluate: ['model', 'test', 'k', ...READ_FLAGS, 'json', ...FEATURE_FLAGS.evaluate],
  cv: ['feedback', 'folds', 'grid', 'metric', 'k', 'iterations', 'restarts', 'biases', 'no-biases', 'seed', 'patience', 'factors', 'regularization', 'alpha', 'confidence', 'weighting', 'epsilon', 'weighted-regularization', 'no-weighted-regularization', 'tolerance', 'solver', 'workers', ...MORE_TRAIN_FLAGS, 'out', ...READ_FLAGS, 'json'],
  recommend: ['model', 'user', 'history', 'k', 'exclude', 'candidates', 'include-seen', ...RECOMMEND_BATCH_FLAGS, 'json', ...FEATURE_FLAGS.recommend],
  similar: ['model', 'item', 'k', 'json'],
  demo: ['json'],
  ...Object.fromEntries(MODULE_COMMANDS.map((c) => [c.name, c.flags])),
};
for (const c of MODULE_COMMANDS) for (const b of c.booleanFlags ?? []) BOOLEAN_FLAGS.add(b);

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

/** `--delimiter` (`tab` for a tab), `--decimal`, `--max-line-length`: parse options, checked by the parser (BAD_OPTION exits 2). */
function readFlags(p: Parsed): Pick<ParseOptions, 'delimiter' | 'decimal' | 'maxLineLength'> {
  const delimiter = str(p, 'delimiter');
  return {
    delimiter: delimiter === 'tab' ? '\t' : delimiter,
    decimal: str(p, 'decimal') as ParseOptions['decimal'],
    maxLineLength: num(p, 'max-line-length'),
  };
}

/** `--k`: an integer ≥ 1 (default 10), checked before any file is read. */
function kFlag(p: Parsed): number {
  const k = num(p, 'k') ?? 10;
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`--k must be an integer ≥ 1, got "${str(p, 'k')}"`);
  return k;
}

/**
 * `--workers N`: an integer in [1, maxWorkers()] — 4 × the cores here, at most 64 (more threads
 * than cores only cost memory; the library would clamp them with a note).
 */
function workersFlag(p: Parsed): number | undefined {
  const w = num(p, 'workers');
  if (w === undefined) return undefined;
  const max = maxWorkers();
  if (!Number.isInteger(w) || w < 1 || w > max) {
    throw new UsageError(`--workers must be an integer in [1, ${max}] (at most 4 × the ${hardwareThreads()} cores here, and 64), got "${str(p, 'workers')}"`);
  }
  return w;
}

/**
 * Validates training options before any file is read, so that an out-of-range value is a usage
 * error at once. Without `--feedback` the data decides it later: accepted if valid for either.
 * @throws AlsError `BAD_OPTION` (exit 2)
 */
function checkTrainOptions(options: TrainOptions): void {
  const probe = { ...options, onProgress: undefined };
  if (options.feedback !== undefined) {
    resolveTrainOptions(probe, options.feedback);
    return;
  }
  try {
    resolveTrainOptions(probe, 'explicit');
  } catch {
    resolveTrainOptions(probe, 'implicit');
  }
}

/**
 * Refuses an `--out` that names an input file — the same path, a hard link or a symbolic
 * link to it — before any work: writing the model there would destroy the data.
 * @throws UsageError (exit 2)
 */
async function refuseOutOverInputs(out: string, inputs: string[]): Promise<void> {
  for (const input of inputs) {
    if (await isSameFile(out, input)) {
      throw new UsageError(`--out ${out} is the input file ${input}${out === input ? '' : ' (the same file through a link)'}; writing the model there would destroy the data. Choose another --out path.`);
    }
  }
}

/** Saves a model file atomically: the previous file at `out` stays intact if writing fails. */
async function saveModelFile(out: string, model: AlsModel): Promise<void> {
  try {
    await writeFileAtomic(out, saveModel(model));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new AlsError('IO_ERROR', `Cannot write the model to ${out}: ${err.message}. Nothing was changed at ${out}; free some space or choose another --out path.`, { path: out, errno: err.code });
  }
}


/**
 * Library advice, said in CLI words: the library's messages name its API options
 * (`onBadRow: 'skip'`, `Option "factors"`), which this command may offer as flags.
 */
function cliAdvice(message: string, command: string, badOption: boolean): string {
  const flags = COMMAND_FLAGS[command] ?? [];
  const said = message
    .replace(/onBadRow: 'skip'/g, '--skip-bad-rows')
    .replace(/decimal: '([.,])'/g, '--decimal $1')
    .replace(/the decimal option \('\.' or ','\)/g, '--decimal . or --decimal ,')
    .replace(/the delimiter or format option/g, "--delimiter (e.g. --delimiter ';' or --delimiter tab)")
    .replace(/a larger maxLineLength/g, 'a larger --max-line-length')
    .replace(/\(maxLineLength\)/g, '(--max-line-length)')
    .replace(/or use (implicit|explicit) feedback\./g, 'or pass --feedback $1.')
    .replace(/solver: "(cholesky|cg)"/g, '--solver $1')
    .replace(/confidence: 'log'/g, '--confidence log');
  if (!badOption) return said;
  return said.replace(/^Option "([a-zA-Z]+)"/, (whole, name: string) => {
    const flag = name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    return flags.includes(flag) ? `--${flag}` : whole;
  });
}

/**
 * Reads a delimited file as a stream, reporting parse progress on stderr. With `--skip-bad-rows`
 * (the library's `onBadRow: 'skip'`) bad rows are skipped and their count reported on stderr.
 */
async function readInteractions(path: string, quiet: boolean, p: Parsed): Promise<Interactions> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new AlsError('IO_ERROR', `Cannot read ${path}: ${(e as Error).message}`, { path });
  }
  let lastReport = 0;
  const data = await parseChunks(createReadStream(path), {
    source: basename(path),
    bytesTotal: size,
    onBadRow: p.flags.has('skip-bad-rows') ? 'skip' : 'error',
    ...readFlags(p),
    onProgress: (p) => {
      const t = Date.now();
      if (quiet || t - lastReport < 500) return;
      lastReport = t;
      process.stderr.write(`parsing ${basename(path)}: ${p.rows} rows, ${Math.round((100 * p.bytesRead) / Math.max(1, size))} %\n`);
    },
  });
  if (data.skipped.count > 0) {
    const first = data.skipped.examples[0];
    process.stderr.write(`skipped ${data.skipped.count} bad rows of ${basename(path)}${first ? ` (first: line ${first.line}: ${escapeControl(first.reason)})` : ''}\n`);
  }
  return data;
}

function progressPrinter(): TrainOptions['onProgress'] {
  return (p) => {
    if (p.stage === 'init') {
      process.stderr.write(`training: ${p.users} users × ${p.items} items, ${p.interactions} interactions, f = ${p.factors}, kernels: ${p.kernels}${p.restart > 0 ? `, restart ${p.restart + 1}` : ''}\n`);
    } else if (p.stage === 'iteration') {
      process.stderr.write(`iteration ${String(p.iteration).padStart(3)}  loss ${p.loss.toExponential(6)}  ${p.seconds.toFixed(3)} s  ${p.gflops.toFixed(1)} GFLOP/s\n`);
    } else if (p.stage === 'tune') {
      const q = p.params;
      const what = [`f ${q.factors}`, `λ ${q.regularization.toPrecision(3)}`, q.confidence && `${q.confidence} α ${q.alpha!.toPrecision(3)}`, q.weighting === 'bm25' && 'BM25', q.biases !== undefined && (q.biases ? 'biases' : 'no biases')].filter(Boolean).join(', ');
      process.stderr.write(`tune run ${String(p.trial).padStart(2)} (rung ${p.rung}): ${what} → ${Number.isNaN(p.score) ? 'failed' : p.score.toFixed(4)} after ${q.iterations} its, ${p.seconds.toFixed(1)} s\n`);
    }
  };
}

async function cmdTrain(p: Parsed): Promise<unknown> {
  const file = p.positional[0];
  if (!file || p.positional.length > 1) throw new UsageError('train needs exactly one FILE');
  const out = str(p, 'out', true)!;
  await refuseOutOverInputs(out, [file]);
  const options: TrainOptions = {
    feedback: str(p, 'feedback') as TrainOptions['feedback'],
    factors: num(p, 'factors'),
    regularization: str(p, 'regularization') === 'auto' ? 'auto' : num(p, 'regularization'),
    // ALS-WR is the default for explicit feedback; --no-weighted-regularization turns it off.
    weightedRegularization: p.flags.has('no-weighted-regularization') ? false : p.flags.has('weighted-regularization') || undefined,
    biases: biasesFlag(p),
    alpha: num(p, 'alpha'),
    confidence: str(p, 'confidence') as TrainOptions['confidence'],
    weighting: str(p, 'weighting') as TrainOptions['weighting'],
    epsilon: str(p, 'epsilon') === 'auto' ? 'auto' : num(p, 'epsilon'),
    iterations: num(p, 'iterations'),
    tolerance: num(p, 'tolerance'),
    seed: num(p, 'seed'),
    restarts: num(p, 'restarts'),
    solver: str(p, 'solver') as TrainOptions['solver'],
    precision: str(p, 'precision') as TrainOptions['precision'],
    workers: workersFlag(p),
    ...moreTrainOptions(cliContext(p)),
    onProgress: progressPrinter(),
  };
  // Out-of-range values are usage errors: refused before the file is read.
  checkTrainOptions(options);
  const budget = num(p, 'tune-budget');
  if (budget !== undefined && !(budget > 0)) throw new UsageError(`--tune-budget must be a number of seconds > 0, got ${budget}`);
  const tune = p.flags.has('tune') || budget !== undefined ? { budgetSeconds: budget ?? TUNE_DEFAULT_BUDGET_SECONDS } : undefined;
  const features = await featureTrainOptions(p.flags); // read (and checked) before the ratings
  const data = await readInteractions(file, false, p);
  const { model, report } = await train(data, { ...options, tune, ...features });
  if (report.workersNote) process.stderr.write(`note: trained on ${report.workersNote}\n`);
  await saveModelFile(out, model);
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
    // The λ (and confidence) actually used, whoever chose them.
    regularization: report.regularization,
    ...(report.confidence ? { confidence: report.confidence } : {}),
    ...(report.precision ? { precision: report.precision } : {}),
    biases: model.options.feedback === 'explicit' ? model.options.biases : undefined,
    factors: model.options.factors,
    ...featureSummary(model),
    ...(report.regularizationCalibration ? { regularizationCalibration: report.regularizationCalibration } : {}),
    ...(report.tuned
      ? {
          tuned: {
            params: report.tuned.params,
            score: report.tuned.score,
            metric: report.tuned.metric,
            k: report.tuned.k,
            trials: report.tuned.trials.map((t) => ({ params: t.params, rung: t.rung, solver: t.solver, score: t.score, seconds: t.seconds, ...(t.error ? { error: t.error } : {}) })),
            seconds: report.tuned.seconds,
          },
        }
      : {}),
  };
}

/** `--biases` / `--no-biases` (explicit feedback learns biases by default). */
function biasesFlag(p: Parsed): boolean | undefined {
  if (p.flags.has('biases') && p.flags.has('no-biases')) throw new UsageError('--biases and --no-biases contradict each other');
  return p.flags.has('no-biases') ? false : p.flags.has('biases') ? true : undefined;
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
  const k = kFlag(p);
  const model = await openModel(p);
  const test = await readInteractions(str(p, 'test', true)!, true, p);
  const r = evaluateModel(model, test, { k, ...(await candidatesOption(p.flags)) });
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
const STRING_GRID_KEYS = new Set(['confidence', 'weighting']);

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
  const out = str(p, 'out');
  if (out !== undefined) await refuseOutOverInputs(out, [file]);
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
      biases: biasesFlag(p),
      factors: num(p, 'factors'),
      regularization: str(p, 'regularization') === 'auto' ? 'auto' : num(p, 'regularization'),
      alpha: num(p, 'alpha'),
      confidence: str(p, 'confidence') as TrainOptions['confidence'],
      weighting: str(p, 'weighting') as TrainOptions['weighting'],
      epsilon: str(p, 'epsilon') === 'auto' ? 'auto' : num(p, 'epsilon'),
      weightedRegularization: p.flags.has('no-weighted-regularization') ? false : p.flags.has('weighted-regularization') || undefined,
      tolerance: num(p, 'tolerance'),
      solver: str(p, 'solver') as TrainOptions['solver'],
      workers: workersFlag(p),
      ...moreTrainOptions(cliContext(p)),
    },
    onProgress,
  };
  // The fixed training options are checked before the file is read (the rest, which depend on
  // the data's feedback, right after; every BAD_OPTION exits 2).
  checkTrainOptions(options.base!);
  const data = await readInteractions(file, false, p);
  const cv = await crossValidate(data, options);
  if (out !== undefined && cv.model) {
    await saveModelFile(out, cv.model);
    process.stderr.write(`refit on all ${data.length} rows with the best params; model saved to ${out}\n`);
  }
  const unscored = cv.foldSummary.reduce((a, f) => a + Math.max(f.testPairsUnknownUser, f.testPairsUnknownItem), 0);
  if (unscored > 0) process.stderr.write(`note: about ${unscored} held-out pairs had a user or item without training pairs in their fold; left out of the scores\n`);
  for (const t of cv.trials) if (t.error) process.stderr.write(`note: trial ${row(t.params)} failed: ${escapeControl(t.error)}\n`);
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
  // Ids come from user files: control characters (terminal escapes) are shown escaped, never sent raw.
  for (const [rank, it] of items.entries()) process.stdout.write(`${String(rank + 1).padStart(3)}. ${escapeControl(String(it.id)).padEnd(16)} ${it.score.toFixed(4)}\n`);
}

async function cmdRecommend(p: Parsed): Promise<unknown> {
  if (p.flags.has('users') && p.flags.has('item-features')) throw new UsageError('--item-features takes one --user (add the items with a single recommend first, or retrain with them)');
  if (p.flags.has('users')) {
    // The batch form ranks known users over all items; the filters and fold-in are per user.
    const perUser = ['history', 'exclude', 'candidates', 'include-seen'].filter((f) => p.flags.has(f));
    if (perUser.length > 0) throw new UsageError(`--${perUser[0]} applies to one user (--user or --history), not to --users`);
    return recommendBatch(cliContext(p));
  }
  const ctx = cliContext(p);
  const history = historyFlag(ctx);
  const user = str(p, 'user', history === undefined);
  if (user !== undefined && history !== undefined) throw new UsageError('give --user (a user of the model) or --history (a new user), not both');
  const k = kFlag(p);
  const opts = { filterSeen: !p.flags.has('include-seen'), exclude: idListFlag(ctx, 'exclude'), candidates: idListFlag(ctx, 'candidates') };
  const model = await withItemFeatures(await openModel(p), p.flags);
  if (history !== undefined) {
    const items = model.recommendForHistory(history, k, opts);
    if (items.unknownItems.length > 0) process.stderr.write(`note: ${items.unknownItems.length} history items are not in the model (first: ${escapeControl(String(items.unknownItems[0]))}); left out\n`);
    if (items.fallback) process.stderr.write(`note: no history item is known: the most popular items instead (fallback: ${items.fallback})\n`);
    printItems(items, p.flags.has('json'));
    return { items: [...items], unknownItems: items.unknownItems, fallback: items.fallback };
  }
  let items: ScoredItem[];
  try {
    items = model.recommend(user!, k, opts);
  } catch (e) {
    // The library's advice names its API (recommendForHistory); the CLI's fold-in is --history.
    if (isAlsError(e) && e.code === 'UNKNOWN_USER') {
      throw new AlsError('UNKNOWN_USER', `Unknown user ${JSON.stringify(user)}: not in the model's training data. Fold them in with --history ITEM:VALUE,… instead, or add their rows to the training file and train again.`, e.details);
    }
    throw e;
  }
  printItems(items, p.flags.has('json'));
  return { items };
}

async function cmdSimilar(p: Parsed): Promise<unknown> {
  const item = str(p, 'item', true)!;
  const k = kFlag(p);
  const model = await openModel(p);
  const items = model.similarItems(item, k);
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

/** The helpers a module command runs with (see src/cli/command.ts). */
function cliContext(p: Parsed): CliContext {
  return {
    positional: p.positional,
    has: (name) => p.flags.has(name),
    str: (name, required) => str(p, name, required),
    usageError: (message) => new UsageError(message),
    readInteractions: (path) => readInteractions(path, false, p),
    openModel: () => openModel(p),
    modelPath: () => str(p, 'model', true)!,
    refuseOutOverInputs,
    saveModelFile,
    k: () => kFlag(p),
    printItems: (items) => printItems(items, p.flags.has('json')),
    escape: escapeControl,
  };
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
    const inModule = MODULE_COMMANDS.find((c) => c.name === parsed.command);
    const run = { train: cmdTrain, evaluate: cmdEvaluate, cv: cmdCv, recommend: cmdRecommend, similar: cmdSimilar, demo: cmdDemo }[parsed.command as 'train'];
    const result = inModule ? await inModule.run(cliContext(parsed)) : await run(parsed);
    // JSON.stringify escapes C0 controls; escapeControl also escapes DEL, C1 and bidi controls
    // (only found inside strings, so the line stays valid JSON with the same values).
    // undefined: the command wrote its JSON lines itself (recommend --users).
    if (parsed.flags.has('json') && result !== undefined) process.stdout.write(escapeControl(JSON.stringify(result)) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`als-wasm: ${escapeControl(e.message)}\n\n${USAGE}\n`);
      return 2;
    }
    if (isAlsError(e)) {
      // Messages may quote ids and lines from user files: control characters are escaped.
      process.stderr.write(`als-wasm: ${escapeControl(cliAdvice(e.message.replace(/\s*\n\s*/g, ' '), parsed.command, e.code === 'BAD_OPTION'))}\n`);
      // An option value the library refuses came from a flag: bad usage, like the checks above.
      return e.code === 'BAD_OPTION' ? 2 : 1;
    }
    process.stderr.write(`als-wasm: unexpected error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
