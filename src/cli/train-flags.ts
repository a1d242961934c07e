/**
 * The training flags, one table: each CLI flag, the library option it sets and how its text is
 * read. `train` and `cv` take their training options from it (a flag added here is a flag of
 * both); the library checks ranges and choices before any file is read, and its refusals name
 * the flag (main.ts). Usage mistakes in the text itself (not a number, `--x` with `--no-x`)
 * exit 2 here.
 */
import type { TrainOptions } from '../train/options.js';
import { choiceFlag, eventWeightsFlag } from './flag-values.js';
import { num, str, UsageError, workersFlag, type Parsed } from './args.js';

/** How one flag's text becomes an option value (undefined when the flag is absent). */
type FlagReader = (p: Parsed, flag: string) => unknown;

/** One training flag: `--flag` sets `option`; an on/off flag also has `--no-flag`. */
interface TrainFlag {
  flag: string;
  option: keyof TrainOptions;
  read: FlagReader;
}

const text: FlagReader = (p, flag) => str(p, flag);
const number: FlagReader = (p, flag) => num(p, flag);
const numberOrAuto: FlagReader = (p, flag) => (str(p, flag) === 'auto' ? 'auto' : num(p, flag));
const choice = (choices: readonly string[]): FlagReader => (p, flag) => choiceFlag(p, flag, choices);
/** `--flag` → true, `--no-flag` → false, neither → the library's default. */
const onOff: FlagReader = (p, flag) => {
  const on = p.flags.has(flag);
  const off = p.flags.has(`no-${flag}`);
  if (on && off) throw new UsageError(`--${flag} and --no-${flag} contradict each other`);
  return off ? false : on ? true : undefined;
};

/** Every training flag, in the order of `train --help`. */
const TABLE: readonly TrainFlag[] = [
  { flag: 'feedback', option: 'feedback', read: text },
  { flag: 'factors', option: 'factors', read: number },
  { flag: 'regularization', option: 'regularization', read: numberOrAuto },
  // ALS-WR is the default for explicit feedback; --no-weighted-regularization turns it off.
  { flag: 'weighted-regularization', option: 'weightedRegularization', read: onOff },
  { flag: 'biases', option: 'biases', read: onOff },
  { flag: 'alpha', option: 'alpha', read: number },
  { flag: 'confidence', option: 'confidence', read: text },
  { flag: 'epsilon', option: 'epsilon', read: numberOrAuto },
  { flag: 'weighting', option: 'weighting', read: text },
  { flag: 'event-weights', option: 'eventWeights', read: (p, flag) => eventWeightsFlag(p, flag) },
  { flag: 'duplicates', option: 'duplicates', read: choice(['sum', 'last', 'max']) },
  { flag: 'iterations', option: 'iterations', read: number },
  { flag: 'tolerance', option: 'tolerance', read: number },
  { flag: 'seed', option: 'seed', read: number },
  { flag: 'restarts', option: 'restarts', read: number },
  { flag: 'solver', option: 'solver', read: text },
  { flag: 'cg-steps', option: 'cgSteps', read: number },
  { flag: 'workers', option: 'workers', read: (p) => workersFlag(p) },
  { flag: 'kernels', option: 'kernels', read: choice(['auto', 'relaxed', 'simd', 'scalar', 'reference']) },
  { flag: 'precision', option: 'precision', read: choice(['f64', 'mixed']) },
];

/** The names of every training flag (with the `no-` form of the on/off ones): what a training command accepts. */
export const TRAIN_FLAGS: readonly string[] = TABLE.flatMap((t) => (t.read === onOff ? [t.flag, `no-${t.flag}`] : [t.flag]));

/** The on/off training flags (they take no value). */
export const TRAIN_BOOLEAN_FLAGS: readonly string[] = TABLE.filter((t) => t.read === onOff).flatMap((t) => [t.flag, `no-${t.flag}`]);

/**
 * The training options the command line gives (absent flags are left out, so the library's
 * defaults apply).
 * @param p - the command's flags
 * @throws UsageError for text that is not a number, not one of a flag's choices, or `--x` with `--no-x`
 */
export function trainOptionsFromFlags(p: Parsed): TrainOptions {
  const options: Record<string, unknown> = {};
  for (const { flag, option, read } of TABLE) {
    const value = read(p, flag);
    if (value !== undefined) options[option] = value;
  }
  return options as TrainOptions;
}
