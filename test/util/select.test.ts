import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { selectInPlace } from '../../src/util/select.js';
import { medianPositive, quantileOfPositive } from '../../src/train/confidence.js';

/** The plain definition: sort, take rank k. */
const sortedAt = (values: number[], k: number) => Float64Array.from(values).sort()[k];
/** Numeric order has −0 = +0 (a typed-array sort puts −0 first; selection need not): compare as numbers. */
const plus0 = (x: number) => x + 0;

describe('selectInPlace', () => {
  it('returns what a full sort puts at rank k, and partitions around it', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 300 }), fc.nat(), (values, r) => {
        const k = r % values.length;
        const a = Float64Array.from(values);
        const v = selectInPlace(a, k);
        expect(plus0(v)).toBe(plus0(sortedAt(values, k)));
        expect(a[k]).toBe(v);
        for (let i = 0; i < k; i++) expect(a[i]).toBeLessThanOrEqual(v);
        for (let i = k + 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(v);
        // A permutation of the input: nothing lost or invented.
        expect(Array.from(a, plus0).sort((x, y) => x - y)).toEqual(values.map(plus0).sort((x, y) => x - y));
      }),
      { numRuns: 500 },
    );
  });

  it('handles many ties, sorted, reversed and organ-pipe input (the shapes that make naive pivots quadratic)', () => {
    const n = 100_001;
    const shapes: Record<string, (i: number) => number> = {
      ties: (i) => i % 3,
      sorted: (i) => i,
      reversed: (i) => n - i,
      organ: (i) => Math.min(i, n - i),
      constant: () => 7,
    };
    for (const [name, gen] of Object.entries(shapes)) {
      const values = Array.from({ length: n }, (_, i) => gen(i));
      for (const k of [0, 1, n >> 1, n - 2, n - 1]) {
        expect(selectInPlace(Float64Array.from(values), k), `${name} k=${k}`).toBe(sortedAt(values, k));
      }
    }
  });

  it('refuses a rank outside the array', () => {
    expect(() => selectInPlace(new Float64Array(3), 3)).toThrow(RangeError);
    expect(() => selectInPlace(new Float64Array(0), 0)).toThrow(RangeError);
    expect(() => selectInPlace(new Float64Array(3), 1.5)).toThrow(RangeError);
  });
});

describe('quantileOfPositive / medianPositive', () => {
  it('equal the nearest-rank quantile of the sorted positive values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -100, max: 1e5 }), { maxLength: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
        const positive = values.filter((v) => v > 0).sort((x, y) => x - y);
        const expected = positive.length === 0 ? 0 : positive[Math.min(positive.length - 1, Math.floor(q * positive.length))];
        const input = Float64Array.from(values);
        expect(quantileOfPositive(input, q)).toBe(expected);
        // The caller's values are not reordered.
        expect(Array.from(input)).toEqual(values.map((v) => (Object.is(v, -0) ? -0 : v)));
        expect(medianPositive(Float64Array.from(values))).toBe(positive.length === 0 ? 1 : positive[Math.floor(0.5 * positive.length)]);
      }),
      { numRuns: 300 },
    );
  });
});
