/**
 * Training options that only mean something for one feedback type or one solver. Given where
 * they do not apply they would be ignored silently (an `alpha` with explicit ratings changes
 * nothing), so they are refused, saying why. Range checks come first (options.ts); this runs
 * on options whose values are already valid.
 */
import { AlsError } from '../errors.js';
import type { Feedback, ResolvedTrainOptions, Solver, TrainOptions } from './option-types.js';

/** Why an option applies only in some settings, and where. */
interface Rule {
  /** Whether the option applies with this feedback and solver. */
  applies(feedback: Feedback, solver: Solver): boolean;
  /** Where it applies, as a phrase ("implicit feedback"). */
  where: string;
  /** What it does, so the message says why it cannot apply here. */
  what: string;
}

/** The options that do not apply everywhere; every other option applies to every run. */
const RULES: { [K in keyof TrainOptions]?: Rule } = {
  biases: { applies: (f) => f === 'explicit', where: 'explicit feedback', what: 'it adds user and item rating biases to the squared error on ratings' },
  weightedRegularization: { applies: (f) => f === 'explicit', where: 'explicit feedback', what: 'it scales λ by each row’s rating count (ALS-WR)' },
  alpha: { applies: (f) => f === 'implicit', where: 'implicit feedback', what: 'it scales the confidence c = 1 + α·r of implicit values' },
  confidence: { applies: (f) => f === 'implicit', where: 'implicit feedback', what: 'it is the form of the implicit confidence c' },
  epsilon: { applies: (f) => f === 'implicit', where: 'implicit feedback', what: 'it is the ε of the implicit log confidence 1 + α·ln(1 + r/ε)' },
  eventWeights: { applies: (f) => f === 'implicit', where: 'implicit feedback', what: 'it turns event types into implicit strengths r = Σ weight(event); explicit ratings come from the value column' },
  weighting: { applies: (f) => f === 'implicit', where: 'implicit feedback', what: 'it weights implicit counts (BM25) before the confidence form' },
  cgSteps: { applies: (_f, s) => s === 'cg', where: 'solver: "cg"', what: 'it is the number of conjugate-gradient steps; the Cholesky solver solves each row exactly' },
  precision: { applies: (f, s) => f === 'implicit' && s === 'cg', where: 'implicit feedback with solver: "cg"', what: 'it is the number format of the implicit conjugate-gradient products' },
};

/**
 * Refuses an option that does not apply to this run's feedback or solver.
 * @param opts - the caller's training options (only the ones given are checked)
 * @param resolved - the run's feedback and solver, after defaults
 * @throws AlsError `BAD_OPTION` with `details: { option, value, allowed, reason: 'inapplicable', feedback, solver }`
 */
export function checkApplicable(opts: TrainOptions, resolved: Pick<ResolvedTrainOptions, 'feedback' | 'solver'>): void {
  for (const [name, rule] of Object.entries(RULES) as [keyof TrainOptions, Rule][]) {
    const value = opts[name];
    if (value === undefined || rule.applies(resolved.feedback, resolved.solver)) continue;
    const here =
      name === 'cgSteps' ? `solver: "${resolved.solver}"`
      : name === 'precision' ? `${resolved.feedback} feedback with solver: "${resolved.solver}"`
      : `${resolved.feedback} feedback`;
    const allowed = `omitted with ${here} (it applies only to ${rule.where})`;
    throw new AlsError(
      'BAD_OPTION',
      `Option "${name}" must be ${allowed}: ${rule.what}. Remove it, or use ${rule.where}.`,
      { option: name, value: typeof value === 'object' ? JSON.stringify(value) : String(value), allowed, reason: 'inapplicable', feedback: resolved.feedback, solver: resolved.solver },
    );
  }
}

/**
 * The options of a stored model (resolved options list every field) without those that do not
 * apply to its feedback and solver, so they can be validated again with `resolveTrainOptions`.
 */
export function withoutInapplicable<T extends TrainOptions>(opts: T): T {
  const feedback = opts.feedback ?? 'implicit';
  const solver = opts.solver ?? 'cholesky';
  const out = { ...opts };
  for (const [name, rule] of Object.entries(RULES) as [keyof TrainOptions, Rule][]) {
    if (!rule.applies(feedback, solver)) delete out[name];
  }
  return out;
}
