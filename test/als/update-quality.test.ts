/**
 * Quality after incremental updates on real data (MovieLens-100K, skipped with a notice when
 * absent): train on 90 % of the training part, add the other 10 % in 10 updates, and score the
 * same held-out pairs as a full retrain on all of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { train, type FitOptions } from '../../src/api/fit.js';
import { Rng } from '../../src/util/rng.js';
import { fromRecords, parseText } from '../../src/data/parse.js';
import { splitInteractions } from '../../src/data/split.js';
import type { InteractionRecord, Interactions } from '../../src/data/types.js';
import { evaluateModel } from '../../src/select/evaluate.js';

const file = new URL('../../../shared/data/ml-100k/u.data', import.meta.url);
const present = existsSync(file);
if (!present) console.warn('notice: ../shared/data/ml-100k is absent — the MovieLens-100K update-quality tests are skipped');

/** The entries as records, shuffled by a seeded generator. */
function shuffledRecords(d: Interactions, seed: number): InteractionRecord[] {
  const out: InteractionRecord[] = [];
  for (let j = 0; j < d.length; j++) out.push({ user: d.users.id(d.user[j]), item: d.items.id(d.item[j]), value: d.value[j] });
  const rng = new Rng(seed);
  for (let j = out.length - 1; j > 0; j--) {
    const k = Math.floor(rng.next() * (j + 1));
    [out[j], out[k]] = [out[k], out[j]];
  }
  return out;
}

describe.skipIf(!present)('quality after 10 small updates (MovieLens-100K)', () => {
  const data = present ? parseText(readFileSync(file, 'utf8'), { source: 'u.data' }) : undefined;
  const { train: part, test } = present ? splitInteractions(data!, { method: 'per-user', fraction: 0.2, seed: 1 }) : ({} as never);
  const cases: { name: string; o: FitOptions; metric: 'rmse' | 'ndcg' }[] = [
    { name: 'explicit (defaults, f = 32), RMSE', o: { feedback: 'explicit', factors: 32, iterations: 10 }, metric: 'rmse' },
    { name: 'implicit (defaults, f = 32), NDCG@10', o: { feedback: 'implicit', factors: 32, iterations: 10 }, metric: 'ndcg' },
    { name: 'implicit CG, NDCG@10', o: { feedback: 'implicit', factors: 32, iterations: 10, solver: 'cg' }, metric: 'ndcg' },
  ];
  it.each(cases)('stays within 1 % of a full retrain: $name', async ({ o, metric }) => {
    const rows = shuffledRecords(part, 7);
    const cut = Math.floor(rows.length * 0.9);
    const { model: full } = await train(await fromRecords(rows), o);
    // The same λ for both (implicit's default measures it from the data it is given).
    let { model } = await train(await fromRecords(rows.slice(0, cut)), { ...o, regularization: full.options.regularization });
    const step = Math.ceil((rows.length - cut) / 10);
    for (let b = 0; b < 10; b++) ({ model } = await model.update(rows.slice(cut + b * step, cut + (b + 1) * step)));
    const score = (mm: typeof model) => (evaluateModel(mm, test, { k: 10 }) as unknown as Record<string, number>)[metric];
    const updated = score(model);
    const retrained = score(full);
    console.log(`${metric}: after 10 updates ${updated.toFixed(4)}, full retrain ${retrained.toFixed(4)}`);
    expect(model.seen.indices.length).toBe(full.seen.indices.length);
    if (metric === 'rmse') expect(updated).toBeLessThanOrEqual(1.01 * retrained);
    else expect(updated).toBeGreaterThanOrEqual(0.99 * retrained);
  }, 120_000);
});
