import { describe, expect, it } from 'vitest';
import { train, type FitOptions } from '../../src/api/fit.js';
import type { AlsModel } from '../../src/model/model.js';
import { Rng } from '../../src/util/rng.js';
import { toConfidence } from '../../src/train/confidence.js';
import { fromRecords } from '../../src/data/records.js';
import type { InteractionRecord } from '../../src/data/types.js';
import { decodeModel, encodeModel } from '../../src/io/model-format.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { importFactors } from '../../src/io/factors-import.js';
import { caughtAsync } from '../helpers/data-reference.js';
import { gaussSolve, relativeDistance } from '../helpers/reference-als.js';

/** Random records: `users` × `items`, a few per user, values from `value`. */
function records(users: number, items: number, perUser: number, seed: number, value: (r: Rng) => number, prefix = ''): InteractionRecord[] {
  const rng = new Rng(seed);
  const out: InteractionRecord[] = [];
  for (let u = 0; u < users; u++) {
    for (let k = 0; k < perUser; k++) out.push({ user: `${prefix}u${u}`, item: `i${Math.floor(rng.next() * items)}`, value: value(rng) });
  }
  for (let i = 0; i < items; i++) out.push({ user: `${prefix}u${i % users}`, item: `i${i}`, value: value(rng) }); // every item seen
  return out;
}

/** A batch: repeats of stored pairs, new pairs of known users, a new user, a new item. */
function batch(value: (r: Rng) => number): InteractionRecord[] {
  const rng = new Rng(99);
  return [
    { user: 'u0', item: 'i0', value: value(rng) },
    { user: 'u0', item: 'i0', value: value(rng) }, // repeated within the batch
    { user: 'u3', item: 'i7', value: value(rng) },
    { user: 'u5', item: 'i2', value: value(rng) },
    { user: 'new-user', item: 'i1', value: value(rng) },
    { user: 'new-user', item: 'i4', value: value(rng) },
    { user: 'new-user', item: 'new-item', value: value(rng) },
    { user: 'u7', item: 'new-item', value: value(rng) },
  ];
}

const rating = (r: Rng) => 1 + Math.floor(5 * r.next());
const count = (r: Rng) => 1 + Math.floor(8 * r.next());

const cases: { name: string; o: FitOptions; value: (r: Rng) => number; tol?: number }[] = [
  { name: 'explicit with biases, Cholesky', o: { feedback: 'explicit', factors: 4, regularization: 0.1, biases: true }, value: rating },
  { name: 'explicit with biases, CG', o: { feedback: 'explicit', factors: 4, regularization: 0.1, biases: true, solver: 'cg', cgSteps: 3 }, value: rating },
  { name: 'explicit plain λ, duplicates max', o: { feedback: 'explicit', factors: 3, regularization: 0.2, biases: false, weightedRegularization: false, duplicates: 'max' }, value: rating },
  { name: 'implicit linear, Cholesky', o: { feedback: 'implicit', factors: 5, regularization: 0.5, confidence: 'linear', alpha: 2 }, value: count },
  { name: 'implicit log, CG', o: { feedback: 'implicit', factors: 5, regularization: 0.5, confidence: 'log', alpha: 2, solver: 'cg', cgSteps: 3, precision: 'f64' }, value: count },
  // The default precision of implicit CG: f32 panels, so the f64 textbook steps agree to f32 rounding, not to 1e-10.
  { name: 'implicit log, CG, mixed precision', o: { feedback: 'implicit', factors: 5, regularization: 0.5, confidence: 'log', alpha: 2, solver: 'cg', cgSteps: 3 }, value: count, tol: 1e-6 },
  { name: 'implicit scaled, duplicates last', o: { feedback: 'implicit', factors: 4, regularization: 0.3, confidence: 'scaled', alpha: 1.5, duplicates: 'last' }, value: count },
];

