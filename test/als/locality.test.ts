/**
 * Renumbering rows for locality (src/train/locality.ts): the order is a permutation with counts
 * non-increasing and ties in row order, and every helper undoes exactly what the other did.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heavyFirstOrder, inversePermutation, permutedIndptr, unpermuteRows } from '../../src/train/locality.js';

const counts = fc.array(fc.nat({ max: 12 }), { minLength: 0, maxLength: 60 });
const indptrOf = (c: number[]) => Int32Array.from([0, ...c.map(((s) => (x: number) => (s += x))(0))]);

describe('locality renumbering', () => {
  it('orders rows by descending count, ties by row index, as a permutation', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const order = heavyFirstOrder(indptrOf(c), c.length);
        expect([...order].sort((a, b) => a - b)).toEqual(c.map((_, i) => i));
        for (let i = 1; i < order.length; i++) {
          const [a, b] = [order[i - 1], order[i]];
          expect(c[a] > c[b] || (c[a] === c[b] && a < b)).toBe(true);
        }
      }),
    );
  });

  it('gives offsets whose rows have the permuted counts, and an inverse that undoes the order', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const order = heavyFirstOrder(indptrOf(c), c.length);
        const p = permutedIndptr(indptrOf(c), order);
        for (let i = 0; i < c.length; i++) expect(p[i + 1] - p[i]).toBe(c[order[i]]);
        const rank = inversePermutation(order);
        for (let i = 0; i < c.length; i++) expect(rank[order[i]]).toBe(i);
      }),
    );
  });

  it('puts renumbered matrix rows back in the caller order', () => {
    fc.assert(
      fc.property(counts, fc.integer({ min: 1, max: 4 }), (c, width) => {
        const order = heavyFirstOrder(indptrOf(c), c.length);
        const original = Float64Array.from({ length: c.length * width }, (_, j) => j + 0.5);
        const inside = new Float64Array(original.length);
        for (let i = 0; i < c.length; i++) inside.set(original.subarray(order[i] * width, (order[i] + 1) * width), i * width);
        expect(unpermuteRows(inside, order, width)).toEqual(original);
      }),
    );
  });

  it('is concrete on a small case', () => {
    // counts 1, 3, 0, 3 → rows 1 and 3 (3 each, by index), then 0, then 2
    expect([...heavyFirstOrder(Int32Array.of(0, 1, 4, 4, 7), 4)]).toEqual([1, 3, 0, 2]);
  });
});
