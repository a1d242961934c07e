import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMatrix, csrFromTriplets, transpose } from '../../src/data/csr.js';
import { parseText } from '../../src/data/parse.js';
import type { Csr } from '../../src/data/types.js';

/** Naive reference: a Map over pairs in input order. */
function naive(rows: number, entries: [number, number, number][], dup: 'sum' | 'last' | 'max'): Map<string, number> {
  const m = new Map<string, number>();
  for (const [r, c, v] of entries) {
    const key = `${r},${c}`;
    const prev = m.get(key);
    m.set(key, prev === undefined ? v : dup === 'sum' ? prev + v : dup === 'max' ? Math.max(prev, v) : v);
  }
  return m;
}

function toMap(a: Csr): Map<string, number> {
  const m = new Map<string, number>();
  for (let r = 0; r < a.rows; r++) {
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      if (p > a.indptr[r]) expect(a.indices[p]).toBeGreaterThan(a.indices[p - 1]); // sorted, no repeats
      m.set(`${r},${a.indices[p]}`, a.values[p]);
    }
  }
  return m;
}

describe('csrFromTriplets / transpose', () => {
  it('matches a naive map for every duplicate policy (fast-check)', () => {
    const entry = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: -50, max: 50 }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 80 }), fc.constantFrom('sum', 'last', 'max' as const), (entries, dup) => {
        const a = csrFromTriplets(7, 9, Int32Array.from(entries, (e) => e[0]), Int32Array.from(entries, (e) => e[1]), Float64Array.from(entries, (e) => e[2]), dup);
        const want = naive(7, entries, dup);
        expect(toMap(a)).toEqual(want);
        expect(a.merged).toBe(entries.length - want.size);
        const t = transpose(a);
        const back = new Map([...toMap(t)].map(([k, v]) => [k.split(',').reverse().join(','), v]));
        expect(back).toEqual(want);
        expect(toMap(transpose(t))).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects out-of-range indices', () => {
    expect(() => csrFromTriplets(2, 2, Int32Array.of(0), Int32Array.of(2), Float64Array.of(1), 'sum')).toThrow(RangeError);
  });
});

describe('buildMatrix', () => {
  it('merges duplicates, keeps the latest timestamp and builds both orientations', () => {
    const d = parseText('u\ti\tr\tt\na\tx\t1\t10\na\tx\t2\t30\nb\tx\t5\t20\na\ty\t1\t5\n');
    const sum = buildMatrix(d, { duplicates: 'sum' });
    expect(sum.nnz).toBe(3);
    expect(sum.duplicatesMerged).toBe(1);
    expect(Array.from(sum.byUser.values)).toEqual([3, 1, 5]);
    expect(Array.from(sum.timestamps!)).toEqual([30, 5, 20]);
    expect(Array.from(buildMatrix(d, { duplicates: 'last' }).byUser.values)).toEqual([2, 1, 5]);
    expect(sum.byItem.rows).toBe(2);
    expect(Array.from(sum.byItem.indptr)).toEqual([0, 2, 3]);
  });

  it('applies event weights and refuses a missing event', () => {
    const d = parseText('user,item,event\na,x,view\na,x,purchase\nb,y,basket\n');
    const m = buildMatrix(d, { eventWeights: { view: 3, basket: 10, purchase: 40 } });
    expect(Array.from(m.byUser.values)).toEqual([43, 10]);
    expect(() => buildMatrix(d, { eventWeights: { view: 3 } })).toThrow(/missing "purchase"/);
    expect(() => buildMatrix(parseText('a,x,1\n'), { eventWeights: { view: 1 } })).toThrow(/event column/);
  });

  it('indexes a million rows without quadratic steps (smoke; time is logged, not asserted)', () => {
    const parts: string[] = [];
    for (let j = 0; j < 1_000_000; j++) parts.push(`${j % 6040}\t${(j * 7919) % 3706}\t${1 + (j % 5)}\t${j}`);
    const text = parts.join('\n');
    const t0 = performance.now();
    const d = parseText(text);
    const t1 = performance.now();
    const m = buildMatrix(d);
    const t2 = performance.now();
    console.log(`1 M TSV lines: parse ${(t1 - t0).toFixed(0)} ms, index ${(t2 - t1).toFixed(0)} ms`);
    expect(d.length).toBe(1_000_000);
    expect(m.byUser.rows).toBe(6040);
    expect(m.nnz + m.duplicatesMerged).toBe(1_000_000);
  });
});