/** The reference: one row's system from the equations (dense, in plain TS), solved exactly or by textbook CG. */
function referenceRow(model: AlsModel, other: Float64Array, otherBias: Float64Array | undefined, cols: number[], raw: number[], start: number[]): number[] {
  const o = model.options;
  const f = o.factors;
  const explicit = o.feedback === 'explicit';
  const bias = explicit && o.biases;
  const k = bias ? f + 1 : f;
  const rows = other.length / f;
  const vec = (i: number) => [...other.subarray(i * f, (i + 1) * f), ...(bias ? [1] : [])];
  const A = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  const stored = Float32Array.from(explicit ? raw : toConfidence(Float64Array.from(raw), o.confidence, o.alpha, o.epsilon)); // the kernels read f32
  if (!explicit) for (let i = 0; i < rows; i++) addOuter(A, vec(i), 1); // YᵀY
  cols.forEach((i, j) => {
    const c = stored[j];
    if (explicit) {
      addOuter(A, vec(i), 1);
      const target = c - model.params.globalMean - (otherBias ? otherBias[i] : 0);
      vec(i).forEach((y, a) => (b[a] += target * y));
    } else {
      addOuter(A, vec(i), Math.abs(c) - 1);
      if (c > 0) vec(i).forEach((y, a) => (b[a] += c * y));
    }
  });
  const lambda = o.regularization * (explicit && o.weightedRegularization ? cols.length : 1);
  for (let a = 0; a < k; a++) A[a][a] += lambda;
  if (o.solver === 'cholesky') return gaussSolve(A, b);
  // Textbook CG from the start values, as many steps as the model's.
  const x = start.slice();
  const mul = (v: number[]) => A.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
  let r = b.map((bi, a) => bi - mul(x)[a]);
  let p = r.slice();
  let rr = r.reduce((s, v) => s + v * v, 0);
  for (let s = 0; s < o.cgSteps && rr >= 1e-20; s++) {
    const Ap = mul(p);
    const alpha = rr / p.reduce((t, v, a) => t + v * Ap[a], 0);
    x.forEach((_, a) => (x[a] += alpha * p[a]));
    r = r.map((v, a) => v - alpha * Ap[a]);
    const next = r.reduce((t, v) => t + v * v, 0);
    p = r.map((v, a) => v + (next / rr) * p[a]);
    rr = next;
  }
  return x;
}

function addOuter(A: number[][], y: number[], w: number): void {
  for (let a = 0; a < y.length; a++) for (let d = 0; d < y.length; d++) A[a][d] += w * y[a] * y[d];
}

const row = (M: Float64Array, r: number, f: number) => [...M.subarray(r * f, (r + 1) * f)];

