/** `als-wasm cv FILE --grid …`: k-fold cross-validation over a grid; a table on stderr, the best params last. */
import type { TrainOptions } from '../train/options.js';
import { crossValidate, type CrossValidateOptions, type CvMetric, type CvProgress } from '../api/cross-validate.js';
import { num, READ_FLAGS, str, UsageError, type Parsed } from './args.js';
import type { Command } from './command.js';
import { OUTLIER_FLAG, refuseRatingOutliers } from './outliers.js';
import { TRAIN_BOOLEAN_FLAGS, TRAIN_FLAGS, trainOptionsFromFlags } from './train-flags.js';
import { checkTrainOptions, escapeControl, readInteractions, refuseOutOverInputs, saveModelFile } from './shared.js';

const usage = `  als-wasm cv FILE [--feedback explicit|implicit] [--folds 5]
      [--grid factors=16,32,64 regularization=0.01,0.05,0.1 alpha=1,10,40]
      [--metric rmse|mae|precision|recall|map|ndcg|auc|mpr] [--k 10] [--relevant V]
      [--iterations 15] [--restarts 1] [--biases | --no-biases] [--seed 42] [--patience N]
      [--factors F] [--regularization L] [--alpha A] [--confidence linear|log|scaled]
      [--weighting none|bm25] [--epsilon E] [--weighted-regularization | --no-weighted-regularization]
      [--event-weights view=3,…] [--duplicates sum|last|max] [--tolerance T]
      [--solver cholesky|cg] [--cg-steps 3] [--precision f64|mixed] [--kernels …] [--workers N]
      [--out MODEL] [--skip-bad-rows] [--json]
      k-fold cross-validation of every combination in the grid (keys: factors,
      regularization, alpha, confidence, weighting, epsilon, iterations, cgSteps); one row per
      trial on stderr, the best params last. Ratings can select on a ranking metric of their
      recommendations (--metric ndcg --relevant 4: held-out ratings ≥ 4 are the relevant ones;
      default every held-out pair). A rating model's λ is λ on all of FILE (what --out and
      train use): each fold trains with its equivalent on its (k−1)/k share of the ratings.
      --patience N stops each fold's training after N iterations without improvement on
      its held-out part; --out refits on all the data with the best params and saves the model`;

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

async function run(p: Parsed): Promise<unknown> {
  const file = p.positional[0];
  if (!file || p.positional.length > 1) throw new UsageError('cv needs exactly one FILE');
  const gridWords = str(p, 'grid');
  const grid = gridWords === undefined ? undefined : parseGrid(gridWords);
  const out = str(p, 'out');
  if (out !== undefined) await refuseOutOverInputs(p, out);
  const keys = Object.keys(grid ?? {});
  // Column widths from the grid itself, so rows can be printed as each trial finishes.
  const width = Object.fromEntries(keys.map((key) => [key, Math.max(key.length, ...grid![key].map((v) => String(v).length))]));
  // The defaults' reference trial has no searched params: say what it is.
  const row = (params: Record<string, unknown>) => (keys.length > 0 && Object.keys(params).length === 0 ? '(the defaults)' : keys.map((key) => String(params[key]).padStart(width[key])).join('  '));
  const onProgress = (e: CvProgress) => {
    if (e.stage === 'trial' && e.trial === 0 && e.fold === 0) process.stderr.write(`${'trial'.padStart(5)}  ${keys.map((key) => key.padStart(width[key])).join('  ')}  mean ± std\n`);
    if (e.stage === 'trial-done') process.stderr.write(`${String(e.trial + 1).padStart(5)}  ${row(e.params)}  ${e.mean.toFixed(4)} ± ${e.std.toFixed(4)}\n`);
  };
  // seed and restarts are cv's own (every trial uses them); the rest fix each trial's training.
  const { seed, restarts, ...base } = trainOptionsFromFlags(p);
  const options: CrossValidateOptions = {
    folds: num(p, 'folds'),
    grid: grid as CrossValidateOptions['grid'],
    metric: str(p, 'metric') as CvMetric | undefined,
    k: num(p, 'k'),
    relevant: num(p, 'relevant'),
    restarts,
    seed,
    patience: num(p, 'patience'),
    refit: str(p, 'out') !== undefined,
    base,
    onProgress,
  };
  // The fixed training options are checked before the file is read (the rest, which depend on
  // the data's feedback, right after; every BAD_OPTION exits 2).
  checkTrainOptions(options.base!);
  const data = await readInteractions(file, false, p);
  await refuseRatingOutliers(file, data, p.flags.has(OUTLIER_FLAG));
  const cv = await crossValidate(data, options);
  if (out !== undefined && cv.model) {
    await saveModelFile(out, cv.model);
    process.stderr.write(`refit on all ${data.length} rows with the best params; model saved to ${out}\n`);
  }
  const unscored = cv.foldSummary.reduce((a, f) => a + Math.max(f.testPairsUnknownUser, f.testPairsUnknownItem), 0);
  if (unscored > 0) process.stderr.write(`note: about ${unscored} held-out pairs had a user or item without training pairs in their fold; left out of the scores\n`);
  for (const t of cv.trials) if (t.error) process.stderr.write(`note: trial ${row(t.params)} failed: ${escapeControl(t.error)}\n`);
  const picked = cv.best.reference ? 'the defaults (no grid point beat them)' : keys.map((key) => `${key}=${(cv.best.params as Record<string, unknown>)[key]}`).join(' ') || 'the fixed options';
  const bestLine = `best (${cv.folds}-fold ${cv.metric}): ${picked}  ${cv.best.score.toFixed(4)} ± ${cv.best.std.toFixed(4)}`;
  (p.flags.has('json') ? process.stderr : process.stdout).write(bestLine + '\n');
  return {
    metric: cv.metric,
    folds: cv.folds,
    best: { ...cv.best.params, score: cv.best.score, std: cv.best.std, ...(cv.best.reference ? { reference: cv.best.reference } : {}) },
    trials: cv.trials.map((t) => ({ ...t.params, mean: t.mean[cv.metric], std: t.std[cv.metric], seconds: t.seconds, ...(t.bestIterations ? { bestIterations: t.bestIterations } : {}), ...(t.reference ? { reference: t.reference } : {}) })),
    ...(out !== undefined ? { model: out } : {}),
  };
}

/** The `cv` command. */
export const cvCommand: Command = {
  name: 'cv',
  booleanFlags: [OUTLIER_FLAG, ...TRAIN_BOOLEAN_FLAGS],
  flags: [OUTLIER_FLAG, ...TRAIN_FLAGS, 'folds', 'grid', 'metric', 'k', 'relevant', 'patience', 'out', ...READ_FLAGS, 'json'],
  usage,
  run,
};
