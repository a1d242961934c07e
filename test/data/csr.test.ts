import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMatrix, csrFromTriplets, maxRowNnz, transpose } from '../../src/data/csr.js';
import { fromRecords, parseText } from '../../src/data/parse.js';
import type { Csr } from '../../src/data/types.js';
import { caught, csrToMap, naiveMerge, type Entry } from '../helpers/data-reference.js';

const DUPS = ['sum', 'last', 'max'] as const;
const entries = (rows: number, cols: number) =>
  fc.array(fc.tuple(fc.nat({ max: rows - 1 }), fc.nat({ max: cols - 1 }), fc.integer({ min: -20, max: 20 }), fc.nat({ max: 1000 })), { maxLength: 120 });

/** The transpose's map with keys swapped back to "row,col". */
function transposedMap(t: Csr): Map<string, number> {
  return new Map([...csrToMap(t)].map(([k, x]) => [k.split(',').reverse().join(','), x.v]));
}

describe('csrFromTriplets / transpose', () => {
  it('matches a naive Map for every duplicate policy, with sorted indices (fast-check)', () => {
    fc.assert(
      fc.property(entries(7, 9), fc.constantFrom(...DUPS), (es: Entry[], dup) => {
        const a = csrFromTriplets(7, 9, Int32Array.from(es, (e) => e[0]), Int32Array.from(es, (e) => e[1]), Float64Array.from(es, (e) => e[2]), dup, Float64Array.from(es, (e) => e[3]));
        const want = naiveMerge(es, dup);
        expect(csrToMap(a, a.timestamps)).toEqual(want);
        expect(a.merged).toBe(es.length - want.size);
        expect(a.rows).toBe(7);
        expect(a.cols).toBe(9);
        const t = transpose(a);
        expect([t.rows, t.cols]).toEqual([9, 7]);
        expect(transposedMap(t)).toEqual(new Map([...want].map(([k, x]) => [k, x.v])));
        const back = transpose(t);
        expect(back).toEqual({ rows: a.rows, cols: a.cols, indptr: a.indptr, indices: a.indices, values: a.values });
      }),
      { numRuns: 400 },
    );
  });

  it('drops merged zeros when asked', () => {
    const a = csrFromTriplets(2, 3, Int32Array.of(0, 0, 1, 1), Int32Array.of(1, 1, 0, 2), Float64Array.of(2, -2, 0, 5), 'sum', undefined, true);
    expect(Array.from(a.indptr)).toEqual([0, 0, 1]);
    expect(Array.from(a.indices)).toEqual([2]);
    expect(Array.from(a.values)).toEqual([5]);
    expect(a.merged).toBe(1);
  });

  it('handles empty input, empty rows and columns', () => {
    const a = csrFromTriplets(3, 4, new Int32Array(0), new Int32Array(0), new Float64Array(0), 'sum');
    expect(Array.from(a.indptr)).toEqual([0, 0, 0, 0]);
    expect(transpose(a).indptr.length).toBe(5);
    expect(maxRowNnz(a)).toBe(0);
  });

  it('rejects out-of-range indices, length mismatches and unknown policies', () => {
    expect(() => csrFromTriplets(2, 2, Int32Array.of(0), Int32Array.of(2), Float64Array.of(1), 'sum')).toThrow(/column 2 of entry 0 out of range \[0, 2\)/);
    expect(() => csrFromTriplets(2, 2, Int32Array.of(-1), Int32Array.of(0), Float64Array.of(1), 'sum')).toThrow(RangeError);
    expect(() => csrFromTriplets(2, 2, Int32Array.of(0), Int32Array.of(0, 1), Float64Array.of(1), 'sum')).toThrow(/differ in length/);
    expect(caught(() => csrFromTriplets(1, 1, Int32Array.of(0), Int32Array.of(0), Float64Array.of(1), 'mean' as never))).toMatchObject({ code: 'BAD_OPTION' });
  });

  it('maxRowNnz is the longest row', () => {
    const a = csrFromTriplets(3, 5, Int32Array.of(0, 2, 2, 2, 1), Int32Array.of(0, 1, 3, 4, 2), Float64Array.of(1, 1, 1, 1, 1), 'sum');
    expect(maxRowNnz(a)).toBe(3);
    expect(maxRowNnz(transpose(a))).toBe(1);
  });
});