describe('model.update', () => {
  it.each(cases)('touched rows equal a half-step restricted to them, the rest is unchanged: $name', async ({ o, value, tol }) => {
    const data = await fromRecords(records(12, 10, 4, 5, value));
    const { model } = await train(data, { ...o, iterations: 4, seed: 2 });
    const f = model.factors;
    const m0 = model.users.size;
    const n0 = model.items.size;
    const { model: next, report } = await model.update(batch(value));
    expect(report).toMatchObject({ rows: 8, newUsers: 1, newItems: 1 });
    expect(next.users.size).toBe(m0 + 1);
    expect(next.items.size).toBe(n0 + 1);
    const touchedUsers = ['u0', 'u3', 'u5', 'new-user', 'u7'].map((id) => next.users.index(id)!);
    const touchedItems = ['i0', 'i7', 'i2', 'i1', 'i4', 'new-item'].map((id) => next.items.index(id)!);
    expect(report.usersSolved).toBe(touchedUsers.length);
    expect(report.itemsSolved).toBe(touchedItems.length);
    const P = model.params;
    const Q = next.params;
    // Untouched rows: bit-identical.
    for (let u = 0; u < m0; u++) if (!touchedUsers.includes(u)) expect(row(Q.userFactors, u, f)).toEqual(row(P.userFactors, u, f));
    for (let i = 0; i < n0; i++) if (!touchedItems.includes(i)) expect(row(Q.itemFactors, i, f)).toEqual(row(P.itemFactors, i, f));
    // The user half-step: against the old item factors, the new item at 0.
    const Y0 = new Float64Array(next.items.size * f);
    Y0.set(P.itemFactors);
    const bi0 = P.itemBiases && Float64Array.from([...P.itemBiases, 0]);
    const withBias = (M: Float64Array, b: Float64Array | undefined, r: number) => [...row(M, r, f), ...(b ? [b[r]] : [])];
    const seenRow = (u: number) => {
      const a = next.seen.indptr[u];
      const z = next.seen.indptr[u + 1];
      return { cols: [...next.seen.indices.subarray(a, z)], raw: [...next.seen.values.subarray(a, z)] };
    };
    for (const u of touchedUsers) {
      const { cols, raw } = seenRow(u);
      const start = u < m0 ? withBias(P.userFactors, P.userBiases, u) : new Array(f + (P.userBiases ? 1 : 0)).fill(0);
      const want = referenceRow(model, Y0, bi0, cols, raw, start);
      expect(relativeDistance(withBias(Q.userFactors, Q.userBiases, u), want)).toBeLessThan(tol ?? 1e-10);
    }
    // The item half-step: against the updated user factors.
    for (const i of touchedItems) {
      const cols: number[] = [];
      const raw: number[] = [];
      for (let u = 0; u < next.users.size; u++) {
        for (let j = next.seen.indptr[u]; j < next.seen.indptr[u + 1]; j++) if (next.seen.indices[j] === i) (cols.push(u), raw.push(next.seen.values[j]));
      }
      const start = i < n0 ? withBias(P.itemFactors, P.itemBiases, i) : new Array(f + (P.itemBiases ? 1 : 0)).fill(0);
      const want = referenceRow(model, Q.userFactors, Q.userBiases, cols, raw, start);
      expect(relativeDistance(withBias(Q.itemFactors, Q.itemBiases, i), want)).toBeLessThan(tol ?? 1e-10);
    }
    // The old model is unchanged and still serves.
    expect(model.users.size).toBe(m0);
    expect(next.recommend('new-user', 3)).toHaveLength(3);
  });

  it('stores what training on all the rows would store (duplicate policy, new rows)', async () => {
    for (const duplicates of ['sum', 'last', 'max'] as const) {
      const base = records(8, 6, 3, 11, count);
      const { model } = await train(await fromRecords(base), { feedback: 'implicit', factors: 2, regularization: 1, iterations: 1, duplicates });
      const { model: next, report } = await model.update(batch(count));
      const { model: whole } = await train(await fromRecords([...base, ...batch(count)]), { feedback: 'implicit', factors: 2, regularization: 1, iterations: 1, duplicates });
      const pairs = (mm: AlsModel) => {
        const out = new Map<string, number>();
        for (let u = 0; u < mm.users.size; u++) for (let j = mm.seen.indptr[u]; j < mm.seen.indptr[u + 1]; j++) out.set(`${mm.users.id(u)}|${mm.items.id(mm.seen.indices[j])}`, mm.seen.values[j]);
        return out;
      };
      expect(pairs(next)).toEqual(pairs(whole));
      expect(report.pairsAdded + model.seen.indices.length).toBe(whole.seen.indices.length);
      expect(report.pairsMerged).toBe(batch(count).length - report.pairsAdded - 1); // one repeat is inside the batch
    }
  });

  it("items: 'keep' solves only new items; users: 'keep' only new users", async () => {
    const { model } = await train(await fromRecords(records(10, 8, 3, 4, count)), { feedback: 'implicit', factors: 3, regularization: 0.5, iterations: 2 });
    const f = 3;
    const { model: next, report } = await model.update(batch(count), { users: 'keep', items: 'keep' });
    expect(report).toMatchObject({ usersSolved: 1, itemsSolved: 1 });
    expect(next.params.userFactors.subarray(0, model.users.size * f)).toEqual(model.params.userFactors);
    expect(next.params.itemFactors.subarray(0, model.items.size * f)).toEqual(model.params.itemFactors);
    expect(row(next.params.itemFactors, next.items.index('new-item')!, f).some((v) => v !== 0)).toBe(true);
  });

  it('refuses bad options, empty batches, and models without stored interactions (typed errors)', async () => {
    const { model } = await train(await fromRecords(records(6, 5, 2, 1, count)), { feedback: 'implicit', factors: 2, regularization: 1, iterations: 1 });
    expect(await caughtAsync(model.update(batch(count), { items: 'all' as 'keep' }))).toMatchObject({ code: 'BAD_OPTION', details: { option: 'items' } });
    expect(await caughtAsync(model.update(batch(count), { workers: 2 } as object))).toMatchObject({ code: 'BAD_OPTION', details: { option: 'workers' } });
    const data = await fromRecords(batch(count));
    expect(await caughtAsync(model.update({ ...data, length: 0 }))).toMatchObject({ code: 'EMPTY_DATA' });
    const { model: ratings } = await train(await fromRecords(records(6, 5, 2, 1, rating)), { feedback: 'explicit', factors: 2, iterations: 1 });
    expect(await caughtAsync(ratings.update([{ user: 'u1', item: 'i2' }]))).toMatchObject({ code: 'BAD_OPTION', details: { option: 'data', reason: 'no-ratings' } });
    const imported = await importFactors(JSON.stringify([{ id: 'i0', features: [0.1, 0.2] }, { id: 'i1', features: [0.3, 0.1] }]), { format: 'json' });
    expect(imported.interactionsStored).toBe(false);
    const again = await loadModel(saveModel(imported));
    expect(await caughtAsync(again.update(batch(count)))).toMatchObject({ code: 'NO_INTERACTIONS' });
    // BM25 models store weighted values, which new counts cannot be combined with.
    const { model: bm25 } = await train(await fromRecords(records(6, 5, 2, 1, count)), { feedback: 'implicit', factors: 2, regularization: 1, iterations: 1, weighting: 'bm25' });
    expect(await caughtAsync(bm25.update(batch(count)))).toMatchObject({ code: 'NO_INTERACTIONS', details: { reason: 'bm25' } });
    const { model: warm } = await train(await fromRecords([...records(6, 5, 2, 1, count), ...batch(count)]), { warmStart: bm25, iterations: 1, regularization: 1, weighting: 'bm25' });
    expect(warm.users.index('new-user')).toBeDefined();
  });

  it('a model file written before the `interactions` field still loads and updates', async () => {
    const { model } = await train(await fromRecords(records(6, 5, 2, 1, count)), { feedback: 'implicit', factors: 2, regularization: 1, iterations: 1 });
    const decoded = decodeModel(saveModel(model));
    expect(decoded.header.interactions).toBe(true);
    delete decoded.header.interactions;
    const old = encodeModel({ header: decoded.header, blocks: [...decoded.blocks].map(([name, data]) => ({ name, data })) });
    const loaded = await loadModel(old);
    expect(loaded.interactionsStored).toBe(true);
    const { model: next } = await loaded.update(batch(count));
    expect(next.users.index('new-user')).toBe(model.users.size);
    const reloaded = await loadModel(saveModel(next));
    expect(reloaded.params.userFactors).toEqual(next.params.userFactors);
    expect(reloaded.interactionsStored).toBe(true);
  });

  it('cancels between chunks with an AbortError and reports progress', async () => {
    const { model } = await train(await fromRecords(records(6, 5, 2, 1, count)), { feedback: 'implicit', factors: 2, regularization: 1, iterations: 1 });
    const stages: string[] = [];
    await model.update(batch(count), { onProgress: (p) => stages.push(`${p.side}:${p.rowsDone}/${p.rowsTotal}`) });
    expect(stages).toContain('users:5/5');
    expect(stages).toContain('items:6/6');
    const c = new AbortController();
    c.abort();
    expect(await caughtAsync(model.update(batch(count), { signal: c.signal }))).toMatchObject({ name: 'AbortError' });
  });
});

