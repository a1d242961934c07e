/**
 * The data-scaled default λ of implicit feedback: σ₁ by power iteration against a dense
 * reference, and training's use of it (reported, served with, scaled with the data).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoRegularization, AUTO_REGULARIZATION_SCALE, largestSingularValue, regularizationTransferExponent } from '../../src/train/auto-regularization.js';
import { train } from '../../src/api/fit.js';
import { csrFromTriplets } from '../../src/data/csr.js';
import { generateSynthetic } from '../../src/data/synthetic.js';

/** σ₁ of a small dense matrix: √(largest eigenvalue of AᵀA), by power iteration run to convergence. */
function denseSigma(A: number[][]): number {
  const n = A[0].length;
  const AtA = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => A.reduce((s, row) => s + row[i] * row[j], 0)));
  let v = new Array<number>(n).fill(1);
  let lambda = 0;
  for (let it = 0; it < 3000; it++) {
    const w = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i] += AtA[i][j] * v[j];
    let norm = 0;
    for (const x of w) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    v = w.map((x) => x / norm);
    lambda = norm;
  }
  return Math.sqrt(lambda);
}

describe('largestSingularValue', () => {
  it('matches a dense reference on random sparse non-negative matrices (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.tuple(fc.nat(6), fc.nat(6), fc.double({ min: 0.1, max: 20, noNaN: true })), { minLength: 1, maxLength: 30 }),
        (m, n, cells) => {
          const kept = cells.filter(([u, i]) => u < m && i < n);
          if (kept.length === 0) return;
          const csr = csrFromTriplets(m, n, Int32Array.from(kept, (c) => c[0]), Int32Array.from(kept, (c) => c[1]), Float64Array.from(kept, (c) => c[2]), 'sum');
          const dense = Array.from({ length: m }, () => new Array<number>(n).fill(0));
          for (let r = 0; r < m; r++) for (let j = csr.indptr[r]; j < csr.indptr[r + 1]; j++) dense[r][csr.indices[j]] = csr.values[j];
          // λ needs σ₁ to about 1 %: power iteration stops once a step changes it by < 1e-4.
          const s = largestSingularValue(csr, n, csr.values);
          const ref = denseSigma(dense);
          expect(Math.abs(s - ref)).toBeLessThanOrEqual(0.01 * ref);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is the known value on a rank-one matrix and 0 on an empty one', () => {
    // [[1, 2], [2, 4]] = [1, 2]ᵀ[1, 2]: σ₁ = ‖[1,2]‖² = 5; signs of confidences are ignored.
    const csr = csrFromTriplets(2, 2, Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 1, 0, 1]), Float64Array.from([1, 2, 2, 4]), 'sum');
    expect(largestSingularValue(csr, 2, Float64Array.from([1, -2, 2, 4]))).toBeCloseTo(5, 3);
    const empty = csrFromTriplets(3, 2, new Int32Array(0), new Int32Array(0), new Float64Array(0), 'sum');
    expect(largestSingularValue(empty, 2, new Float64Array(0))).toBe(0);
    expect(autoRegularization(csr, 2, csr.values)).toBeCloseTo(AUTO_REGULARIZATION_SCALE * 5, 3);
  });
});

describe('regularizationTransferExponent', () => {
  /** A by-user layout whose rows hold these many entries. */
  const rows = (counts: number[]) => ({ rows: counts.length, indptr: Int32Array.from([0, ...counts.map((_, i) => counts.slice(0, i + 1).reduce((a, b) => a + b, 0))]) });

  it('carries λ in proportion to the closed form on sparse data, unchanged on dense data, log-linear between', () => {
    expect(regularizationTransferExponent(rows([1, 4, 4, 9, 30]))).toBe(1); // median 4
    expect(regularizationTransferExponent(rows([50, 65, 100, 3]))).toBe(0); // median 65
    expect(regularizationTransferExponent(rows([20, 20, 20]))).toBeCloseTo(0.5, 12); // √(10·40)
    expect(regularizationTransferExponent(rows([0, 0, 20, 20, 20]))).toBeCloseTo(0.5, 12); // empty rows do not count
    expect(regularizationTransferExponent(rows([]))).toBe(1);
  });

  it('never increases with the median row count', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 50 }), (counts, add) => {
        const more = counts.map((c) => c + add);
        const x = regularizationTransferExponent(rows(counts));
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        expect(regularizationTransferExponent(rows(more))).toBeLessThanOrEqual(x);
      }),
    );
  });
});

