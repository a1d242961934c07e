/**
 * BM25 weighting (`weighting: 'bm25'`): the weights against benfred/implicit's `bm25_weight`
 * formula written out, training on them, fold-in of a new user weighted the same way, and the
 * model file carrying the statistics.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import { BM25_B, BM25_K1, bm25Row, bm25Statistics, MIN_IDF } from '../../src/train/weighting.js';
import { csrFromTriplets } from '../../src/data/csr.js';
import { fromRecords } from '../../src/data/parse.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { refImplicitRow } from '../helpers/reference-als.js';

/** implicit's bm25_weight, as in its source: N rows, idf = ln N − ln(1 + df), length norm by row sums. */
function implicitBm25(rows: number, cols: number, entries: { u: number; i: number; r: number }[]): Map<string, number> {
  const df = new Array<number>(cols).fill(0);
  const rowSum = new Array<number>(rows).fill(0);
  for (const e of entries) {
    df[e.i]++;
    rowSum[e.u] += e.r;
  }
  const avg = rowSum.reduce((a, b) => a + b, 0) / rows;
  const out = new Map<string, number>();
  for (const e of entries) {
    const idf = Math.log(rows) - Math.log1p(df[e.i]);
    const norm = 1 - BM25_B + (BM25_B * rowSum[e.u]) / avg;
    out.set(`${e.u},${e.i}`, ((e.r * (BM25_K1 + 1)) / (BM25_K1 * norm + e.r)) * Math.max(MIN_IDF, idf));
  }
  return out;
}

describe('BM25 weights', () => {
  it('equal implicit bm25_weight on random count matrices (idf floored at MIN_IDF)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: 0.5, max: 5000, noNaN: true })), { minLength: 1, maxLength: 60 }),
        (rows, cols, raw) => {
          const seen = new Set<string>();
          const entries = raw.map(([u, i, r]) => ({ u: u % rows, i: i % cols, r })).filter((e) => !seen.has(`${e.u},${e.i}`) && seen.add(`${e.u},${e.i}`));
          const csr = csrFromTriplets(rows, cols, Int32Array.from(entries, (e) => e.u), Int32Array.from(entries, (e) => e.i), Float64Array.from(entries, (e) => e.r), 'sum');
          const stats = bm25Statistics(csr);
          const expected = implicitBm25(rows, cols, entries);
          for (let u = 0; u < rows; u++) {
            const lo = csr.indptr[u];
            const hi = csr.indptr[u + 1];
            const w = bm25Row(csr.indices.subarray(lo, hi), csr.values.subarray(lo, hi), stats);
            for (let t = 0; t < w.length; t++) expect(w[t]).toBeCloseTo(expected.get(`${u},${csr.indices[lo + t]}`)!, 9);
          }
        },
      ),
    );
  });

  it('damps a whale row and an item everybody has', () => {
    // Users 0–2 hold 1 play of item 0 and 1 of item 1; user 3 (a whale) holds 1000 of item 1 and item 2.
    const csr = csrFromTriplets(4, 3, Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]), Int32Array.from([0, 1, 0, 1, 0, 1, 1, 2]), Float64Array.from([1, 1, 1, 1, 1, 1, 1000, 1000]), 'sum');
    const stats = bm25Statistics(csr);
    expect(stats.idf[1]).toBe(MIN_IDF); // in every row: ln 4 − ln 5 < 0, floored
    expect(stats.idf[2]).toBeGreaterThan(stats.idf[0]);
    const whale = bm25Row([1, 2], [1000, 1000], stats);
    expect(whale[1] / stats.idf[2]).toBeLessThan(BM25_K1 + 1); // saturated: 1000 plays count < K1 + 1
  });

  it('refuses negative values, naming the option', () => {
    const csr = csrFromTriplets(1, 2, Int32Array.from([0, 0]), Int32Array.from([0, 1]), Float64Array.from([1, -1]), 'sum');
    expect(() => bm25Statistics(csr)).toThrow(expect.objectContaining({ code: 'BAD_OPTION', details: expect.objectContaining({ option: 'weighting' }) }));
  });
});

describe('training with weighting: "bm25"', () => {
  const data = generateSynthetic({ users: 60, items: 40, interactions: 1300, feedback: 'implicit', rank: 3, seed: 5 });
  const options = { feedback: 'implicit' as const, factors: 3, iterations: 3, regularization: 0.5, weighting: 'bm25' as const, confidence: 'linear' as const, alpha: 1 };

  it('trains on the weighted counts, folds a new user in with the same weights, and saves the statistics', async () => {
    const { model } = await train(data, options);
    const plain = await train(data, { ...options, weighting: 'none' });
    expect(model.options.weighting).toBe('bm25');
    expect(model.bm25!.idf.length).toBe(model.items.size);
    expect(model.params.userFactors).not.toEqual(plain.model.params.userFactors);
    // The stored training rows are the weighted ones.
    const u = 0;
    const lo = model.seen.indptr[u];
    const hi = model.seen.indptr[u + 1];
    const raw = plain.model.seen.values.subarray(lo, hi);
    expect(Array.from(model.seen.values.subarray(lo, hi))).toEqual(Array.from(bm25Row(model.seen.indices.subarray(lo, hi), raw, model.bm25!)));
    // Fold-in of raw counts = the dense half-step with the BM25-weighted confidences.
    const history = [
      { item: model.items.id(1), value: 3 },
      { item: model.items.id(4), value: 40 },
      { item: model.items.id(7), value: 1 },
    ];
    const fold = model.foldIn(history);
    const w = bm25Row([1, 4, 7], [3, 40, 1], model.bm25!);
    const expected = refImplicitRow(model.params.itemFactors, model.items.size, 3, new Map([[1, w[0]], [4, w[1]], [7, w[2]]]), { feedback: 'implicit', factors: 3, regularization: 0.5, alpha: 1, iterations: 0, seed: 0 });
    for (let a = 0; a < 3; a++) expect(fold.factors[a]).toBeCloseTo(expected[a], 5); // confidences are f32 in the kernel
    // The model file keeps the statistics: the loaded model folds in identically.
    const loaded = await loadModel(saveModel(model));
    expect(loaded.options.weighting).toBe('bm25');
    expect(Array.from(loaded.bm25!.idf)).toEqual(Array.from(model.bm25!.idf));
    expect(Array.from(loaded.foldIn(history).factors)).toEqual(Array.from(fold.factors));
  });

  it('is refused with explicit feedback and with negative implicit values', async () => {
    await expect(train(data, { feedback: 'explicit', weighting: 'bm25' })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'weighting', reason: 'inapplicable' } });
    const signed = await fromRecords([{ user: 'a', item: 'x', value: 2 }, { user: 'a', item: 'y', value: -1 }, { user: 'b', item: 'x', value: 1 }]);
    await expect(train(signed, { feedback: 'implicit', weighting: 'bm25', regularization: 1 })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});
