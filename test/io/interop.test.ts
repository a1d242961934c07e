/**
 * Models that travel (issue 16, part 5): factors from benfred/implicit fold in with its
 * convention (c = α·r) and reproduce its `recalculate_user`; a Spark `ALSModel.save()` directory
 * (metadata JSON + Parquet written here in Spark's schema) imports with Spark's (c = 1 + α·r);
 * exports to implicit's `.npz` and to Spark JSON lines read back to the same factors.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as zlib from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.js';
import { train } from '../../src/api/fit.js';
import { fromRecords } from '../../src/data/parse.js';
import { exportFactors } from '../../src/io/factors-export.js';
import { importFactors } from '../../src/io/factors-import.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { createRecommender } from '../../src/worker/client.js';
import { npyBytes } from '../helpers/npy.js';
import { npy, zipStored } from '../../src/io/npz-write.js';
import { sparkParquet as writeSparkParquet } from '../helpers/spark-parquet.js';

/** Random factors rounded to f32, as implicit and Spark store them. */
function randomFactors(rows: number, f: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: rows * f }, () => Math.fround(rng.next() - 0.4));
}

/** Solves A x = b (A symmetric positive definite) by Gaussian elimination in f64. */
function solve(A: Float64Array, b: Float64Array, f: number): Float64Array {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let c = 0; c < f; c++) {
    for (let r = c + 1; r < f; r++) {
      const m = M[r * f + c] / M[c * f + c];
      for (let k = c; k < f; k++) M[r * f + k] -= m * M[c * f + k];
      x[r] -= m * x[c];
    }
  }
  for (let r = f - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < f; k++) s -= M[r * f + k] * x[k];
    x[r] = s / M[r * f + r];
  }
  return x;
}

/**
 * The user solve of implicit's `recalculate_user` → `_als._least_squares`: A = YᵀY + λI +
 * Σ (c − 1)·y yᵀ, b = Σ c·y over the user's items, with c = α·r (user_items scaled by alpha).
 * Spark's `computeFactors` for implicit preferences is the same with c = 1 + α·r and λ·n₊ (n₊: positive entries).
 */
function referenceUser(Y: Float64Array, f: number, history: [number, number][], lambda: number, confidence: (r: number) => number): Float64Array {
  const n = Y.length / f;
  const A = new Float64Array(f * f);
  for (let i = 0; i < n; i++) for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) A[a * f + b] += Y[i * f + a] * Y[i * f + b];
  for (let a = 0; a < f; a++) A[a * f + a] += lambda;
  const rhs = new Float64Array(f);
  for (const [i, r] of history) {
    const c = confidence(r);
    for (let a = 0; a < f; a++) {
      rhs[a] += c * Y[i * f + a];
      for (let b = 0; b < f; b++) A[a * f + b] += (c - 1) * Y[i * f + a] * Y[i * f + b];
    }
  }
  return solve(A, rhs, f);
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, j) => Math.max(m, Math.abs(v - b[j])), 0);

/** An .npz as implicit's `model.save()` writes it (float32 factors, float64 scalars). */
function implicitNpz(Y: Float64Array, n: number, f: number, regularization: number, alpha: number): Uint8Array {
  return zipStored([
    ['item_factors.npy', npyBytes(Float32Array.from(Y), [n, f])],
    ['regularization.npy', npy({ dtype: '<f8', shape: [], data: [regularization] })],
    ['alpha.npy', npy({ dtype: '<f8', shape: [], data: [alpha] })],
    ['factors.npy', npy({ dtype: '<i8', shape: [], data: [f] })],
  ]);
}