describe('buildMatrix', () => {
  it('matches the naive reference on random interactions for every policy (fast-check)', async () => {
    const id = fc.constantFrom('a', 'b', 'c', 'd', 1, 2, 3);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ user: id, item: fc.constantFrom('x', 'y', 'z', 10, 11), value: fc.integer({ min: -5, max: 5 }), timestamp: fc.nat({ max: 99 }) }), { minLength: 1, maxLength: 60 }),
        fc.constantFrom(...DUPS),
        async (records, dup) => {
          const d = await fromRecords(records);
          const m = buildMatrix(d, { duplicates: dup });
          const es: Entry[] = records.map((r) => [d.users.index(r.user)!, d.items.index(r.item)!, r.value, r.timestamp]);
          const want = naiveMerge(es, dup);
          expect(csrToMap(m.byUser, m.timestamps)).toEqual(want);
          expect(transposedMap(m.byItem)).toEqual(new Map([...want].map(([k, x]) => [k, x.v])));
          expect(m.nnz).toBe(want.size);
          expect(m.duplicatesMerged).toBe(records.length - want.size);
          expect([m.byUser.rows, m.byUser.cols, m.byItem.rows, m.byItem.cols]).toEqual([d.users.size, d.items.size, d.items.size, d.users.size]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('merges duplicates, keeps the latest timestamp and builds both orientations (known answer)', () => {
    const d = parseText('u\ti\tr\tt\na\tx\t1\t10\na\tx\t2\t30\nb\tx\t5\t20\na\ty\t1\t5\na\tx\t4\t25\n');
    const sum = buildMatrix(d);
    expect(sum.nnz).toBe(3);
    expect(sum.duplicatesMerged).toBe(2);
    expect(Array.from(sum.byUser.indptr)).toEqual([0, 2, 3]);
    expect(Array.from(sum.byUser.indices)).toEqual([0, 1, 0]);
    expect(Array.from(sum.byUser.values)).toEqual([7, 1, 5]);
    expect(Array.from(sum.timestamps!)).toEqual([30, 5, 20]);
    expect(Array.from(buildMatrix(d, { duplicates: 'last' }).byUser.values)).toEqual([4, 1, 5]); // last in input order, not latest timestamp
    expect(Array.from(buildMatrix(d, { duplicates: 'max' }).byUser.values)).toEqual([4, 1, 5]);
    expect(sum.byItem).toEqual({ rows: 2, cols: 2, indptr: Int32Array.of(0, 2, 3), indices: Int32Array.of(0, 1, 0), values: Float64Array.of(7, 5, 1) });
    expect(buildMatrix(parseText('a,x\n')).timestamps).toBeUndefined();
  });

  it('applies event weights per entry before merging', () => {
    const d = parseText('user,item,event,count\na,x,view,1\na,x,purchase,2\nb,y,basket,1\nb,y,view,3\n');
    const m = buildMatrix(d, { eventWeights: { view: 3, basket: 10, purchase: 40 } });
    expect(Array.from(m.byUser.values)).toEqual([3 + 80, 10 + 9]);
    const max = buildMatrix(d, { duplicates: 'max', eventWeights: { view: 3, basket: 10, purchase: 40, unused: 1 } });
    expect(Array.from(max.byUser.values)).toEqual([80, 10]);
  });

  it('refuses event weights that miss an event, are not finite, or have no event column', () => {
    const d = parseText('user,item,event\na,x,view\na,x,purchase\nb,y,basket\n');
    const missing = caught(() => buildMatrix(d, { eventWeights: { view: 3, basket: 1 } }));
    expect(missing).toMatchObject({ code: 'BAD_OPTION', details: { option: 'eventWeights' } });
    expect(missing.message).toMatch(/missing "purchase"/);
    expect(caught(() => buildMatrix(d, { eventWeights: { view: 3, basket: 1, purchase: NaN } }))).toMatchObject({ code: 'BAD_OPTION', details: { option: 'eventWeights.purchase' } });
    expect(caught(() => buildMatrix(d, { eventWeights: { view: 3, basket: 1, toString: 1 } as never }))).toMatchObject({ code: 'BAD_OPTION' });
    const none = caught(() => buildMatrix(parseText('a,x,1\n'), { eventWeights: { view: 1 } }));
    expect(none).toMatchObject({ code: 'BAD_OPTION', details: { option: 'eventWeights' } });
    expect(none.message).toMatch(/event column/);
  });

  it('drops zeros when asked and validates options', () => {
    const d = parseText('a,x,1\na,x,-1\na,y,2\n');
    expect(buildMatrix(d).nnz).toBe(2);
    const m = buildMatrix(d, { dropZeros: true });
    expect(m.nnz).toBe(1);
    expect(m.byItem.indptr[m.byItem.rows]).toBe(1);
    expect(caught(() => buildMatrix(d, { duplicates: 'avg' as never }))).toMatchObject({ code: 'BAD_OPTION', details: { option: 'duplicates' } });
  });
});
