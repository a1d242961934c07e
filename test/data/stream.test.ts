import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadInteractions, parseChunks, parseText } from '../../src/data/parse.js';
import type { ParseProgress } from '../../src/data/parse.js';
import { caughtAsync, cutBytes, rowsOf, snapshot } from '../helpers/data-reference.js';

const encode = (s: string) => new TextEncoder().encode(s);

/** Inputs exercising headers, BOM, CRLF, blank lines, quotes, events, multi-byte characters. */
const TEXTS = [
  '\uFEFFuserId,movieId,rating,timestamp\r\n1,31,2.5,1260759144\n\n1,1029,3,1260759179\nзоя,фильм,4,1\r\n2,😀,5,2\r\n3,"x, ""y""",1,3',
  '196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n',
  '1::1193::5::978300760\n1::661::3::978302109\n2::1357::5::978298709',
  'user,item,event\nü,ß,view\n€,漢字,purchase\n\n',
  'a b 1\nc d 2\n',
];

describe('parseChunks', () => {
  it('gives the same result as parseText for any byte chunking, even inside multi-byte characters (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TEXTS), fc.array(fc.nat({ max: 400 }), { maxLength: 15 }), async (text, cuts) => {
        const bytes = encode(text);
        const chunks = cutBytes(bytes, cuts.map((c) => c % (bytes.length + 1)));
        const a = snapshot(await parseChunks(chunks, { source: 'x' }));
        expect(a).toEqual(snapshot(parseText(text, { source: 'x' })));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result for any string chunking, and for one-byte chunks', async () => {
    for (const text of TEXTS) {
      const want = snapshot(parseText(text));
      const bytes = encode(text);
      expect(snapshot(await parseChunks(Array.from(bytes, (b) => Uint8Array.of(b))))).toEqual({ ...(want as object), source: 'stream' });
      expect(snapshot(await parseChunks(Array.from(text)))).toEqual({ ...(want as object), source: 'stream' });
    }
  });

  it('splits a random file into random string chunks identically (fast-check)', async () => {
    const id = fc.stringMatching(/^[a-zé😀0-9]{1,5}$/);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(id, id, fc.integer({ min: 0, max: 50 })), { minLength: 1, maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 }), async (rows, cuts) => {
        const text = rows.map((r) => r.join(',')).join('\n');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((p, j, all) => text.slice(p, j + 1 < all.length ? all[j + 1] : text.length));
        expect(rowsOf(await parseChunks(chunks, { header: false }))).toEqual(rowsOf(parseText(text, { header: false })));
      }),
      { numRuns: 200 },
    );
  });

  it('names the line of a bad row split across chunks', async () => {
    const err = await caughtAsync(parseChunks(['1,2,3\n4,', '5,6\r', '\n\n7,8', ',oops\n'], { source: 'f.csv' }));
    expect(err).toMatchObject({ code: 'PARSE_ERROR', details: { source: 'f.csv', line: 4, text: '7,8,oops' } });
  });

  it('reports progress per chunk with bytes read', async () => {
    const seen: ParseProgress[] = [];
    const chunks = ['1,2,3\n', '4,5,6\n7,8', ',9\n'];
    await parseChunks(chunks, { bytesTotal: 18, onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([
      { stage: 'parse', rows: 0, bytesRead: 6, bytesTotal: 18 }, // still sampling the format
      { stage: 'parse', rows: 0, bytesRead: 15, bytesTotal: 18 },
      { stage: 'parse', rows: 0, bytesRead: 18, bytesTotal: 18 },
      { stage: 'parse', rows: 3, bytesRead: 18, bytesTotal: 18 }, // the end
    ]);
    const many = Array.from({ length: 20 }, (_, j) => `${j},${j},1\n`);
    const rows: number[] = [];
    await parseChunks(many, { onProgress: (p) => rows.push(p.rows) });
    expect(rows.at(-1)).toBe(20);
    expect(rows.slice(7)).toEqual([...Array.from({ length: 13 }, (_, j) => j + 8), 20]); // rows flow once the 8-line sample is read
  });

  it('reads a ReadableStream and a Node stream', async () => {
    const text = TEXTS[0];
    const want = rowsOf(parseText(text));
    const stream = new Blob([text]).stream();
    expect(rowsOf(await parseChunks(stream))).toEqual(want);
    expect(rowsOf(await parseChunks(Readable.from([Buffer.from(encode(text))])))).toEqual(want);
  });

  it('stops with an AbortError between chunks', async () => {
    const ac = new AbortController();
    function* chunks() {
      yield '1,2,3\n';
      ac.abort();
      yield '4,5,6\n';
    }
    const err = await caughtAsync(parseChunks(chunks(), { signal: ac.signal }));
    expect(err.name).toBe('AbortError');
  });
});

describe('loadInteractions dispatches on the source type', () => {
  const text = 'user,item,rating\na,x,1\nb,y,2\n';
  const want = [['a', 'x', 1], ['b', 'y', 2]];

  it('a string', async () => {
    const d = await loadInteractions(text);
    expect(rowsOf(d)).toEqual(want);
    expect(d.source).toBe('string');
  });

  it('a Blob and a File: streamed with bytesTotal = size and the file name as source', async () => {
    const seen: ParseProgress[] = [];
    const blob = new Blob([text]);
    const d = await loadInteractions(blob, { onProgress: (p) => seen.push(p) });
    expect(rowsOf(d)).toEqual(want);
    expect(d.source).toBe('blob');
    expect(seen.at(-1)).toMatchObject({ bytesRead: blob.size, bytesTotal: blob.size });
    const file = new File([text + 'c,z,oops\n'], 'ratings.csv');
    const err = await caughtAsync(loadInteractions(file));
    expect(err.message).toMatch(/^ratings\.csv line 4: value "oops" is not a number/);
    expect((await loadInteractions(file, { onBadRow: 'skip', source: 'mine' })).source).toBe('mine');
  });

  it('a ReadableStream', async () => {
    expect(rowsOf(await loadInteractions(new Blob([text]).stream()))).toEqual(want);
  });

  it('an iterable or async iterable of records', async () => {
    const records = [{ user: 'a', item: 'x', value: 1 }, { user: 'b', item: 'y', value: 2 }];
    expect(rowsOf(await loadInteractions(records))).toEqual(want);
    async function* gen() {
      yield* records;
    }
    const d = await loadInteractions(gen());
    expect(rowsOf(d)).toEqual(want);
    expect(d.source).toBe('records');
  });

  it('an iterable or async iterable of text or byte chunks (e.g. a Node file stream)', async () => {
    expect(rowsOf(await loadInteractions(['user,item,rat', 'ing\na,x,1\nb,y,2\n']))).toEqual(want);
    expect(rowsOf(await loadInteractions(Readable.from([Buffer.from(text)])))).toEqual(want);
  });

  it('an empty iterable is EMPTY_DATA; anything else is BAD_OPTION', async () => {
    expect(await caughtAsync(loadInteractions([]))).toMatchObject({ code: 'EMPTY_DATA' });
    expect(await caughtAsync(loadInteractions(42 as never))).toMatchObject({ code: 'BAD_OPTION', details: { option: 'source' } });
  });
});
