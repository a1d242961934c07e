import { describe, expect, it } from 'vitest';
import { resolveTrainOptions, TRAIN_DEFAULTS } from '../../src/train/options.js';
import { defaultWorkers } from '../../src/parallel/cores.js';

describe('resolveTrainOptions', () => {
  it('fills the documented defaults', () => {
    // Implicit: λ is measured from the data at training time ('auto').
    // ε too: the median of the positive values ('auto'), with the log confidence and α = 2.
    const r = resolveTrainOptions({}, 'implicit');
    expect(r).toMatchObject({ ...TRAIN_DEFAULTS, precision: 'f64', workers: defaultWorkers(), regularization: NaN, autoRegularization: true, epsilon: NaN, autoEpsilon: true, biases: false, feedback: 'implicit', duplicates: 'sum' });
    expect(r).toMatchObject({ confidence: 'log', alpha: 2 });
    // The linear form keeps α = 1 and needs no ε.
    expect(resolveTrainOptions({ confidence: 'linear' }, 'implicit')).toMatchObject({ alpha: 1, autoEpsilon: false });
    // Explicit: λ = 0.1 with ALS-WR, and biases.
    const e = resolveTrainOptions({}, 'explicit');
    expect(e).toMatchObject({ ...TRAIN_DEFAULTS, precision: 'f64', workers: defaultWorkers(), autoRegularization: false, autoEpsilon: false, epsilon: 1, feedback: 'explicit', duplicates: 'last' });
    expect(e).toMatchObject({ regularization: 0.1, weightedRegularization: true, biases: true });
    expect(resolveTrainOptions({ regularization: 'auto' }, 'implicit').autoRegularization).toBe(true);
    // precision: mixed is the default of implicit CG only (f64 wherever it does not apply).
    expect(resolveTrainOptions({ solver: 'cg' }, 'implicit').precision).toBe(TRAIN_DEFAULTS.precision);
    expect(resolveTrainOptions({ solver: 'cg' }, 'explicit').precision).toBe('f64');
    expect(resolveTrainOptions({ regularization: 0.5 }, 'implicit')).toMatchObject({ regularization: 0.5, autoRegularization: false });
    expect(() => resolveTrainOptions({ regularization: 'auto' }, 'explicit')).toThrow(/"auto" is for implicit/);
  });

  it.each([
    ['factors', 0, /integer in \[1, 1024\]/],
    ['factors', 2.5, /integer/],
    ['regularization', -0.1, /≥ 0/],
    ['regularization', Number.NaN, /finite/],
    ['alpha', 0, /> 0/],
    ['epsilon', -1, /> 0/],
    ['iterations', 0, /integer in \[1,/],
    ['tolerance', -1, /≥ 0/],
    ['restarts', 0, /integer/],
    ['workers', 0, /integer/],
    ['feedback', 'both', /"explicit" or "implicit"/],
    ['confidence', 'cubic', /"linear", "log", "scaled"/],
    ['solver', 'magic', /"cholesky"/],
    ['biases', 'yes', /true or false/],
    ['duplicates', 'first', /"sum", "last", "max"/],
  ] as const)('rejects %s = %s naming the option and the range', (option, value, allowed) => {
    let err: unknown;
    try {
      resolveTrainOptions({ [option]: value } as never, 'implicit');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'BAD_OPTION', details: { option } });
    expect((err as Error).message).toContain(`"${option}"`);
    expect((err as Error).message).toMatch(allowed);
  });

  it('validates event weights', () => {
    expect(resolveTrainOptions({ eventWeights: { view: 3, purchase: 40 } }, 'implicit').eventWeights).toEqual({ view: 3, purchase: 40 });
    expect(() => resolveTrainOptions({ eventWeights: { view: Number.POSITIVE_INFINITY } }, 'implicit')).toThrow(/eventWeights.view/);
  });
});
