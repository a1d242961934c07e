// Memory layout for scale: interaction values as f32 in WASM memory, the exact training memory
// estimate (against the arena's high-water mark), and the OUT_OF_MEMORY refusal before allocating.
import { describe, expect, it } from 'vitest';
import { toConfidence } from '../../src/train/confidence.js';
import { resolveTrainOptions, type TrainOptions } from '../../src/train/options.js';
import { trainFactors } from '../../src/train/train.js';
import { estimateTrainingBytes, VALUE_BYTES } from '../../src/train/budget.js';
import { usesF32Copy } from '../../src/train/solvers.js';
import { buildMatrix } from '../../src/data/csr.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import type { RatingMatrix } from '../../src/data/types.js';
import { isAlsError } from '../../src/errors.js';
import { MAX_PAGES, PAGE_BYTES } from '../../src/wasm/arena.js';
import { kernelVariantsAvailable, loadKernels } from '../../src/wasm/kernels.js';

const variants = await kernelVariantsAvailable();
const data = generateSynthetic({ users: 120, items: 90, interactions: 4000, rank: 4, feedback: 'explicit', seed: 2 });
const matrix = buildMatrix(data, { duplicates: 'last' });

const runs: { name: string; o: TrainOptions }[] = [
  { name: 'implicit, Cholesky', o: { feedback: 'implicit', factors: 12, iterations: 2 } },
  { name: 'implicit, CG (mixed: with the f32 copy of the factors)', o: { feedback: 'implicit', factors: 9, solver: 'cg', iterations: 2 } },
  { name: 'implicit, CG, f64', o: { feedback: 'implicit', factors: 9, solver: 'cg', precision: 'f64', iterations: 2 } },
  { name: 'explicit with biases', o: { feedback: 'explicit', factors: 7, biases: true, iterations: 2 } },
  { name: 'explicit plain', o: { feedback: 'explicit', factors: 16, iterations: 1 } },
  { name: 'explicit with biases, CG', o: { feedback: 'explicit', factors: 7, biases: true, solver: 'cg', iterations: 2 } },
];

function maxRow(m: RatingMatrix): number {
  let best = 0;
  for (const c of [m.byUser, m.byItem]) for (let r = 0; r < c.rows; r++) best = Math.max(best, c.indptr[r + 1] - c.indptr[r]);
  return best;
}

describe.each(variants)('training memory with %s kernels', (kernels) => {
  it.each(runs)('estimateTrainingBytes equals the arena high-water mark: $name', async ({ o }) => {
    const rt = await loadKernels({ variant: kernels });
    // One thread, so the run lays out in this runtime (a pool brings its own shared memory).
    const opts = resolveTrainOptions({ ...o, kernels, workers: 1 }, o.feedback!);
    const { report } = await trainFactors(matrix, opts, { runtime: rt });
    const biases = opts.feedback === 'explicit' && opts.biases;
    const k = biases ? opts.factors + 1 : opts.factors;
    const scratch = Math.max(rt.exports.scratchBytes(k, maxRow(matrix)), rt.exports.scratchBytesCG(k, maxRow(matrix)));
    // The run's own estimate (its chunk and thread counts) is exact; the planning estimate bounds it.
    expect(rt.arena.peak).toBe(report.memoryBytes);
    const estimate = estimateTrainingBytes(matrix.byUser.rows, matrix.byItem.rows, matrix.nnz, k, scratch, biases, rt.arena.start, { f32Copy: usesF32Copy(opts) });
    expect(estimate).toBeGreaterThanOrEqual(report.memoryBytes);
    expect(estimate - report.memoryBytes).toBeLessThanOrEqual(32 * (matrix.byUser.rows + matrix.byItem.rows) + 64);
    expect(rt.memory.buffer.byteLength).toBeGreaterThanOrEqual(report.memoryBytes);
  });
});

