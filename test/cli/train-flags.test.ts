import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { TRAIN_BOOLEAN_FLAGS, TRAIN_FLAGS, trainOptionsFromFlags } from '../../src/cli/train-flags.js';
import { resolveTrainOptions } from '../../src/train/options.js';

const FLAGS = new Map(COMMANDS.map((c) => [c.name, c.flags]));
const BOOLEANS = new Set(COMMANDS.flatMap((c) => c.booleanFlags ?? []));
const parse = (...argv: string[]) => parseArgs(argv, FLAGS, BOOLEANS);

describe('the training flags: one table for train and cv', () => {
  it('train and cv accept every training flag and name each in their usage', () => {
    for (const name of ['train', 'cv']) {
      const command = COMMANDS.find((c) => c.name === name)!;
      for (const flag of TRAIN_FLAGS) {
        expect(command.flags, `${name} --${flag}`).toContain(flag);
        expect(command.usage, `${name} usage names --${flag}`).toContain(`--${flag}`);
      }
    }
  });

  it('maps each flag to its library option, and leaves absent ones to the defaults', () => {
    const p = parse('train', 'r.csv', '--feedback', 'implicit', '--factors', '8', '--regularization', 'auto', '--no-weighted-regularization', '--biases',
      '--alpha', '3', '--confidence', 'log', '--epsilon', '0.5', '--weighting', 'bm25', '--event-weights', 'view=3,buy=40', '--duplicates', 'max',
      '--iterations', '4', '--tolerance', '1e-4', '--seed', '7', '--restarts', '2', '--solver', 'cg', '--cg-steps', '5', '--workers', '1',
      '--kernels', 'scalar', '--precision', 'f64');
    expect({ ...trainOptionsFromFlags(p) }).toEqual({
      feedback: 'implicit', factors: 8, regularization: 'auto', weightedRegularization: false, biases: true, alpha: 3, confidence: 'log', epsilon: 0.5,
      weighting: 'bm25', eventWeights: { view: 3, buy: 40 }, duplicates: 'max', iterations: 4, tolerance: 1e-4, seed: 7, restarts: 2, solver: 'cg',
      cgSteps: 5, workers: 1, kernels: 'scalar', precision: 'f64',
    });
    // Every flag of the table was given once above (on/off flags in one of their two forms).
    expect(TRAIN_FLAGS.length - TRAIN_BOOLEAN_FLAGS.length / 2).toBe(20);
    expect(trainOptionsFromFlags(parse('train', 'r.csv', '--out', 'm.als'))).toEqual({});
    expect(trainOptionsFromFlags(parse('cv', 'r.csv', '--weighted-regularization', '--no-biases'))).toEqual({ weightedRegularization: true, biases: false });
    // What the table gives is what the library takes.
    expect(() => resolveTrainOptions(trainOptionsFromFlags(parse('train', 'r.csv', '--factors', '8', '--regularization', '0.05', '--no-biases')), 'explicit')).not.toThrow();
  });

  it('refuses malformed text as a usage mistake naming the flag', () => {
    expect(() => trainOptionsFromFlags(parse('train', 'r.csv', '--factors', 'ten'))).toThrow(/--factors must be a number, got "ten"/);
    expect(() => trainOptionsFromFlags(parse('train', 'r.csv', '--biases', '--no-biases'))).toThrow(UsageError);
    expect(() => trainOptionsFromFlags(parse('cv', 'r.csv', '--weighted-regularization', '--no-weighted-regularization'))).toThrow(/contradict/);
    expect(() => trainOptionsFromFlags(parse('train', 'r.csv', '--kernels', 'fast'))).toThrow(/--kernels must be one of auto, relaxed, simd, scalar, reference/);
    expect(() => trainOptionsFromFlags(parse('train', 'r.csv', '--workers', '0'))).toThrow(/--workers/);
    expect(() => parse('train', 'r.csv', '--biases=yes')).toThrow(/takes no value/);
  });
});
