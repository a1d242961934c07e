/**
 * Training with side information: resolve what the real data decides (ε, λ, tuned options),
 * augment the data with the features' pseudo rows (features/augment.ts), train as usual, then split
 * the pseudo rows off into the model's features (features/separate.ts).
 */
import { buildMatrix } from '../data/csr.js';
import type { Interactions } from '../data/types.js';
import { badOption } from '../errors.js';
import { medianPositive } from '../train/confidence.js';
import { weightMatrix } from '../train/weighting.js';
import { resolveTrainOptions, type Feedback } from '../train/options.js';
import { calibrateRegularization, resolveTuneOptions, tuneOptions, type RegularizationCalibration, type TuneOptions } from '../select/tune.js';
import type { FitOptions, TrainResult } from '../select/fit-types.js';
import { augment, normalizeFeatures, PSEUDO_EVENT } from '../features/augment.js';
import { separate } from '../features/separate.js';
import type { FeatureOptions } from '../features/types.js';

/** Default `featureWeight`. */
export const FEATURE_WEIGHT_DEFAULT = 1;

/**
 * {@link train} with `itemFeatures` / `userFeatures`.
 * @param data - the real interactions
 * @param options - training options with the feature options
 * @param feedback - the feedback the data suggests when `options.feedback` is not given
 * @param trainPlain - `train` without features (same hooks)
 * @returns the model (real users and items only; the features in `model.features`) and the report
 * @throws AlsError `BAD_OPTION` for malformed features or `featureWeight`; as `train`
 */
export async function trainWithFeatures(
  data: Interactions,
  options: FitOptions & FeatureOptions,
  feedback: Feedback,
  trainPlain: (d: Interactions, o: FitOptions) => Promise<TrainResult>,
): Promise<TrainResult> {
  const { itemFeatures, userFeatures, featureWeight, tune, ...rest } = options;
  const weight = featureWeight ?? FEATURE_WEIGHT_DEFAULT;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) throw badOption('featureWeight', weight, 'a finite number > 0');
  const items = itemFeatures === undefined ? undefined : normalizeFeatures(itemFeatures, 'itemFeatures');
  const users = userFeatures === undefined ? undefined : normalizeFeatures(userFeatures, 'userFeatures');
  // `validation` and `warmStart` go to the training run as they are; the rest are training options.
  const { validation: _v, warmStart: _s, ranking: _r, ...trainOnly } = rest;
  let params: FitOptions = { ...rest };
  // The options are chosen on the real data alone: pseudo rows are no users to score.
  if (tune !== undefined && tune !== false) {
    const fb = resolveTrainOptions(trainOnly, feedback).feedback;
    const spec = resolveTuneOptions(tune as true | TuneOptions, fb);
    const tuned = await tuneOptions(data, { ...trainOnly, feedback: fb }, fb, spec, trainPlain, { onProgress: options.onProgress, signal: options.signal });
    const result = await trainWithFeatures(data, { ...options, tune: undefined, ...tuned.params }, feedback, trainPlain);
    result.report.tuned = tuned;
    return result;
  }
  const opts = resolveTrainOptions(trainOnly, feedback);
  // The values as training will see them (BM25-weighted with weighting: 'bm25'), for ε and the unit of a pseudo value.
  const { matrix } = weightMatrix(buildMatrix(data, { duplicates: opts.duplicates, eventWeights: opts.eventWeights }), opts.feedback === 'implicit' ? opts.weighting : 'none');
  const values = matrix.byUser.values;
  let unit: number;
  let mean = 0;
  let calibration: RegularizationCalibration | undefined;
  if (opts.feedback === 'implicit') {
    unit = medianPositive(values);
    if (opts.autoEpsilon) params.epsilon = unit;
    if (opts.autoRegularization) {
      const base = { ...trainOnly, feedback: 'implicit' as const, confidence: opts.confidence, alpha: opts.alpha, epsilon: (params.epsilon as number) ?? opts.epsilon };
      const c = await calibrateRegularization(data, base, matrix, trainPlain, options.signal);
      if (c) {
        params.regularization = c.regularization;
        calibration = c.calibration;
      }
    }
  } else {
    for (let j = 0; j < values.length; j++) mean += values[j] / values.length;
    let ss = 0;
    for (let j = 0; j < values.length; j++) ss += (values[j] - mean) ** 2;
    unit = Math.sqrt(ss / Math.max(1, values.length)) || 1;
  }
  if (!(unit > 0)) unit = 1;
  params = { ...params, feedback: opts.feedback };
  const aug = augment(data, items, users, { feedback: opts.feedback, weight, unit, mean, seed: opts.seed });
  if (aug.data.event && opts.eventWeights) params.eventWeights = { ...opts.eventWeights, [PSEUDO_EVENT]: 1 };
  const trained = await trainPlain(aug.data, params);
  if (calibration) trained.report.regularizationCalibration = calibration;
  // The model says how ε and λ were chosen, as a model trained without features would.
  const model = await separate(trained.model, aug, { weight, unit }, { autoEpsilon: opts.autoEpsilon, autoRegularization: opts.autoRegularization });
  return { model, report: trained.report };
}