describe('implicit: fold-in reproduces recalculate_user (c = α·r)', () => {
  const f = 8;
  const n = 50;
  const Y = randomFactors(n, f, 7);
  const history: [number, number][] = [[3, 1], [9, 4], [17, 2], [30, 7], [44, 1]];

  it('an imported .npz folds in with c = α·r and λ from the file, to 1e-6', async () => {
    const model = await importFactors(implicitNpz(Y, n, f, 0.05, 4));
    expect(model.options.confidence).toBe('scaled');
    expect(model.options.regularizationPerPositive).toBeUndefined();
    expect(model.options.regularization).toBe(0.05);
    expect(model.options.alpha).toBe(4);
    const got = model.foldIn(history.map(([i, r]) => ({ item: i, value: r }))).factors;
    const want = referenceUser(Y, f, history, 0.05, (r) => 4 * r);
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-6);
    // Spark's convention gives another user (the 4 % of issue 16): the test can tell them apart.
    const spark = referenceUser(Y, f, history, 0.05, (r) => 1 + 4 * r);
    expect(maxAbsDiff(spark, want)).toBeGreaterThan(1e-3);
  });

  it('source: "spark" on the same file folds in with c = 1 + α·r', async () => {
    const model = await importFactors(implicitNpz(Y, n, f, 0.05, 4), { source: 'spark' });
    expect(model.options.confidence).toBe('linear');
    const got = model.foldIn(history.map(([i, r]) => ({ item: i, value: r }))).factors;
    // Spark's λ is per positive entry (ALS-WR): λ·n₊ = 0.05 · 5.
    expect(model.options.regularizationPerPositive).toBe(true);
    expect(maxAbsDiff(got, referenceUser(Y, f, history, 0.05 * 5, (r) => 1 + 4 * r))).toBeLessThan(1e-6);
  });
});

/** Writes a Spark factor Parquet file of the rows of `rows` (n × f). */
function sparkParquet(ids: number[], rows: Float64Array, f: number): Uint8Array {
  return writeSparkParquet(ids, (_, r) => Array.from(rows.subarray(r * f, (r + 1) * f)));
}

/** An `ALSModel.save(path)` directory: metadata/part-00000, userFactors/ and itemFactors/ with two part files each, _SUCCESS and .crc files. */
function writeSparkModel(dir: string, X: Float64Array, Y: Float64Array, f: number, params: Record<string, unknown>): void {
  const m = X.length / f;
  const n = Y.length / f;
  const meta = { class: 'org.apache.spark.ml.recommendation.ALSModel', timestamp: 1700000000000, sparkVersion: '3.5.1', uid: 'als_1', paramMap: params, defaultParamMap: { alpha: 1.0, regParam: 0.1, implicitPrefs: false, rank: 10 }, rank: (params.rank as number | undefined) ?? f };
  mkdirSync(join(dir, 'metadata'), { recursive: true });
  writeFileSync(join(dir, 'metadata/part-00000'), JSON.stringify(meta) + '\n');
  writeFileSync(join(dir, 'metadata/_SUCCESS'), '');
  for (const [side, rows, count] of [['userFactors', X, m], ['itemFactors', Y, n]] as const) {
    mkdirSync(join(dir, side), { recursive: true });
    const half = Math.ceil(count / 2);
    // Spark's ids are the caller's integers (here 100 + row), split over part files.
    const ids = Array.from({ length: count }, (_, r) => 100 + r);
    writeFileSync(join(dir, side, 'part-00000-abc.snappy.parquet'), sparkParquet(ids.slice(0, half), rows.subarray(0, half * f), f));
    writeFileSync(join(dir, side, 'part-00001-abc.snappy.parquet'), sparkParquet(ids.slice(half), rows.subarray(half * f), f));
    writeFileSync(join(dir, side, '.part-00000-abc.snappy.parquet.crc'), 'crc');
    writeFileSync(join(dir, side, '_SUCCESS'), '');
  }
}

