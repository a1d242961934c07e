import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTrainOptions } from '../../src/train/options.js';
import { mergeInteractions, takeColumns, takeRows } from '../../src/model/update-data.js';
import { buildMatrix } from '../../src/data/csr.js';
import { fromRecords } from '../../src/data/records.js';
import { csrToMap, naiveMerge, type Entry } from '../helpers/data-reference.js';

/** Records over small id ranges, so that users, items and pairs repeat. */
const recordsArb = (users: number, items: number, max: number) =>
  fc.array(fc.record({ user: fc.integer({ min: 0, max: users }), item: fc.integer({ min: 0, max: items }), value: fc.integer({ min: -3, max: 9 }) }), { minLength: 1, maxLength: max });

describe('mergeInteractions', () => {
  it('stores what building the matrix from all the rows stores, and names the touched rows (property)', async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb(6, 7, 40), recordsArb(9, 10, 12), fc.constantFrom('sum', 'last', 'max' as const), async (old, batch, duplicates) => {
        const stored = await fromRecords(old.map((r) => ({ ...r, user: `u${r.user}`, item: `i${r.item}` })));
        const added = await fromRecords(batch.map((r) => ({ ...r, user: `u${r.user}`, item: `i${r.item}` })));
        const options = resolveTrainOptions({ feedback: 'implicit', duplicates, regularization: 1 }, 'implicit');
        const seen = buildMatrix(stored, { duplicates }).byUser;
        const merged = mergeInteractions({ options, users: stored.users, items: stored.items, seen }, added);
        // The reference: every row in input order (old, then new), merged naively, by id.
        const entries: Entry[] = [...old, ...batch].map((r) => [merged.users.index(`u${r.user}`)!, merged.items.index(`i${r.item}`)!, r.value, 0]);
        const want = naiveMerge(entries, duplicates);
        expect([...csrToMap(merged.seen)].map(([k, x]) => [k, x.v]).sort()).toEqual([...want].map(([k, x]) => [k, x.v]).sort());
        // Old ids keep their rows; new ones come after.
        for (let u = 0; u < stored.users.size; u++) expect(merged.users.id(u)).toBe(stored.users.id(u));
        expect([...merged.touchedUsers]).toEqual([...new Set(batch.map((r) => merged.users.index(`u${r.user}`)!))].sort((a, b) => a - b));
        expect([...merged.touchedItems]).toEqual([...new Set(batch.map((r) => merged.items.index(`i${r.item}`)!))].sort((a, b) => a - b));
        expect(merged.pairsAdded).toBe(merged.seen.indices.length - seen.indices.length);
        // takeRows / takeColumns read the same entries.
        const rows = takeRows(merged.seen, merged.touchedUsers);
        const cols = takeColumns(merged.seen, merged.touchedItems);
        merged.touchedUsers.forEach((u, k) => {
          for (let j = rows.indptr[k]; j < rows.indptr[k + 1]; j++) expect(want.get(`${u},${rows.indices[j]}`)?.v).toBe(rows.values[j]);
        });
        merged.touchedItems.forEach((i, k) => {
          const users = [...cols.indices.subarray(cols.indptr[k], cols.indptr[k + 1])];
          expect(users).toEqual([...want.keys()].filter((key) => key.endsWith(`,${i}`)).map((key) => Number(key.split(',')[0])).sort((a, b) => a - b));
          users.forEach((u, t) => expect(cols.values[cols.indptr[k] + t]).toBe(want.get(`${u},${i}`)!.v));
        });
      }),
      { numRuns: 150 },
    );
  });

  it("applies the model's event weights to data with an event column, and takes values as they are without one", async () => {
    const options = resolveTrainOptions({ feedback: 'implicit', eventWeights: { view: 1, buy: 10 }, regularization: 1 }, 'implicit');
    const stored = await fromRecords([{ user: 'a', item: 'x', event: 'view' }]);
    const seen = buildMatrix(stored, { eventWeights: { view: 1, buy: 10 } }).byUser;
    const withEvents = mergeInteractions({ options, users: stored.users, items: stored.items, seen }, await fromRecords([{ user: 'a', item: 'x', event: 'buy' }]));
    expect([...withEvents.seen.values]).toEqual([11]);
    const plain = mergeInteractions({ options, users: stored.users, items: stored.items, seen }, await fromRecords([{ user: 'a', item: 'x', value: 2 }]));
    expect([...plain.seen.values]).toEqual([3]);
    await expect(async () => mergeInteractions({ options, users: stored.users, items: stored.items, seen }, await fromRecords([{ user: 'a', item: 'x', event: 'like' }]))).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});