describe('interaction values as f32', () => {
  it('stores 4 bytes per value', () => expect(VALUE_BYTES).toBe(4));

  it('toConfidence writes into an f32 view, rounding each confidence once', () => {
    const raw = Float64Array.of(3, -2, 0, 0.5);
    const out = new Float32Array(4);
    expect(toConfidence(raw, 'linear', 0.37, 1, out)).toBe(out);
    const want = toConfidence(raw, 'linear', 0.37, 1);
    for (let j = 0; j < 4; j++) expect(out[j]).toBe(Math.fround(want[j]));
  });

  it('half-star ratings and integer counts are exact in f32', () => {
    for (let r = 0.5; r <= 5; r += 0.5) expect(Math.fround(r)).toBe(r);
    for (const c of [1, 41, 1 + 40 * 1000, 2 ** 24]) expect(Math.fround(c)).toBe(c);
  });
});

describe('OUT_OF_MEMORY before allocating', () => {
  /** A matrix that claims `nnz` interactions over m × n with empty rows: nothing big exists in JS either. */
  const claimed = (m: number, n: number, nnz: number): RatingMatrix => ({
    byUser: { rows: m, cols: n, indptr: new Int32Array(m + 1), indices: new Int32Array(0), values: new Float64Array(0) },
    byItem: { rows: n, cols: m, indptr: new Int32Array(n + 1), indices: new Int32Array(0), values: new Float64Array(0) },
    nnz,
    duplicatesMerged: 0,
  });

  it('refuses a problem past wasm32 4 GiB with the numbers and the largest f that fits, allocating nothing', async () => {
    const rt = await loadKernels({ variant: variants[0] });
    const bytesBefore = rt.memory.buffer.byteLength;
    const peakBefore = rt.arena.peak;
    const err = await trainFactors(claimed(3_000_000, 1_000_000, 200_000_000), resolveTrainOptions({ factors: 256, kernels: variants[0] }, 'implicit'), { runtime: rt }).catch((e) => e);
    expect(isAlsError(err) && err.code).toBe('OUT_OF_MEMORY');
    const d = err.details as Record<string, number>;
    expect(d.limitBytes).toBe(MAX_PAGES * PAGE_BYTES);
    // 8·(m + n)·f for the factors + 2·(4 + 4)·nnz for both orientations, and a little more.
    expect(d.neededBytes).toBeGreaterThan(8 * 4e6 * 256 + 16 * 2e8);
    expect(d.neededBytes).toBeLessThan(8 * 4e6 * 256 + 16 * 2e8 + 2 ** 26);
    expect(d.maxFactorsThatFit).toBe(Math.floor((MAX_PAGES * PAGE_BYTES - 16 * 2e8 - 2 ** 26) / (8 * 4e6)) + 1);
    expect(err.message).toMatch(/3000000 users × 1000000 items with 200000000 interactions and 256 factors needs [\d.]+ GiB/);
    expect(err.message).toContain(`Use at most ${d.maxFactorsThatFit} factors`);
    expect(rt.memory.buffer.byteLength).toBe(bytesBefore);
    expect(rt.arena.peak).toBe(peakBefore);
  });

  it('says so when even one factor does not fit', async () => {
    const err = await trainFactors(claimed(1000, 1000, 600_000_000), resolveTrainOptions({ factors: 8 }, 'implicit')).catch((e) => e);
    expect(isAlsError(err) && err.code).toBe('OUT_OF_MEMORY');
    expect(err.message).toContain('even 1 factor does not fit');
  });

  it('accepts MovieLens-20M at f = 64 well inside the limit', () => {
    const bytes = estimateTrainingBytes(138_493, 26_744, 20_000_263, 64, 1 << 20);
    expect(bytes).toBeLessThan(0.5 * 2 ** 30);
    expect(bytes).toBeGreaterThan(8 * (138_493 + 26_744) * 64 + 16 * 20_000_263);
    // Mixed CG's f32 copy: one buffer for the larger side, 4 bytes a factor — counted unless the caller says the run has none.
    expect(estimateTrainingBytes(138_493, 26_744, 20_000_263, 64, 1 << 20, false, undefined, { f32Copy: true })).toBe(bytes);
    expect(bytes - estimateTrainingBytes(138_493, 26_744, 20_000_263, 64, 1 << 20, false, undefined, { f32Copy: false })).toBe(4 * 138_493 * 64);
  });
});