/** A directory's files as the path → bytes map importFactors takes. */
function readDir(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out[relative(dir, join(d, e.name))] = readFileSync(join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

describe("Spark: ALSModel.save() directory (Parquet, hyparquet) with c = 1 + α·r", () => {
  const f = 6;
  const X = randomFactors(9, f, 3);
  const Y = randomFactors(40, f, 5);

  it('reads metadata and both factor directories; recommends the dot products; folds in with Spark\'s convention', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'als-spark-'));
    writeSparkModel(dir, X, Y, f, { implicitPrefs: true, alpha: 10, regParam: 0.2, rank: f });
    const model = await importFactors(readDir(dir));
    expect(model.options).toMatchObject({ feedback: 'implicit', confidence: 'linear', alpha: 10, regularization: 0.2, factors: f });
    expect(model.users.size).toBe(9);
    expect(model.items.ids().slice(0, 3)).toEqual([100, 101, 102]);
    // User 104's top item is the best dot product over Y.
    const x = X.subarray(4 * f, 5 * f);
    const dots = Array.from({ length: 40 }, (_, i) => Y.subarray(i * f, (i + 1) * f).reduce((s, v, a) => s + v * x[a], 0));
    const best = dots.indexOf(Math.max(...dots));
    expect(model.recommend(104, 1)[0].id).toBe(100 + best);
    expect(model.recommend(104, 1)[0].score).toBeCloseTo(dots[best], 6);
    const history: [number, number][] = [[1, 2], [12, 1], [25, 5]];
    const got = model.foldIn(history.map(([i, r]) => ({ item: 100 + i, value: r }))).factors;
    expect(maxAbsDiff(got, referenceUser(Y, f, history, 0.2 * 3, (r) => 1 + 10 * r))).toBeLessThan(1e-6);
    // The model file keeps the convention.
    const back = await loadModel(saveModel(model));
    expect(back.options).toMatchObject({ confidence: 'linear', regularizationPerPositive: true });
    expect(maxAbsDiff(back.foldIn(history.map(([i, r]) => ({ item: 100 + i, value: r }))).factors, got)).toBe(0);
  });

  it('explicit Spark models (implicitPrefs false) import as explicit; a single itemFactors Parquet file imports alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'als-spark-'));
    writeSparkModel(dir, X, Y, f, { implicitPrefs: false, regParam: 0.05, rank: f });
    const model = await importFactors(readDir(dir));
    expect(model.options.feedback).toBe('explicit');
    const one = await importFactors(sparkParquet([5, 6], Y.subarray(0, 2 * f), f));
    expect(one.items.ids()).toEqual([5, 6]);
    expect(one.options.confidence).toBe('linear');
  });

  it('refuses what is not Spark factors, naming the file', async () => {
    const wrong = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'user', data: Int32Array.of(1) }, { name: 'score', data: Float64Array.of(1) }] }));
    await expect(importFactors({ 'itemFactors/part-00000.parquet': wrong })).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { entry: 'itemFactors/part-00000.parquet', reason: 'schema' } });
    await expect(importFactors({ 'metadata/part-00000': new TextEncoder().encode('{}') })).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { entry: 'itemFactors', reason: 'missing' } });
    const dir = mkdtempSync(join(tmpdir(), 'als-spark-'));
    writeSparkModel(dir, X, Y, f, { implicitPrefs: true, rank: f + 1 });
    await expect(importFactors(readDir(dir))).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'shape' } });
  });
});

/** Reads the entries of a stored ZIP with Node's own zlib CRC-32 check (what Python's zipfile does). */
function zipEntries(b: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Map<string, Uint8Array>();
  let at = 0;
  while (view.getUint32(at, true) === 0x04034b50) {
    const crc = view.getUint32(at + 14, true);
    const size = view.getUint32(at + 18, true);
    const nameLen = view.getUint16(at + 26, true);
    const name = new TextDecoder().decode(b.subarray(at + 30, at + 30 + nameLen));
    const data = b.subarray(at + 30 + nameLen, at + 30 + nameLen + size);
    const check = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    if (check) expect(check(data), `CRC of ${name}`).toBe(crc);
    out.set(name, data);
    at += 30 + nameLen + size;
  }
  return out;
}

