import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initFactors } from '../../src/train/init.js';
import { ln, Rng } from '../../src/util/rng.js';

describe('Rng', () => {
  it('is reproducible and seed-dependent', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('never changes its stream (saved seeds must keep meaning the same factors)', () => {
    const r = new Rng(42);
    const first = [r.nextU32(), r.nextU32(), r.nextU32()];
    expect(first).toEqual(GOLDEN_U32);
  });

  it('draws standard normals (moments within sampling error)', () => {
    const r = new Rng(1);
    const N = 200_000;
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    for (let j = 0; j < N; j++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      s4 += z ** 4;
    }
    expect(Math.abs(s / N)).toBeLessThan(0.01);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.015);
    expect(Math.abs(s4 / N - 3)).toBeLessThan(0.1);
  });
});

describe('ln', () => {
  it('matches Math.log to within a few ulps on random positive numbers', () => {
    fc.assert(
      fc.property(fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }), (x) => {
        const want = Math.log(x);
        expect(Math.abs(ln(x) - want)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(want)));
      }),
      { numRuns: 2000 },
    );
    expect(ln(1)).toBe(0);
    expect(ln(0)).toBe(-Infinity);
    expect(Number.isNaN(ln(-1))).toBe(true);
  });
});

describe('initFactors', () => {
  it('draws non-negative rows of unit length (MLlib init)', () => {
    const out = new Float64Array(50 * 7);
    initFactors(out, 50, 7, new Rng(3));
    for (let r = 0; r < 50; r++) {
      let n2 = 0;
      for (let j = 0; j < 7; j++) {
        expect(out[r * 7 + j]).toBeGreaterThanOrEqual(0);
        n2 += out[r * 7 + j] ** 2;
      }
      expect(n2).toBeCloseTo(1, 14);
    }
  });
});

const GOLDEN_U32 = [2837322924, 544945897, 479756282];
