/**
 * The batch top-k kernel (`topKRows`) of every build against a plain TypeScript reference —
 * the top k of X·Yᵀ by (score desc, row asc) — on random problems with ties, exclusions,
 * candidates, biases, k above the row count and queries with nothing to exclude; and its
 * scores against `scoreRows`, bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topKBatch } from '../../src/recommend/batch.js';
import type { Csr } from '../../src/data/types.js';
import { kernelRuntimes } from '../helpers/kernel-fixtures.js';
import { KernelRandom } from '../helpers/kernel-random.js';

const runtimes = await kernelRuntimes();

interface Problem {
  f: number;
  Q: Float64Array;
  T: Float64Array;
  b: number;
  n: number;
  k: number;
  bias?: { q: Float64Array; t: Float64Array };
  exclude?: Csr;
  common?: Int32Array;
  candidates?: Int32Array;
}

/** The plain reference: every admissible row scored in textbook order, sorted, cut at k. */
function reference(p: Problem): number[][] {
  const out: number[][] = [];
  for (let q = 0; q < p.b; q++) {
    const excluded = new Set<number>(p.common ?? []);
    if (p.exclude) for (let j = p.exclude.indptr[q]; j < p.exclude.indptr[q + 1]; j++) excluded.add(p.exclude.indices[j]);
    const rows = p.candidates ? [...p.candidates] : Array.from({ length: p.n }, (_, t) => t);
    const scored = rows
      .filter((t) => !excluded.has(t))
      .map((t) => {
        let s = 0;
        for (let a = 0; a < p.f; a++) s += p.Q[q * p.f + a] * p.T[t * p.f + a];
        if (p.bias) s += p.bias.q[q] + p.bias.t[t];
        return { t, s };
      })
      .filter((e) => !Number.isNaN(e.s))
      .sort((x, y) => (y.s > x.s ? 1 : y.s < x.s ? -1 : x.t - y.t));
    out.push(scored.slice(0, p.k).map((e) => e.t));
  }
  return out;
}

function run(rt: (typeof runtimes)[number], p: Problem, withScores = false) {
  const mark = rt.arena.mark();
  const ptr = rt.arena.putF64(p.T);
  const biasPtr = p.bias ? rt.arena.putF64(p.bias.t) : 0;
  try {
    const rows = Int32Array.from({ length: p.b }, (_, q) => q);
    return topKBatch(rt, { ptr, rows: p.n, f: p.f, biasPtr }, p.Q, p.bias?.q, {
      k: p.k,
      exclude: p.exclude && { matrix: p.exclude, rows },
      common: p.common,
      candidates: p.candidates,
      withScores,
    });
  } finally {
    rt.arena.release(mark);
  }
}

function rowsOf(r: ReturnType<typeof run>, b: number): number[][] {
  return Array.from({ length: b }, (_, q) => Array.from(r.indices.subarray(q * r.k, q * r.k + r.counts[q])));
}

/** Entries from a small integer grid make exact ties common (sums of small integers are exact). */
const problem = fc
  .record({
    f: fc.integer({ min: 1, max: 9 }),
    b: fc.integer({ min: 0, max: 7 }),
    n: fc.integer({ min: 1, max: 23 }),
    k: fc.integer({ min: 0, max: 30 }),
    seed: fc.integer(),
    ties: fc.boolean(),
    biases: fc.boolean(),
    excludeShare: fc.constantFrom(0, 0.3, 1),
    common: fc.boolean(),
    candidates: fc.boolean(),
  })
  .map((o): Problem => {
    const rng = new KernelRandom(o.seed);
    const v = () => (o.ties ? rng.int(3) - 1 : rng.normal());
    const Q = Float64Array.from({ length: o.b * o.f }, v);
    const T = Float64Array.from({ length: o.n * o.f }, v);
    const indptr = new Int32Array(o.b + 1);
    const indices: number[] = [];
    for (let q = 0; q < o.b; q++) {
      // Some queries exclude nothing (a user with no training items), some many.
      for (let t = 0; t < o.n; t++) if (rng.next() < o.excludeShare * (q % 2)) indices.push(t);
      indptr[q + 1] = indices.length;
    }
    return {
      f: o.f,
      b: o.b,
      n: o.n,
      k: o.k,
      Q,
      T,
      bias: o.biases ? { q: Float64Array.from({ length: o.b }, v), t: Float64Array.from({ length: o.n }, v) } : undefined,
      exclude: o.excludeShare > 0 ? { rows: o.b, cols: o.n, indptr, indices: Int32Array.from(indices), values: new Float64Array(indices.length) } : undefined,
      common: o.common ? Int32Array.from(rng.distinct(1 + rng.int(3), o.n)) : undefined,
      candidates: o.candidates ? Int32Array.from(rng.distinct(1 + rng.int(o.n), o.n)) : undefined,
    };
  });

describe('topKRows', () => {
  it.each(runtimes.map((rt) => [`${rt.variant}${rt.shared ? ' (shared)' : ''}`, rt] as const))('%s: the top k of Q·Tᵀ, ties by lower row, exclusions and candidates honoured', (_name, rt) => {
    fc.assert(
      fc.property(problem, (p) => {
        expect(rowsOf(run(rt, p), p.b)).toEqual(reference(p));
      }),
      { numRuns: 150 },
    );
  });

  it.each(runtimes.map((rt) => [`${rt.variant}${rt.shared ? ' (shared)' : ''}`, rt] as const))('%s: scores are the bits of scoreRows (one query at a time), at f = 1 … 70', (_name, rt) => {
    const rng = new KernelRandom(7);
    for (const f of [1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 70]) {
      const n = 37;
      const b = 5;
      const p: Problem = { f, b, n, k: n, Q: Float64Array.from({ length: b * f }, () => rng.normal()), T: Float64Array.from({ length: n * f }, () => rng.normal()) };
      const r = run(rt, p, true);
      const mark = rt.arena.mark();
      const Tp = rt.arena.putF64(p.T);
      const xp = rt.arena.alloc(8 * f);
      const out = rt.arena.alloc(8 * n);
      for (let q = 0; q < b; q++) {
        rt.arena.f64(xp, f).set(p.Q.subarray(q * f, q * f + f));
        rt.exports.scoreRows(Tp, n, f, xp, out);
        const expected = rt.arena.f64(out, n).slice();
        expect(r.all!.subarray(q * n, q * n + n)).toEqual(expected);
        // The top list carries the same bits, in the total order.
        for (let j = 0; j < r.counts[q]; j++) expect(r.scores[q * n + j]).toBe(expected[r.indices[q * n + j]]);
      }
      rt.arena.release(mark);
    }
  });

  it('never returns NaN rows and returns fewer than k when fewer qualify', () => {
    for (const rt of runtimes) {
      const p: Problem = { f: 2, b: 1, n: 4, k: 10, Q: Float64Array.of(1, 1), T: Float64Array.of(1, 0, NaN, 0, 0, 2, 3, 0) };
      expect(rowsOf(run(rt, p), 1)).toEqual([[3, 2, 0]]);
    }
  });
});
