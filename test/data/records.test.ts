import { describe, expect, it } from 'vitest';
import { fromRecords } from '../../src/data/parse.js';
import type { InteractionRecord } from '../../src/data/types.js';
import { caughtAsync, rowsOf } from '../helpers/data-reference.js';

describe('fromRecords', () => {
  it('builds columns from records, ids as given, value 1 by default', async () => {
    const d = await fromRecords([
      { user: 196, item: 'a', value: 3, timestamp: 10 },
      { user: '196', item: 'b', timestamp: 11 },
      { user: 7, item: 'a', value: -2, timestamp: 12 },
    ]);
    expect(rowsOf(d)).toEqual([[196, 'a', 3, 10], [196, 'b', 1, 11], [7, 'a', -2, 12]]);
    expect(d.users.size).toBe(2);
    expect(d.users.index('196')).toBe(0);
    expect(d.hasValue).toBe(true);
    expect(d.source).toBe('records');
  });

  it('keeps events, and hasValue is false when no record has a value', async () => {
    const d = await fromRecords([{ user: 'a', item: 'x', event: 'view' }, { user: 'a', item: 'x', event: 'purchase' }, { user: 'b', item: 'y', event: 'view' }]);
    expect(d.events!.ids()).toEqual(['view', 'purchase']);
    expect(Array.from(d.event!)).toEqual([0, 1, 0]);
    expect(d.hasValue).toBe(false);
    expect(d.timestamp).toBeUndefined();
  });

  it.each<[string, unknown[], number, RegExp]>([
    ['NaN value', [{ user: 1, item: 2 }, { user: 1, item: 3, value: Number.NaN }], 1, /value must be a finite number, got NaN/],
    ['infinite value', [{ user: 1, item: 3, value: Infinity }], 0, /value must be a finite number/],
    ['string value', [{ user: 1, item: 3, value: '4' }], 0, /value must be a finite number, got "4"/],
    ['empty user', [{ user: '', item: 2 }], 0, /user must be a non-empty string or a finite number, got ""/],
    ['missing item', [{ user: 1, item: 2 }, { user: 1, item: 2 }, { user: 1 }], 2, /item must be .*got nothing/],
    ['null record', [null], 0, /expected an object/],
    ['bad timestamp', [{ user: 1, item: 2, timestamp: 'today' }], 0, /timestamp must be a finite number/],
    ['empty event', [{ user: 1, item: 2, event: '' }], 0, /event must be a non-empty string/],
    ['timestamp missing after the first had one', [{ user: 1, item: 2, timestamp: 1 }, { user: 1, item: 2 }], 1, /timestamp missing \(the first record has one\)/],
    ['event given when the first had none', [{ user: 1, item: 2 }, { user: 1, item: 2, event: 'view' }], 1, /event given but the first record has none/],
  ])('rejects a %s, naming the record index', async (_name, records, index, message) => {
    const err = await caughtAsync(fromRecords(records as InteractionRecord[], { source: 'events' }));
    expect(err).toMatchObject({ code: 'PARSE_ERROR', details: { source: 'events', record: index, line: index + 1 } });
    expect(err.message).toMatch(new RegExp(`^events record ${index}: `));
    expect(err.message).toMatch(message);
  });

  it('skips and counts bad records when asked', async () => {
    const d = await fromRecords([{ user: 1, item: 2 }, { user: null as never, item: 3 }, { user: 2, item: 2, value: NaN }, { user: 3, item: 3 }], { onBadRow: 'skip' });
    expect(d.length).toBe(2);
    expect(d.skipped.count).toBe(2);
    expect(d.skipped.examples.map((e) => e.line)).toEqual([2, 3]);
  });

  it('reports no valid records as EMPTY_DATA', async () => {
    expect(await caughtAsync(fromRecords([]))).toMatchObject({ code: 'EMPTY_DATA' });
    expect(await caughtAsync(fromRecords([{ user: '', item: 1 }], { onBadRow: 'skip' }))).toMatchObject({ code: 'EMPTY_DATA', details: { skipped: 1 } });
  });

  it('accepts async iterables and grows past the initial capacity', async () => {
    async function* gen() {
      for (let j = 0; j < 5000; j++) yield { user: j % 7, item: `i${j % 100}`, value: j };
    }
    const d = await fromRecords(gen());
    expect(d.length).toBe(5000);
    expect(d.users.size).toBe(7);
    expect(d.items.size).toBe(100);
    expect(d.value[4999]).toBe(4999);
    expect(d.user[4999]).toBe(4999 % 7);
  });

  it('stops with an AbortError', async () => {
    const ac = new AbortController();
    ac.abort();
    expect((await caughtAsync(fromRecords([{ user: 1, item: 1 }], { signal: ac.signal }))).name).toBe('AbortError');
  });
});
