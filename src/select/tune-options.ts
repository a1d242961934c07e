/** The options of `train(data, { tune })`: their defaults and the one check at the boundary. */
import type { TuneOptions } from './fit-types.js';
import type { Feedback } from '../train/options.js';
import { badOption, checkOptions } from '../errors.js';
import { metricsFor } from './evaluate.js';

/** Every option of {@link TuneOptions} (typed: a new option fails to compile until listed). */
const TUNE_OPTION_NAMES = Object.keys({ budgetSeconds: 1, metric: 1, k: 1, relevant: 1 } satisfies Record<keyof TuneOptions, 1>);

/** Default search budget in seconds. */
export const TUNE_DEFAULT_BUDGET_SECONDS = 60;

/** {@link TuneOptions} checked, with their defaults (`relevant` stays optional: its default depends on the evaluation). */
export type ResolvedTuneOptions = Required<Omit<TuneOptions, 'relevant'>> & Pick<TuneOptions, 'relevant'>;

/**
 * Checks `tune` (true or an options object).
 * @throws AlsError `BAD_OPTION` naming `tune.<field>`
 */
export function resolveTuneOptions(tune: true | TuneOptions, feedback: Feedback): ResolvedTuneOptions {
  const t = tune === true ? {} : tune;
  if (typeof t !== 'object' || t === null) throw badOption('tune', tune, 'true or { budgetSeconds?, metric?, k?, relevant? }');
  checkOptions(t, TUNE_OPTION_NAMES, 'tune');
  const budget = t.budgetSeconds ?? TUNE_DEFAULT_BUDGET_SECONDS;
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0) throw badOption('tune.budgetSeconds', budget, 'a finite number of seconds > 0');
  const metric = t.metric ?? (feedback === 'explicit' ? 'rmse' : 'ndcg');
  if (!metricsFor(feedback).includes(metric)) throw badOption('tune.metric', metric, `one of ${metricsFor(feedback).map((m) => `"${m}"`).join(', ')} for ${feedback} feedback`);
  const k = t.k ?? 10;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw badOption('tune.k', k, 'an integer ≥ 1');
  const relevant = t.relevant;
  if (relevant !== undefined && (typeof relevant !== 'number' || Number.isNaN(relevant))) throw badOption('tune.relevant', relevant, 'a number: a held-out pair whose value is ≥ it is relevant');
  return { budgetSeconds: budget, metric, k, ...(relevant !== undefined ? { relevant } : {}) };
}
