/**
 * Model selection on real ratings (MovieLens-100K, skipped with a notice when absent): what
 * `crossValidate` and `tune` pick on an 80 % per-user part must score, trained on all of that
 * part, at least as well as the defaults on the other 20 % (issue 24, item 4: cv's folds hold
 * 2/3 of the part and preferred λ = 0.2, which scored RMSE 0.929 on the 20 % against 0.911).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { train, type FitOptions } from '../../src/api/fit.js';
import { crossValidate } from '../../src/api/cross-validate.js';
import { parseText } from '../../src/data/parse.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { splitInteractions } from '../../src/data/split.js';
import { evaluateModel, type RatingEvaluation } from '../../src/select/evaluate.js';
import { explicitLambdaOnPart } from '../../src/select/explicit-lambda-transfer.js';
import type { Interactions } from '../../src/data/types.js';

const file = new URL('../../../shared/data/ml-100k/u.data', import.meta.url);
const present = existsSync(file);
if (!present) console.warn('notice: ../shared/data/ml-100k is absent — the MovieLens-100K model-selection tests are skipped');

/**
 * Slack on "at least as good": the defaults' own held-out RMSE moves by up to 0.0009 with the
 * seed (0.9113–0.9122 over seeds 1, 2, 3, 42), and the grid has no f = 64 point, so its best
 * point can be f = 50 at the defaults' λ (0.0005–0.0018 above them, more with short runs).
 * The regression this guards against was 0.017 (λ = 0.2 picked: 0.9284 against 0.9114 here).
 */
const SLACK = 0.003;

describe('explicitLambdaOnPart', () => {
  it('raises an ALS-WR λ and lowers a plain one on a part, and leaves all the data alone', () => {
    expect(explicitLambdaOnPart(0.1, 50, 100, true)).toBeCloseTo(0.1 * Math.pow(0.5, -0.6), 12);
    expect(explicitLambdaOnPart(10, 50, 100, false)).toBeCloseTo(10 * Math.pow(0.5, 0.4), 12);
    expect(explicitLambdaOnPart(0.1, 100, 100, true)).toBe(0.1);
    expect(explicitLambdaOnPart(0.1, 0, 100, true)).toBe(0.1);
  });

  it('tune keeps a rating λ the caller gives on all the data, and searches with its equivalent on the 80 % part', async () => {
    const data = generateSynthetic({ users: 150, items: 90, interactions: 4000, feedback: 'explicit', rank: 3, seed: 4, minPerUser: 10 });
    const { report } = await train(data, { feedback: 'explicit', factors: 6, regularization: 0.1, workers: 1, tune: { budgetSeconds: 5 } });
    expect(report.regularization).toBe(0.1);
    expect(report.tuned!.params.regularization).toBe(0.1);
    for (const t of report.tuned!.trials) {
      // 80 % of each user's ratings: λ on the part ≈ 0.1 · 0.8^−0.6 ≈ 0.114.
      expect(t.params.regularization).toBeGreaterThan(0.11);
      expect(t.params.regularization).toBeLessThan(0.12);
    }
  });
});

describe.skipIf(!present)('model selection on MovieLens-100K ratings picks no worse than the defaults', () => {
  const data = present ? parseText(readFileSync(file, 'utf8'), { source: 'u.data' }) : undefined;
  const { train: part, test } = present ? splitInteractions(data!, { method: 'per-user', fraction: 0.2, seed: 1 }) : ({} as { train: Interactions; test: Interactions });
  // RMSE is the rating model's: no ranking head needed.
  const rmseOf = async (o: FitOptions) => (evaluateModel((await train(part, { feedback: 'explicit', ranking: 'rating', ...o })).model, test) as RatingEvaluation).rmse;

  it('crossValidate (3 folds, factors 10/50 × λ 0.05/0.1/0.2): the pick trained on the part', async () => {
    // Short runs keep the test fast: the pick and the defaults are trained alike.
    const iterations = 6;
    const cv = await crossValidate(part, {
      base: { feedback: 'explicit', iterations },
      grid: { factors: [10, 50], regularization: [0.05, 0.1, 0.2] },
      metric: 'rmse',
      folds: 3,
    });
    // The defaults are scored beside the grid (compareDefaults): a grid that loses to them does not replace them.
    expect(cv.trials.filter((t) => t.reference === 'defaults')).toHaveLength(1);
    const pick = await rmseOf({ ...cv.best.params, iterations });
    const defaults = await rmseOf({ iterations });
    console.log(`cv pick ${JSON.stringify(cv.best.params)}: RMSE ${pick.toFixed(4)}; defaults ${defaults.toFixed(4)}`);
    expect(pick).toBeLessThanOrEqual(defaults + SLACK);
  }, 180_000);

  it('tune: the chosen options refit on the part', async () => {
    const { model, report } = await train(part, { feedback: 'explicit', ranking: 'rating', tune: { budgetSeconds: 30 } });
    const tuned = (evaluateModel(model, test) as RatingEvaluation).rmse;
    const defaults = await rmseOf({});
    console.log(`tune ${JSON.stringify(report.tuned!.params)}: RMSE ${tuned.toFixed(4)}; defaults ${defaults.toFixed(4)}`);
    expect(tuned).toBeLessThanOrEqual(defaults + SLACK);
  }, 180_000);
});
