import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromRecords, loadInteractions, parseChunks, parseText } from '../../src/data/parse.js';
import type { Interactions } from '../../src/data/types.js';

/** Rows as [user, item, value] (and timestamp / event when present), with ids as given. */
function rows(d: Interactions): unknown[][] {
  return Array.from({ length: d.length }, (_, j) => {
    const r: unknown[] = [d.users.id(d.user[j]), d.items.id(d.item[j]), d.value[j]];
    if (d.timestamp) r.push(d.timestamp[j]);
    if (d.event) r.push(d.events!.id(d.event[j]));
    return r;
  });
}

describe('format detection', () => {
  it.each([
    ['MovieLens u.data (tab, no header)', '196\t242\t3\t881250949\n186\t302\t3\t891717742\n', [['196', '242', 3, 881250949], ['186', '302', 3, 891717742]]],
    ['MovieLens ratings.dat (::)', '1::1193::5::978300760\n1::661::3::978302109\n', [['1', '1193', 5, 978300760], ['1', '661', 3, 978302109]]],
    ['MovieLens ratings.csv (header)', 'userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n', [['1', '31', 2.5, 1260759144], ['1', '1029', 3, 1260759179]]],
    ['CSV without header', 'a,x,1\nb,y,2\n', [['a', 'x', 1], ['b', 'y', 2]]],
    ['CSV with header in another order', 'item,rating,user\nx,4,a\ny,5,b\n', [['a', 'x', 4], ['b', 'y', 5]]],
    ['two columns (implicit, value 1)', 'u1,i1\nu1,i2\n', [['u1', 'i1', 1], ['u1', 'i2', 1]]],
    ['whitespace separated', 'u1  i1   2\nu2 i3 4\n', [['u1', 'i1', 2], ['u2', 'i3', 4]]],
    ['semicolons', 'u;i;r\n1;2;3\n', [['1', '2', 3]]],
    ['quoted CSV fields', 'user,item,rating\n"Smith, J.","The ""Best"" Film",4\n', [['Smith, J.', 'The "Best" Film', 4]]],
    ['BOM and CRLF', '\uFEFFuser,item,rating\r\n1,2,3\r\n4,5,6\r\n', [['1', '2', 3], ['4', '5', 6]]],
    ['blank lines and no final newline', '\n1,2,3\n\n   \n4,5,6', [['1', '2', 3], ['4', '5', 6]]],
    ['events without header', 'u1,i1,view\nu1,i1,purchase\n', [['u1', 'i1', 1, 'view'], ['u1', 'i1', 1, 'purchase']]],
    ['events with header and timestamp', 'timestamp,visitorid,event,itemid\n1433221332117,257597,view,355908\n', [['257597', '355908', 1, 1433221332117, 'view']]],
    ['negative and exponent values', '1,2,-1.5\n1,3,2e3\n', [['1', '2', -1.5], ['1', '3', 2000]]],
    ['ISO date timestamps', 'user,item,rating,date\n1,2,3,2020-01-02T00:00:00Z\n', [['1', '2', 3, 1577923200]]],
  ])('%s', (_name, text, expected) => {
    expect(rows(parseText(text))).toEqual(expected);
  });

  it('honours explicit options', () => {
    const d = parseText('1|2|3\n', { delimiter: '|' });
    expect(rows(d)).toEqual([['1', '2', 3]]);
    const e = parseText('x,1,2,5\n', { columns: { user: 1, item: 2, value: 3 } });
    expect(rows(e)).toEqual([['1', '2', 5]]);
    const h = parseText('1,2,3\n4,5,6\n', { header: true });
    expect(h.length).toBe(1);
  });

  it('maps ids both ways and treats numbers and their strings as the same id', () => {
    const d = parseText('196,242,3\n196,1,2\n7,242,1\n');
    expect(d.users.size).toBe(2);
    expect(d.items.size).toBe(2);
    expect(d.users.index(196)).toBe(d.users.index('196'));
    expect(d.users.id(d.users.index('7')!)).toBe('7');
    expect(d.hasValue).toBe(true);
  });
});

