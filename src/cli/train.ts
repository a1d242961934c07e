/** `als-wasm train FILE --out MODEL`: trains (optionally tuning first) and saves the model. */
import { choiceFlag } from './flag-values.js';
import { train } from '../api/fit.js';
import type { AlsModel } from '../model/model.js';
import { OUTLIER_FLAG, refuseRatingOutliers } from './outliers.js';
import type { TrainOptions } from '../train/options.js';
import { TUNE_DEFAULT_BUDGET_SECONDS } from '../select/tune.js';
import { num, READ_FLAGS, str, UsageError, type Parsed } from './args.js';
import type { Command } from './command.js';
import { FEATURE_FLAGS, featureSummary, featureTrainOptions } from './features.js';
import { TRAIN_BOOLEAN_FLAGS, TRAIN_FLAGS, trainOptionsFromFlags } from './train-flags.js';
import { NAME_FLAGS, trainLabels } from './names.js';
import { checkTrainOptions, openModel, progressPrinter, readInteractions, refuseOutOverInputs, saveModelFile } from './shared.js';

const usage = `  als-wasm train FILE --out MODEL [--feedback explicit|implicit] [--factors 64]
      [--regularization 0.1|auto] [--weighted-regularization | --no-weighted-regularization]
      [--biases | --no-biases] [--alpha 2] [--confidence log|linear|scaled] [--epsilon auto]
      [--weighting none|bm25] [--event-weights view=3,basket=10,purchase=40] [--duplicates sum|last|max]
      [--iterations 15] [--tolerance 0] [--seed 42] [--restarts 1] [--solver cholesky|cg]
      [--cg-steps 3] [--workers CORES] [--kernels auto|relaxed|simd|scalar|reference]
      [--skip-bad-rows] [--json] [--precision f64|mixed] [--tune [--tune-budget 60]]
      [--warm-start MODEL] [--ranking implicit|rating] [--item-names FILE] [--user-names FILE]
      --ranking (rating files): implicit (default) adds a ranking head, an implicit model of
      the same pairs, for recommend/similar/explain, and keeps the rating model for predicted
      ratings (evaluate's RMSE); rating ranks by predicted rating (favours rarely rated items)
      --precision (implicit, --solver cg; default mixed): mixed gathers the other side's
      factors from an f32 copy and takes the CG products in f32 with f64 partial sums
      (faster; x, r, p and YᵀY stay f64), f64 all in f64; with --json
      the last line has "precision"
      --tune searches λ, α, the confidence form, factors (biases) and iterations on a
      held-out part of FILE within the budget (seconds, search and refit), then trains on
      all of FILE with the winner; options you give stay fixed. With --json the last line
      has "regularization" (the λ used) and "tuned": {"params", "score", "trials", "seconds"}
      --warm-start MODEL continues from MODEL's factors instead of the seeded init (users and
      items it knows by id start from their rows; new ones from the usual init); factors and
      feedback default to MODEL's and must match; not with --tune. --out may be MODEL itself
      (replaced atomically)`;

async function run(p: Parsed): Promise<unknown> {
  const file = p.positional[0];
  if (!file || p.positional.length > 1) throw new UsageError('train needs exactly one FILE');
  const out = str(p, 'out', true)!;
  // --out may replace the --warm-start MODEL (atomically), never another input.
  await refuseOutOverInputs(p, out, p.flags.has('warm-start') ? [str(p, 'warm-start')!] : []);
  const options: TrainOptions = { ...trainOptionsFromFlags(p), onProgress: progressPrinter() };
  // Out-of-range values are usage errors: refused before the file is read.
  checkTrainOptions(options);
  const budget = num(p, 'tune-budget');
  if (budget !== undefined && !(budget > 0)) throw new UsageError(`--tune-budget must be a number of seconds > 0, got ${budget}`);
  const tune = p.flags.has('tune') || budget !== undefined ? { budgetSeconds: budget ?? TUNE_DEFAULT_BUDGET_SECONDS } : undefined;
  if (tune && p.flags.has('warm-start')) throw new UsageError('--warm-start and --tune do not combine: the search starts from the seeded init (tune first, then continue that model with --warm-start)');
  // The start model is read (and checked) before the ratings, so a wrong path fails fast.
  const warmStart = p.flags.has('warm-start') ? await openModel(p, 'warm-start') : undefined;
  const features = await featureTrainOptions(p.flags); // read (and checked) before the ratings
  const labels = await trainLabels(p.flags, file); // names kept in the model, never trained on
  const data = await readInteractions(file, false, p);
  // Ratings and counts alike: a value far beyond the scale the others form is refused (issue 26).
  await refuseRatingOutliers(file, data, p.flags.has(OUTLIER_FLAG));
  const ranking = choiceFlag(p, 'ranking', ['implicit', 'rating'] as const);
  const { model, report } = await train(data, { ...options, tune, ...features, ...(warmStart ? { warmStart } : {}), ...(ranking ? { ranking } : {}) });
  if (report.workersNote) process.stderr.write(`note: trained on ${report.workersNote}\n`);
  // A λ that swamps the data leaves every factor 0: every score is the same (or the biases alone).
  if (allFactorsZero(model)) process.stderr.write(`note: every factor is 0 — the regularization (${report.regularization}) overwhelms the data, so all users get the same scores; lower --regularization\n`);
  model.setLabels(labels);
  await saveModelFile(out, model);
  process.stderr.write(`saved ${out}\n`);
  return {
    ...(warmStart ? { warmStart: str(p, 'warm-start') } : {}),
    users: model.users.size,
    items: model.items.size,
    interactions: model.seen.indptr[model.users.size],
    iterations: report.iterations,
    secondsPerIteration: report.secondsPerIteration,
    loss: report.loss,
    feedback: model.options.feedback,
    // Rating models: whether top-N comes from a ranking head ("implicit") or the predicted ratings.
    ...(model.options.feedback === 'explicit' ? { ranking: model.ranking ? 'implicit' : 'rating' } : {}),
    kernels: report.kernels,
    workers: report.workersUsed,
    // The λ (and confidence) actually used, whoever chose them.
    regularization: report.regularization,
    ...(report.confidence ? { confidence: report.confidence } : {}),
    ...(report.precision ? { precision: report.precision } : {}),
    biases: model.options.feedback === 'explicit' ? model.options.biases : undefined,
    factors: model.options.factors,
    ...featureSummary(model),
    names: { items: Object.keys(labels.items ?? {}).length, users: Object.keys(labels.users ?? {}).length },
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

/** Whether every user and item factor is exactly 0. */
function allFactorsZero(model: AlsModel): boolean {
  const { userFactors, itemFactors } = model.params;
  return itemFactors.every((x) => x === 0) && userFactors.every((x) => x === 0);
}

/** The `train` command. */
export const trainCommand: Command = {
  name: 'train',
  booleanFlags: [OUTLIER_FLAG, ...TRAIN_BOOLEAN_FLAGS],
  flags: [OUTLIER_FLAG, 'out', ...TRAIN_FLAGS, 'tune', 'tune-budget', 'warm-start', 'ranking', ...READ_FLAGS, 'json', ...FEATURE_FLAGS.train, ...NAME_FLAGS.train],
  usage,
  run,
};
