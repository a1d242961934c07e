import { describe, expect, it } from 'vitest';
import { initFactors, seededStart } from '../../src/train/init.js';
import { Rng } from '../../src/util/rng.js';

/** The plain start: one generator, users' rows then items', each row placed at at[r]. */
function plainStart(seed: number, m: number, n: number, f: number, userAt?: Int32Array, itemAt?: Int32Array) {
  const rng = new Rng(seed);
  const users = new Float64Array(m * f);
  const items = new Float64Array(n * f);
  initFactors(users, m, f, rng, userAt);
  initFactors(items, n, f, rng, itemAt);
  return { users, items };
}

const reversed = (k: number) => Int32Array.from({ length: k }, (_, i) => k - 1 - i);

describe('seededStart', () => {
  it('is the plain draw, renumbered, on the first call and every cached call after it', () => {
    for (const [seed, m, n, f] of [[1, 5, 7, 3], [42, 30, 11, 8], [7, 1, 1, 1]]) {
      const want = plainStart(seed, m, n, f, reversed(m), reversed(n));
      for (let call = 0; call < 3; call++) {
        const users = new Float64Array(m * f);
        const items = new Float64Array(n * f);
        seededStart(seed, m, n, f, users, items, reversed(m), reversed(n));
        expect(users).toEqual(want.users);
        expect(items).toEqual(want.items);
      }
      // Without renumbering, and into a longer destination (only the first rows·f values are written).
      const plain = plainStart(seed, m, n, f);
      const users = new Float64Array(m * f + 4).fill(-1);
      const items = new Float64Array(n * f);
      seededStart(seed, m, n, f, users, items);
      expect(users.subarray(0, m * f)).toEqual(plain.users);
      expect(Array.from(users.subarray(m * f))).toEqual([-1, -1, -1, -1]);
      expect(items).toEqual(plain.items);
    }
  });

  it('gives each seed and each shape its own start, and a caller changing its copy changes no later start', () => {
    const a = new Float64Array(12), b = new Float64Array(12);
    seededStart(3, 4, 4, 3, a, b);
    const a2 = new Float64Array(12), b2 = new Float64Array(12);
    seededStart(4, 4, 4, 3, a2, b2);
    expect(a2).not.toEqual(a);
    a.fill(0);
    const a3 = new Float64Array(12), b3 = new Float64Array(12);
    seededStart(3, 4, 4, 3, a3, b3);
    expect(a3).toEqual(plainStart(3, 4, 4, 3).users);
    expect(b3).toEqual(b);
  });

  it('stays right past the cache budget (shapes too big to keep are drawn each time)', () => {
    const m = 2_100_000, n = 10, f = 2; // 4.2 M values: over the 4 M budget
    const users = new Float64Array(m * f);
    const items = new Float64Array(n * f);
    seededStart(9, m, n, f, users, items);
    const again = new Float64Array(m * f);
    seededStart(9, m, n, f, again, new Float64Array(n * f));
    expect(again).toEqual(users);
    const rows = users.subarray(0, 2 * f);
    const norm = Math.hypot(rows[0], rows[1]);
    expect(norm).toBeCloseTo(1, 12);
  });
});