describe('implicit training with the default λ', () => {
  it('calibrates λ on held-out pairs around the closed form, reports it, serves with it, and is deterministic', async () => {
    const data = generateSynthetic({ users: 120, items: 80, interactions: 2500, feedback: 'implicit', rank: 3, seed: 9 });
    const a = await train(data, { feedback: 'implicit', factors: 4, iterations: 2 });
    expect(a.model.options.autoRegularization).toBe(true);
    const cal = a.report.regularizationCalibration!;
    expect(cal.closedForm).toBeGreaterThan(0);
    expect(cal.trials.length).toBeGreaterThanOrEqual(5); // 1, 2, ½, then √2 steps beside the best
    expect(cal.trials.map((t) => t.scale).slice(0, 3)).toEqual([1, 2, 0.5]);
    // The chosen multiple is the best-scoring one tried.
    const best = Math.max(...cal.trials.map((t) => t.score));
    expect(cal.trials.find((t) => t.scale === cal.scale)!.score).toBe(best);
    expect(a.report.regularization).toBeCloseTo(cal.scale * cal.partClosedForm * (cal.closedForm / cal.partClosedForm) ** cal.transferExponent, 10);
    expect(cal.transferExponent).toBeGreaterThanOrEqual(0);
    expect(cal.transferExponent).toBeLessThanOrEqual(1);
    expect(a.model.options.regularization).toBe(a.report.regularization); // fold-in uses the trained λ
    // ε 'auto' is the median value, reported and served with.
    expect(a.report.confidence).toMatchObject({ form: 'log', alpha: 2 });
    expect(a.model.options.epsilon).toBe(a.report.confidence!.epsilon);
    const fixed = await train(data, { feedback: 'implicit', factors: 4, iterations: 2, regularization: 0.3 });
    expect(fixed.report.regularization).toBe(0.3);
    expect(fixed.report.regularizationCalibration).toBeUndefined();
    // The same data and seed give the same λ.
    expect((await train(data, { feedback: 'implicit', factors: 4, iterations: 2 })).report.regularization).toBe(a.report.regularization);
  });

  it('grows the closed form with α (σ₁ of the confidences)', () => {
    const data = generateSynthetic({ users: 120, items: 80, interactions: 2500, feedback: 'implicit', rank: 3, seed: 9 });
    const csr = csrFromTriplets(120, 80, data.user, data.item, data.value, 'sum');
    const at = (alpha: number) => autoRegularization(csr, 80, Float64Array.from(csr.values, (r) => 1 + alpha * r));
    expect(at(10)).toBeGreaterThan(5 * at(1));
  });
});

describe('a model built from options whose λ or ε is still "auto"', () => {
  it('is refused with the option named, not served with a NaN λ', async () => {
    const { AlsModel } = await import('../../src/model/model.js');
    const { resolveTrainOptions } = await import('../../src/train/options.js');
    const { idMapFromIds } = await import('../../src/data/id-map.js');
    const items = idMapFromIds(['a', 'b']);
    const users = idMapFromIds(['u']);
    const seen = csrFromTriplets(1, 2, Int32Array.of(0), Int32Array.of(0), Float64Array.of(1), 'sum');
    const factors = { factors: 1, userFactors: Float64Array.of(1), itemFactors: Float64Array.of(1, 0.5), globalMean: 0 };
    const options = resolveTrainOptions({ feedback: 'implicit' }, 'implicit');
    await expect(AlsModel.create({ options, users, items, factors, seen })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'options.regularization' } });
    await expect(AlsModel.create({ options: { ...options, regularization: 0.1 }, users, items, factors, seen })).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'options.epsilon' } });
    const fixed = await AlsModel.create({ options: { ...options, regularization: 0.1, epsilon: 1 }, users, items, factors, seen });
    expect(fixed.recommendForHistory([{ item: 'a' }], 1)[0].id).toBe('b');
  });
});