describe('train with warmStart', () => {
  it.each([
    { name: 'explicit with biases', o: { feedback: 'explicit', factors: 3, regularization: 0.1, biases: true } as FitOptions, value: rating },
    { name: 'implicit CG', o: { feedback: 'implicit', factors: 3, regularization: 0.5, solver: 'cg' } as FitOptions, value: count },
  ])('N iterations, then K more from the model, equal N + K iterations: $name', async ({ o, value }) => {
    const data = await fromRecords(records(10, 8, 3, 6, value));
    const { model: first } = await train(data, { ...o, iterations: 3 });
    const { model: warm } = await train(data, { ...o, iterations: 2, warmStart: first });
    const { model: cold } = await train(data, { ...o, iterations: 5 });
    expect(relativeDistance(warm.params.userFactors, cold.params.userFactors)).toBeLessThan(1e-12);
    expect(relativeDistance(warm.params.itemFactors, cold.params.itemFactors)).toBeLessThan(1e-12);
  });

  it('new rows start from the seeded init; the factor count and feedback must match', async () => {
    const data = await fromRecords(records(10, 8, 3, 6, count));
    const { model } = await train(data, { feedback: 'implicit', factors: 3, regularization: 0.5, iterations: 2 });
    const more = await fromRecords([...records(10, 8, 3, 6, count), ...batch(count)]);
    const { model: warm } = await train(more, { warmStart: model, iterations: 1, regularization: 0.5 });
    expect(warm.factors).toBe(3);
    expect(warm.users.index('new-user')).toBeDefined();
    expect(await caughtAsync(train(data, { warmStart: model, factors: 4 }))).toMatchObject({ code: 'BAD_OPTION', details: { option: 'warmStart' } });
    expect(await caughtAsync(train(data, { warmStart: model, feedback: 'explicit' }))).toMatchObject({ code: 'BAD_OPTION', details: { option: 'warmStart' } });
    expect(await caughtAsync(train(data, { warmStart: model, tune: true }))).toMatchObject({ code: 'BAD_OPTION', details: { option: 'warmStart' } });
  });
});