describe('export: implicit .npz and Spark JSON lines', () => {
  async function trained(feedback: 'implicit' | 'explicit') {
    const rng = new Rng(11);
    const records = Array.from({ length: 300 }, () => ({ user: `u${rng.int(30)}`, item: 200 + rng.int(25), value: 1 + rng.int(5) }));
    const data = await fromRecords(records, { source: 'test' });
    return (await train(data, { feedback, factors: 4, iterations: 3, confidence: feedback === 'implicit' ? 'scaled' : undefined })).model;
  }

  it(".npz has the keys implicit's save() writes (load() sets each as an attribute) and reads back to the same factors and ids", async () => {
    const model = await trained('implicit');
    const { files, factors, notes } = exportFactors(model, 'npz');
    expect(factors).toBe(4);
    expect(notes).toEqual([]);
    const entries = zipEntries(files['model.npz']);
    expect([...entries.keys()].sort()).toEqual(['alpha', 'calculate_training_loss', 'cg_steps', 'dtype', 'factors', 'item_factors', 'item_ids', 'iterations', 'num_threads', 'regularization', 'use_cg', 'use_native', 'user_factors', 'user_ids'].map((k) => k + '.npy'));
    expect(new TextDecoder().decode(entries.get('user_factors.npy')!.subarray(10, 80))).toMatch(/'descr': '<f4', 'fortran_order': False, 'shape': \(30, 4\)/);
    const back = await importFactors(files['model.npz']);
    expect(back.options).toMatchObject({ confidence: 'scaled', alpha: model.options.alpha, regularization: model.options.regularization });
    expect(back.users.ids()).toEqual(model.users.ids());
    expect(back.items.ids().map(Number)).toEqual(model.items.ids());
    expect(maxAbsDiff(back.params.itemFactors, model.params.itemFactors)).toBeLessThan(1e-6);
    expect(back.recommend('u3', 5).map((r) => Number(r.id))).toEqual(model.recommend('u3', 5, { filterSeen: false }).map((r) => r.id));
  });

  it('Spark JSON lines: one {"id","features"} per line, numeric ids as numbers; read back by importFactors', async () => {
    const model = await trained('implicit');
    const { files, notes } = exportFactors(model, 'spark-json');
    const lines = new TextDecoder().decode(files['itemFactors.json']).trim().split('\n');
    expect(lines).toHaveLength(model.items.size);
    const first = JSON.parse(lines[0]);
    expect(first.id).toBe(model.items.id(0));
    // 9 significant digits: each feature reads back to the same f32.
    expect(first.features.map(Math.fround)).toEqual(Array.from(model.params.itemFactors.subarray(0, 4), Math.fround));
    expect(notes[0]).toMatch(/not integers/); // the users are "u0"…
    const back = await importFactors(files['itemFactors.json']);
    expect(back.options.confidence).toBe('linear');
    expect(maxAbsDiff(back.params.itemFactors, model.params.itemFactors)).toBeLessThan(1e-6);
    expect(Array.from(back.params.itemFactors, Math.fround)).toEqual(Array.from(model.params.itemFactors, Math.fround));
  });

  it("an explicit model's biases travel as two columns: x'·y' = the score less the global mean", async () => {
    const model = await trained('explicit');
    const { files, factors, notes } = exportFactors(model, 'npz', { head: 'rating' });
    expect(factors).toBe(6);
    expect(notes[0]).toMatch(/biases are carried as two more columns/);
    const back = await importFactors(files['model.npz'], { feedback: 'explicit' });
    const u = model.users.index('u2')!;
    for (let i = 0; i < 5; i++) {
      const dot = Array.from({ length: 6 }, (_, a) => back.params.userFactors[u * 6 + a] * back.params.itemFactors[i * 6 + a]).reduce((s, v) => s + v);
      expect(dot + model.params.globalMean).toBeCloseTo(model.predict('u2', model.items.id(i)), 4);
    }
  });

  it('through the recommender (engine in-thread, as in the worker): exportFactors and importFactors of a Spark directory', async () => {
    const rec = await createRecommender({ inThread: true });
    const dir = mkdtempSync(join(tmpdir(), 'als-spark-'));
    writeSparkModel(dir, randomFactors(4, 3, 1), randomFactors(6, 3, 2), 3, { implicitPrefs: true, alpha: 2, rank: 3 });
    const info = await rec.importFactors(readDir(dir));
    expect(info).toMatchObject({ users: 4, items: 6 });
    const out = await rec.exportFactors('npz');
    expect(Object.keys(out.files)).toEqual(['model.npz']);
    await expect(rec.exportFactors('parquet' as never)).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await rec.dispose();
  });
});
