/**
 * Heavy rows cannot wreck the default model (issue 13, item 4): 2 000 ordinary users with 20
 * items each from their own taste group (even or odd item ids), plus one "whale" user holding
 * every item with counts up to 500 — or one item held by everyone with such counts. Under the
 * defaults, ≥ 90 % of the ordinary users' top 10 must come from their own group. The old
 * default (c = 1 + r, λ = 0.1·σ₁(C) of the raw confidences) is run beside it to show the case
 * has teeth: the whale owns σ₁ there and every ordinary user's factors shrink to ties.
 */
import { describe, expect, it } from 'vitest';
import { largestSingularValue } from '../../src/train/auto-regularization.js';
import { train } from '../../src/api/fit.js';
import type { AlsModel } from '../../src/model/model.js';
import { Rng } from '../../src/util/rng.js';
import { fromRecords } from '../../src/data/parse.js';
import { buildMatrix } from '../../src/data/csr.js';
import type { InteractionRecord, Interactions } from '../../src/data/types.js';

const USERS = 2000;
const ITEMS = 400;

/** Ordinary users: 20 distinct items of their group's parity, popularity-skewed, value 1. */
function ordinary(rng: Rng): InteractionRecord[] {
  const rows: InteractionRecord[] = [];
  for (let u = 0; u < USERS; u++) {
    const parity = u % 2;
    const picked = new Set<number>();
    while (picked.size < 20) {
      // Zipf-ish within the group: low ranks are popular.
      const rank = Math.floor(Math.pow(rng.next(), 2) * (ITEMS / 2));
      picked.add(2 * rank + parity);
    }
    for (const i of picked) rows.push({ user: `u${u}`, item: `i${i}`, value: 1 });
  }
  return rows;
}

async function dataWith(extra: (rng: Rng) => InteractionRecord[]): Promise<Interactions> {
  const rng = new Rng(5);
  return fromRecords([...ordinary(rng), ...extra(rng)], { source: 'heavy-rows' });
}

/** Share of the ordinary users' top 10 (seen items left out) that is of their own parity. */
function ownGroupShare(model: AlsModel): number {
  let own = 0;
  let total = 0;
  for (let u = 0; u < USERS; u++) {
    for (const { id } of model.recommend(`u${u}`, 10)) {
      total++;
      if (Number(String(id).slice(1)) % 2 === u % 2) own++;
    }
  }
  return own / total;
}

const whaleUser = (rng: Rng): InteractionRecord[] => Array.from({ length: ITEMS }, (_, i) => ({ user: 'whale', item: `i${i}`, value: 1 + Math.floor(rng.next() * 500) }));
const hubItem = (rng: Rng): InteractionRecord[] => Array.from({ length: USERS }, (_, u) => ({ user: `u${u}`, item: 'hub', value: 1 + Math.floor(rng.next() * 500) }));

describe('heavy rows under the defaults', () => {
  it.each([
    { name: 'one user holding every item with counts up to 500', extra: whaleUser },
    { name: 'one item held by everyone with counts up to 500', extra: hubItem },
  ])('$name: ≥ 90 % of ordinary users’ top 10 are from their own group', async ({ extra }) => {
    const data = await dataWith(extra);
    const { model, report } = await train(data, { feedback: 'implicit', workers: 1 });
    const share = ownGroupShare(model);
    expect(share).toBeGreaterThanOrEqual(0.9);
    expect(Number.isFinite(report.regularization) && report.regularization > 0).toBe(true);
  });

  it('the old default collapses on the whale (the case has teeth)', async () => {
    const data = await dataWith(whaleUser);
    const m = buildMatrix(data, { duplicates: 'sum' });
    const conf = Float64Array.from(m.byUser.values, (r) => 1 + r);
    const oldLambda = 0.1 * largestSingularValue(m.byUser, m.byUser.cols, conf);
    const { model } = await train(data, { feedback: 'implicit', workers: 1, confidence: 'linear', alpha: 1, regularization: oldLambda });
    expect(ownGroupShare(model)).toBeLessThan(0.9);
  });
});
