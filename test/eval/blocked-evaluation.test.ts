/**
 * The evaluator scores blocks of users through the WASM top-k kernel (`AlsModel.topKRows`);
 * its metrics must be the same bits as the per-user path it replaced (a score callback and
 * `topK` in JS) — ties included, with and without AUC/MPR, across block boundaries and for
 * user lists with repeats.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlsModel } from '../../src/model/model.js';
import { resolveTrainOptions } from '../../src/train/options.js';
import { csrFromTriplets } from '../../src/data/csr.js';
import { idMapFromIds } from '../../src/data/id-map.js';
import type { Csr } from '../../src/data/types.js';
import { rankingMetrics } from '../../src/select/ranking.js';
import { KernelRandom } from '../helpers/kernel-random.js';

async function problem(users: number, items: number, f: number, seed: number, ties: boolean): Promise<{ model: AlsModel; test: Csr }> {
  const rng = new KernelRandom(seed);
  const v = () => (ties ? rng.int(3) - 1 : rng.normal());
  const tr: [number[], number[]] = [[], []];
  const te: [number[], number[], number[]] = [[], [], []];
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      const x = rng.next();
      if (x < 0.15) {
        tr[0].push(u);
        tr[1].push(i);
      } else if (x < 0.25 && u % 4 !== 3) {
        te[0].push(u);
        te[1].push(i);
        te[2].push(1 + rng.int(3));
      }
    }
  }
  const seen = csrFromTriplets(users, items, Int32Array.from(tr[0]), Int32Array.from(tr[1]), new Float64Array(tr[0].length).fill(1), 'sum');
  const test = csrFromTriplets(users, items, Int32Array.from(te[0]), Int32Array.from(te[1]), Float64Array.from(te[2]), 'sum');
  const model = await AlsModel.create({
    options: resolveTrainOptions({ feedback: 'implicit', factors: f, regularization: 1, epsilon: 1 }, 'implicit'),
    users: idMapFromIds(Array.from({ length: users }, (_, u) => u)),
    items: idMapFromIds(Array.from({ length: items }, (_, i) => i)),
    factors: { factors: f, userFactors: Float64Array.from({ length: users * f }, v), itemFactors: Float64Array.from({ length: items * f }, v), globalMean: 0 },
    seen,
  });
  return { model, test };
}

function both(model: AlsModel, test: Csr, k: number, atKOnly: boolean, users?: Int32Array) {
  const base = { numItems: model.items.size, train: model.seen, test, k, atKOnly, users, score: (u: number, out: Float64Array) => void model.scoreUser(u, out) };
  const perUser = rankingMetrics(base);
  const blocked = rankingMetrics({ ...base, scoreBlock: (rows, kk, withScores) => model.topKRows(rows, kk, { exclude: model.seen, withScores }) });
  return { perUser, blocked };
}

describe('blocked evaluation', () => {
  it('gives the same bits as the per-user path (ties, AUC/MPR on and off)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 9 }), fc.integer(), fc.boolean(), fc.integer({ min: 1, max: 35 }), fc.boolean(), async (users, items, f, seed, ties, k, atKOnly) => {
        const { model, test } = await problem(users, items, f, seed, ties);
        const { perUser, blocked } = both(model, test, k, atKOnly);
        expect(blocked).toEqual(perUser);
        for (const key of Object.keys(perUser) as (keyof typeof perUser)[]) expect(Object.is(blocked[key], perUser[key])).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('across many blocks, and for a user list with repeats', async () => {
    const { model, test } = await problem(700, 50, 8, 11, true);
    for (const atKOnly of [false, true]) {
      const { perUser, blocked } = both(model, test, 10, atKOnly);
      expect(blocked).toEqual(perUser);
      const users = Int32Array.from({ length: 500 }, (_, j) => (j * 37) % 700);
      const again = both(model, test, 5, atKOnly, users);
      expect(again.blocked).toEqual(again.perUser);
    }
  });
});