describe('bad rows', () => {
  it.each([
    ['a non-numeric value', '1,2,3\n1,3,abc\n', 2, /value "abc" is not a number/],
    ['a missing column', 'user,item,rating\n1,2,3\n1,2\n', 3, /expected at least 3 fields, found 2/],
    ['an empty user id', '1,2,3\n,2,3\n', 2, /empty user id/],
    ['an infinite value', '1,2,3\n\n1,2,Infinity\n', 3, /not finite/],
    ['NaN', '1,2,3\r\n1,2,NaN\r\n', 2, /not finite/],
    ['an unterminated quote', 'user,item,rating\n"1,2,3\n', 2, /unterminated quoted field/],
    ['a bad timestamp', '1\t2\t3\t100\n1\t2\t3\tlater\n', 2, /timestamp "later"/],
  ])('%s is an error naming the line', (_name, text, line, reason) => {
    let err: unknown;
    try {
      parseText(text, { source: 'ratings.csv' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'PARSE_ERROR', details: { source: 'ratings.csv', line } });
    expect((err as Error).message).toMatch(new RegExp(`^ratings\\.csv line ${line}: `));
    expect((err as Error).message).toMatch(reason);
  });

  it('skips and counts bad rows when asked, never silently', () => {
    const d = parseText('1,2,3\n1,3,x\n2,2,4\n,1,1\n', { onBadRow: 'skip' });
    expect(d.length).toBe(2);
    expect(d.skipped.count).toBe(2);
    expect(d.skipped.examples.map((e) => e.line)).toEqual([2, 4]);
  });

  it('reports empty input', () => {
    expect(() => parseText('')).toThrow(expect.objectContaining({ code: 'EMPTY_DATA' }));
    expect(() => parseText('user,item,rating\n')).toThrow(expect.objectContaining({ code: 'EMPTY_DATA' }));
  });

  it('rejects bad options with the allowed values', () => {
    expect(() => parseText('1,2', { format: 'xml' as never })).toThrow(/"format" must be one of/);
    expect(() => parseText('1,2', { onBadRow: 'ignore' as never })).toThrow(/"onBadRow"/);
  });
});

describe('streaming', () => {
  const text = 'userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3,1260759179\nзоя,фильм,4,1\n2,😀,5,2\r\n3,x,1,3';

  it('gives the same result for any chunking, even inside multi-byte characters', async () => {
    const bytes = new TextEncoder().encode(text);
    const whole = rows(parseText(text));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }), async (cuts) => {
        const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length];
        const chunks = points.slice(1).map((p, j) => bytes.subarray(points[j], p));
        expect(rows(await parseChunks(chunks))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('reads a Blob and a ReadableStream with progress', async () => {
    const seen: number[] = [];
    const d = await loadInteractions(new Blob([text]), { onProgress: (p) => seen.push(p.bytesRead) });
    expect(d.length).toBe(5);
    expect(seen[seen.length - 1]).toBe(new TextEncoder().encode(text).length);
    const s = await loadInteractions(new Blob([text]).stream());
    expect(rows(s)).toEqual(rows(d));
  });

  it('names the line of a bad row across chunk boundaries', async () => {
    const chunks = ['1,2,3\n4,', '5,6\n7,8', ',oops\n'];
    await expect(parseChunks(chunks, { source: 'f.csv' })).rejects.toMatchObject({ code: 'PARSE_ERROR', details: { line: 3 } });
  });

  it('parses random well-formed files exactly (fast-check)', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
    const value = fc.integer({ min: -1000, max: 1000 }).map((v) => v / 8);
    fc.assert(
      fc.property(fc.array(fc.tuple(id, id, value), { minLength: 1, maxLength: 50 }), fc.constantFrom(',', '\t', '::'), fc.boolean(), (triples, delim, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const t = triples.map(([u, i, v]) => `${u}${delim}${i}${delim}${v}`).join(eol) + eol;
        const d = parseText(t, { header: false });
        expect(rows(d)).toEqual(triples.map(([u, i, v]) => [u, i, v]));
      }),
      { numRuns: 200 },
    );
  });
});

describe('fromRecords', () => {
  it('validates each record and names its index', async () => {
    await expect(fromRecords([{ user: 1, item: 2 }, { user: 1, item: 3, value: Number.NaN }])).rejects.toMatchObject({ code: 'PARSE_ERROR', details: { record: 1 } });
    await expect(fromRecords([{ user: '', item: 2 }])).rejects.toThrow(/record 0: user must be a non-empty string/);
    const d = await fromRecords([{ user: 'a', item: 'x', event: 'view' }, { user: 'a', item: 'y', event: 'buy', timestamp: 5 }].slice(0, 1));
    expect(d.events!.size).toBe(1);
    const skipped = await fromRecords([{ user: 1, item: 2 }, { user: null as never, item: 3 }], { onBadRow: 'skip' });
    expect(skipped.skipped.count).toBe(1);
  });

  it('accepts async iterables', async () => {
    async function* gen() {
      for (let j = 0; j < 5; j++) yield { user: j % 2, item: `i${j}`, value: j + 1 };
    }
    const d = await fromRecords(gen());
    expect(d.length).toBe(5);
    expect(d.users.size).toBe(2);
    expect(d.hasValue).toBe(true);
  });
});
