import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsortDescending, topK } from '../../src/recommend/top-k.js';

/** Reference: sort every admissible index by (score desc, index asc), take k. */
function naiveTopK(scores: number[], k: number, excluded: Set<number>, candidates?: number[]): number[] {
  const pool = candidates ? [...new Set(candidates)] : scores.map((_, i) => i);
  return pool
    .filter((i) => !Number.isNaN(scores[i]) && !excluded.has(i))
    .sort((a, b) => (scores[a] !== scores[b] ? scores[b] - scores[a] : a - b))
    .slice(0, k);
}

const f64 = (...xs: number[]) => Float64Array.from(xs);
const i32 = (...xs: number[]) => Int32Array.from(xs);

describe('topK: known answers', () => {
  it('returns the k highest, best first', () => {
    const r = topK(f64(0.1, 0.9, 0.5, 0.7), 2);
    expect(Array.from(r.indices)).toEqual([1, 3]);
    expect(Array.from(r.scores)).toEqual([0.9, 0.7]);
  });

  it('breaks ties by the lower index, including -0 = 0', () => {
    // scores: 2 appears at 1, 3, 4; 0 and -0 at 0 and 5.
    const s = f64(0, 2, 1, 2, 2, -0);
    expect(Array.from(topK(s, 4).indices)).toEqual([1, 3, 4, 2]);
    expect(Array.from(topK(s, 6).indices)).toEqual([1, 3, 4, 2, 0, 5]);
  });

  it('never returns NaN and returns fewer than k when fewer qualify', () => {
    const r = topK(f64(NaN, 1, NaN, -Infinity, Infinity), 10);
    expect(Array.from(r.indices)).toEqual([4, 1, 3]);
    expect(Array.from(r.scores)).toEqual([Infinity, 1, -Infinity]);
    expect(topK(f64(NaN, NaN), 1).indices).toHaveLength(0);
  });

  it('excludes by predicate, by sorted array, and by an unsorted array alike', () => {
    const s = f64(5, 4, 3, 2, 1);
    expect(Array.from(topK(s, 2, (i) => i === 0 || i === 2).indices)).toEqual([1, 3]);
    expect(Array.from(topK(s, 2, i32(0, 2)).indices)).toEqual([1, 3]);
    expect(Array.from(topK(s, 2, i32(2, 0, 2)).indices)).toEqual([1, 3]);
    expect(Array.from(topK(s, 9, i32(-3, 99)).indices)).toEqual([0, 1, 2, 3, 4]);
  });

  it('restricts to candidates, counting repeats once, with exclusion', () => {
    const s = f64(5, 4, 3, 2, 1);
    expect(Array.from(topK(s, 3, undefined, i32(4, 2, 2, 3)).indices)).toEqual([2, 3, 4]);
    expect(Array.from(topK(s, 3, i32(2), i32(4, 2, 2, 3)).indices)).toEqual([3, 4]);
    expect(Array.from(topK(s, 3, (i) => i === 3, i32(4, 2, 3)).indices)).toEqual([2, 4]);
    expect(() => topK(s, 3, undefined, i32(5))).toThrow(RangeError);
    expect(() => topK(s, 3, undefined, i32(-1))).toThrow(RangeError);
  });

  it('handles k = 0, k > n and empty input; rejects a bad k with BAD_OPTION', () => {
    expect(topK(f64(1, 2), 0).indices).toHaveLength(0);
    expect(Array.from(topK(f64(1, 2), 100).indices)).toEqual([1, 0]);
    expect(topK(new Float64Array(0), 3).indices).toHaveLength(0);
    for (const k of [-1, 1.5, NaN, Infinity]) expect(() => topK(f64(1), k)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });
});

describe('topK: properties', () => {
  // Few distinct values so ties are common; NaN and infinities included.
  const score = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(NaN, Infinity, -Infinity, -0), fc.double({ noNaN: true }));

  it('equals sorting everything, for every exclusion and candidate form (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(score, { maxLength: 60 }),
        fc.nat(70),
        fc.array(fc.nat(70), { maxLength: 20 }),
        fc.option(fc.array(fc.nat(59), { maxLength: 40 }), { nil: undefined }),
        (xs, k, excl, cands) => {
          const s = Float64Array.from(xs);
          const excluded = new Set(excl);
          const candidates = cands?.filter((i) => i < xs.length);
          const want = naiveTopK(xs, k, excluded, candidates);
          const c = candidates ? Int32Array.from(candidates) : undefined;
          const sorted = Int32Array.from([...excluded].sort((a, b) => a - b));
          for (const ex of [(i: number) => excluded.has(i), sorted, Int32Array.from(excl)]) {
            const r = topK(s, k, ex, c);
            expect(Array.from(r.indices)).toEqual(want);
            expect(Array.from(r.scores)).toEqual(want.map((i) => xs[i]));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('argsortDescending is a permutation in the same order, NaN last (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(score, { maxLength: 60 }), (xs) => {
        const s = Float64Array.from(xs);
        const order = Array.from(argsortDescending(s));
        const finite = naiveTopK(xs, xs.length, new Set());
        const nans = xs.map((x, i) => (Number.isNaN(x) ? i : -1)).filter((i) => i >= 0);
        expect(order).toEqual([...finite, ...nans]);
        expect(Array.from(argsortDescending(s, Int32Array.from(finite.slice().reverse())))).toEqual(finite);
      }),
    );
  });
});
