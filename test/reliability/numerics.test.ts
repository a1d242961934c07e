/**
 * Numerical faults: overflow from huge values or confidences, non-positive-definite rows,
 * rows with no interactions, more factors than items, problems too big for wasm32 — each a
 * typed error before any work, or a documented finite result; never a NaN model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import { resolveTrainOptions } from '../../src/train/options.js';
import { trainFactors } from '../../src/train/train.js';
import { estimateTrainingBytes } from '../../src/train/budget.js';
import { parseText } from '../../src/data/parse.js';
import type { Csr, RatingMatrix } from '../../src/data/types.js';
import { isAlsError } from '../../src/errors.js';
import { PAGE_BYTES } from '../../src/wasm/arena.js';
import { loadKernels } from '../../src/wasm/kernels.js';

const finite = (p: { userFactors: Float64Array; itemFactors: Float64Array }) => p.userFactors.every(Number.isFinite) && p.itemFactors.every(Number.isFinite);

describe('overflow', () => {
  it.each([
    ['a confidence that overflows (α·r = ∞)', 'a,i,1e300\nb,i,3\na,j,3\n', { feedback: 'implicit', confidence: 'linear', alpha: 1e10 }, /confidence of user "a" for item "i" is Infinity/],
    ['repeated pairs summing past f64', 'a,i,1e308\na,i,1e308\nb,i,3\na,j,3\n', { feedback: 'implicit', confidence: 'linear' }, /confidence of user "a" for item "i" is Infinity/],
    ['a confidence beyond ±1e38', 'a,i,1e200\nb,i,3\na,j,3\n', { feedback: 'implicit', confidence: 'linear' }, /is 1e\+200 .*within ±1e\+38/],
    ['an explicit rating beyond ±1e38', 'a,i,-1e200\nb,i,3\na,j,3\n', { feedback: 'explicit' }, /rating of user "a" for item "i" is -1e\+200/],
    // "a" has fewer interactions than "b", so training lays it out second (src/train/locality.ts): the message still names a and i.
    ['a confidence beyond ±1e38 in a user laid out later', 'a,k,3\nb,i,3\nb,j,3\nb,k,3\na,i,1e200\n', { feedback: 'implicit', confidence: 'linear' }, /confidence of user "a" for item "i" is 1e\+200/],
  ] as const)('%s → NON_FINITE naming the pair, before training', async (_name, text, opts, message) => {
    let iterations = 0;
    const err = await train(parseText(text), { ...opts, factors: 2, onProgress: (p) => void (p.stage === 'iteration' && iterations++) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NON_FINITE', details: { user: 'a', item: 'i' } });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/Rescale the values/);
    expect(iterations).toBe(0);
  });

  it("huge values with confidence: 'log' train to a finite model", async () => {
    const { model } = await train(parseText('a,i,1e300\nb,i,3\na,j,3\nb,k,1\n'), { feedback: 'implicit', confidence: 'log', alpha: 10, factors: 2, iterations: 3 });
    expect(finite(model.params)).toBe(true);
  });

  it('values large enough to swamp λ: NOT_POSITIVE_DEFINITE that says to rescale', async () => {
    const err = await train(parseText('a,i,1e30\nb,i,3\na,j,3\nb,k,3\n'), { feedback: 'implicit', confidence: 'linear', factors: 2, iterations: 3, regularization: 0.05 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_POSITIVE_DEFINITE' });
    expect((err as { details: { largestValue: number } }).details.largestValue).toBeGreaterThanOrEqual(1e8);
    expect((err as Error).message).toMatch(/rescale the values/);
  });

  it('fold-in of a history with values that overflow the solve is an error, not NaN scores', async () => {
    const { model } = await train(parseText('a,i,3\nb,i,3\na,j,3\nb,k,1\n'), { feedback: 'implicit', alpha: 1000, factors: 2, iterations: 2, regularization: 1 });
    const err = (() => {
      try {
        return model.recommendForHistory([{ item: 'i', value: 1e37 }], 2);
      } catch (e) {
        return e;
      }
    })();
    if (Array.isArray(err)) expect(err.every((r) => Number.isFinite(r.score))).toBe(true);
    else expect(['NON_FINITE', 'NOT_POSITIVE_DEFINITE']).toContain((err as { code: string }).code);
  });
});

describe('rows without interactions, and more factors than items', () => {
  it.each([
    [{ feedback: 'explicit', biases: false }],
    [{ feedback: 'explicit', biases: false, weightedRegularization: true }],
    [{ feedback: 'explicit', biases: true }],
    [{ feedback: 'implicit' }],
    [{ feedback: 'implicit', solver: 'cg' }],
    [{ feedback: 'implicit', regularization: 0 }],
  ] as const)('%o: a user and an item with no interactions get zero factors (documented), scores stay finite', async (opts) => {
    const data = parseText('a,i,3\nb,i,4\na,j,5\nb,k,1\nc,k,2\nc,i,1\n');
    data.users.intern('ghost'); // in the id map (e.g. only in a test split) but without a training row
    data.items.intern('unseen');
    const { model } = await train(data, { factors: 2, iterations: 3, ...opts });
    const f = model.factors;
    const g = model.users.index('ghost')!;
    const u = model.items.index('unseen')!;
    expect(Array.from(model.params.userFactors.subarray(g * f, (g + 1) * f))).toEqual([0, 0]);
    expect(Array.from(model.params.itemFactors.subarray(u * f, (u + 1) * f))).toEqual([0, 0]);
    expect(model.recommend('ghost', 5).every((r) => Number.isFinite(r.score))).toBe(true);
    expect(model.similarItems('unseen', 2).every((r) => r.score === 0)).toBe(true); // zero norm: similarity 0, not NaN
    if (!('biases' in opts)) expect(model.predict('ghost', 'i')).toBe(0);
  });

  it.each(['explicit', 'implicit'] as const)('%s: f = 16 > 3 items trains (λ > 0), λ = 0 names the singular row', async (feedback) => {
    const text = 'a,i,3\nb,i,4\na,j,5\nb,k,1\nc,k,2\n';
    const { model } = await train(parseText(text), { feedback, factors: 16, iterations: 3 });
    expect(finite(model.params)).toBe(true);
    const err = await train(parseText(text), { feedback, factors: 16, regularization: 0, iterations: 3 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_POSITIVE_DEFINITE', details: { regularization: 0 } });
    expect((err as Error).message).toMatch(/Set regularization > 0/);
  });

  it('never a NaN model: random small data and options train to finite factors or fail with a typed error (fast-check)', async () => {
    const row = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 5 }), fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })));
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 25 }),
        fc.record({
          feedback: fc.constantFrom('explicit' as const, 'implicit' as const),
          factors: fc.integer({ min: 1, max: 9 }),
          regularization: fc.constantFrom(0, 1e-6, 0.05, 10),
          alpha: fc.constantFrom(0.1, 1, 40),
          biases: fc.boolean(),
          kernels: fc.constantFrom('relaxed' as const, 'scalar' as const, 'reference' as const),
        }),
        async (rows, o) => {
          const text = rows.map(([u, i, v]) => `u${u},i${i},${v}`).join('\n');
          try {
            // Only the options that apply: biases are explicit-only, alpha implicit-only (others are refused).
            const { alpha, biases, ...common } = o;
            const { model, report } = await train(parseText(text), { ...common, ...(o.feedback === 'explicit' ? { biases } : { alpha }), iterations: 3 });
            expect(finite(model.params)).toBe(true);
            expect(report.loss.every(Number.isFinite)).toBe(true);
            const u = model.users.id(0);
            expect(model.recommend(u, 3, { filterSeen: false }).every((r) => Number.isFinite(r.score))).toBe(true);
          } catch (e) {
            if (!isAlsError(e)) throw e;
            expect(['NOT_POSITIVE_DEFINITE', 'NON_FINITE', 'EMPTY_DATA']).toContain(e.code);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('out of memory', () => {
  /** A matrix of the given shape whose arrays are not filled in (only sizes matter for the estimate). */
  function fakeMatrix(m: number, n: number): RatingMatrix {
    const csr = (rows: number, cols: number): Csr => ({ rows, cols, indptr: new Int32Array(rows + 1).fill(1, 1), indices: new Int32Array(1), values: new Float64Array(1).fill(1) });
    return { byUser: csr(m, n), byItem: csr(n, m), nnz: 1, duplicatesMerged: 0 };
  }

  it('a problem too big for wasm32 is refused before any allocation, with the estimate', async () => {
    const runtime = await loadKernels({ variant: 'relaxed' });
    const before = runtime.memory.buffer.byteLength;
    const opts = resolveTrainOptions({ feedback: 'implicit', factors: 1024, workers: 1 }, 'implicit');
    const err = await trainFactors(fakeMatrix(600_000, 300), opts, { runtime }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OUT_OF_MEMORY', details: { users: 600_000, items: 300, factors: 1024, limitBytes: 2 ** 32 } });
    const d = (err as { details: { neededBytes: number } }).details;
    expect(d.neededBytes).toBeGreaterThan(2 ** 32);
    expect((err as Error).message).toMatch(/needs 4\.\d GiB .* at most 4\.0 GiB\. Use at most \d+ factors, or less data/);
    expect(runtime.memory.buffer.byteLength).toBe(before); // refused before allocating
  });

  it.each([
    [200, 150, 4, 'explicit'],
    [200, 150, 64, 'implicit'],
    [50, 2000, 33, 'explicit'],
  ] as const)('the estimate bounds what training really uses (%i users × %i items, f = %i, %s), so a problem that fits trains', async (m, n, f, feedback) => {
    const lines: string[] = [];
    for (let u = 0; u < m; u++) for (let t = 0; t < 10; t++) lines.push(`${u},${(u * 7 + t * 13) % n},${1 + ((u + t) % 5)}`);
    for (let i = 0; i < n; i++) lines.push(`0,${i},1`);
    const data = parseText(lines.join('\n'));
    const runtime = await loadKernels({ variant: 'relaxed', initialBytes: PAGE_BYTES });
    const { report } = await train(data, { feedback, factors: f, iterations: 1 }, { runtime });
    expect(report.loss.every(Number.isFinite)).toBe(true);
    const { buildMatrix } = await import('../../src/data/csr.js');
    const mat = buildMatrix(data, { duplicates: feedback === 'implicit' ? 'sum' : 'last' });
    const maxRow = Math.max(...[mat.byUser, mat.byItem].map((c) => Math.max(...Array.from({ length: c.rows }, (_, r) => c.indptr[r + 1] - c.indptr[r]))));
    const K = runtime.exports;
    const need = estimateTrainingBytes(mat.byUser.rows, mat.byItem.rows, mat.nnz, f, Math.max(K.scratchBytes(f, maxRow), K.scratchBytesCG(f, maxRow)));
    expect(runtime.memory.buffer.byteLength).toBeLessThanOrEqual(Math.ceil(need / PAGE_BYTES) * PAGE_BYTES + PAGE_BYTES);
  });
});
