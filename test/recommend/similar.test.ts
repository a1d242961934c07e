import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowNorms, similarItems } from '../../src/recommend/similar.js';

describe('rowNorms', () => {
  it('computes Euclidean row norms (3-4-5)', () => {
    expect(Array.from(rowNorms(Float64Array.of(3, 4, 0, 0, 1, 0), 3, 2))).toEqual([5, 0, 1]);
  });
  it('rejects a matrix too short for its shape', () => {
    expect(() => rowNorms(new Float64Array(5), 3, 2)).toThrow(RangeError);
  });
});

describe('similarItems: known answers', () => {
  // Rows (f = 2):  0: (1, 0)   1: (1, 1)   2: (0, 2)   3: (0, 0)   4: (-1, 0)   5: (2, 0)
  // cos with row 0: 1 → 1/√2 ≈ 0.7071, 2 → 0, 3 → 0 (zero norm), 4 → −1, 5 → 1 (parallel)
  const Y = Float64Array.of(1, 0, 1, 1, 0, 2, 0, 0, -1, 0, 2, 0);

  it('ranks by cosine, leaves the item out, gives zero-norm rows 0', () => {
    const r = similarItems(Y, 6, 2, 0, 5);
    expect(Array.from(r.indices)).toEqual([5, 1, 2, 3, 4]); // 2 and 3 tie at 0: lower index first
    expect(r.scores[0]).toBe(1);
    expect(r.scores[1]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(Array.from(r.scores.subarray(2))).toEqual([0, 0, -1]);
  });

  it('gives similarity 0 (not NaN) to everything for a zero-norm query', () => {
    const r = similarItems(Y, 6, 2, 3, 10);
    expect(Array.from(r.indices)).toEqual([0, 1, 2, 4, 5]);
    expect(Array.from(r.scores)).toEqual([0, 0, 0, 0, 0]);
  });

  it('uses cached norms and the computed ones identically', () => {
    expect(similarItems(Y, 6, 2, 1, 3, rowNorms(Y, 6, 2))).toEqual(similarItems(Y, 6, 2, 1, 3));
  });

  it('rejects an out-of-range item, a bad k and short norms', () => {
    expect(() => similarItems(Y, 6, 2, 6, 3)).toThrow(RangeError);
    expect(() => similarItems(Y, 6, 2, -1, 3)).toThrow(RangeError);
    expect(() => similarItems(Y, 6, 2, 0, -1)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => similarItems(Y, 6, 2, 0, 3, new Float64Array(2))).toThrow(RangeError);
  });
});

describe('similarItems: properties', () => {
  it('matches a naive cosine, stays in [−1, 1], never NaN, never the item itself (fast-check)', () => {
    // Realistic factor magnitudes: squares of denormals underflow, which no trained model has.
    const entry = fc.oneof(fc.constant(0), fc.double({ min: -1e3, max: 1e3, noNaN: true }).map((x) => (Math.abs(x) < 1e-100 ? 0 : x)));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.integer({ min: 1, max: 5 })).chain(([n2, f]) =>
            fc.tuple(fc.constant(n2), fc.constant(f), fc.array(entry, { minLength: n2 * f, maxLength: n2 * f }), fc.nat(n2 - 1), fc.nat(n2 + 2)),
          ),
        ),
        ([n, f, ys, item, k]) => {
          const Y = Float64Array.from(ys);
          const r = similarItems(Y, n, f, item, k);
          expect(r.indices.length).toBe(Math.min(k, n - 1));
          expect(Array.from(r.indices)).not.toContain(item);
          const norm = (i: number) => Math.hypot(...ys.slice(i * f, i * f + f));
          for (let t = 0; t < r.indices.length; t++) {
            const i = r.indices[t];
            const s = r.scores[t];
            expect(Number.isNaN(s)).toBe(false);
            expect(Math.abs(s)).toBeLessThanOrEqual(1);
            let dot = 0;
            for (let a = 0; a < f; a++) dot += ys[item * f + a] * ys[i * f + a];
            const d = norm(item) * norm(i);
            expect(s).toBeCloseTo(d === 0 ? 0 : Math.max(-1, Math.min(1, dot / d)), 9);
            if (t > 0) expect(r.scores[t - 1]).toBeGreaterThanOrEqual(s);
          }
        },
      ),
    );
  });
});
