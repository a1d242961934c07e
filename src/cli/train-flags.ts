/**
 * The training flags that `train` and `cv` share beyond the basic ones: `--event-weights`,
 * `--cg-steps`, `--duplicates`, `--kernels`, `--precision` (the library's `eventWeights`, `cgSteps`,
 * `duplicates`, `kernels`, `precision`; their ranges are checked by the library before any file is read).
 */
import type { TrainOptions } from '../train/options.js';
import { choiceFlag, eventWeightsFlag } from './flag-values.js';
import { num, type Parsed } from './args.js';

/** The flags read by {@link moreTrainOptions}. */
export const MORE_TRAIN_FLAGS = ['event-weights', 'cg-steps', 'duplicates', 'kernels', 'precision'] as const;

/**
 * The training options of {@link MORE_TRAIN_FLAGS} (absent flags are left undefined).
 * @param p - the command's flags
 */
export function moreTrainOptions(p: Parsed): Pick<TrainOptions, 'eventWeights' | 'cgSteps' | 'duplicates' | 'kernels' | 'precision'> {
  return {
    eventWeights: eventWeightsFlag(p),
    cgSteps: num(p, 'cg-steps'),
    duplicates: choiceFlag(p, 'duplicates', ['sum', 'last', 'max'] as const),
    kernels: choiceFlag(p, 'kernels', ['auto', 'relaxed', 'simd', 'scalar', 'reference'] as const),
    precision: choiceFlag(p, 'precision', ['f64', 'mixed'] as const),
  };
}
