import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/data/parse.js';
import { caught, rowsOf } from '../helpers/data-reference.js';

describe('parseText: formats are detected and parsed', () => {
  it.each([
    ['MovieLens u.data (tab, no header)', '196\t242\t3\t881250949\n186\t302\t3\t891717742\n', [['196', '242', 3, 881250949], ['186', '302', 3, 891717742]]],
    ['MovieLens ratings.dat (::)', '1::1193::5::978300760\n1::661::3::978302109\n', [['1', '1193', 5, 978300760], ['1', '661', 3, 978302109]]],
    ['MovieLens ratings.csv (header)', 'userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n', [['1', '31', 2.5, 1260759144], ['1', '1029', 3, 1260759179]]],
    ['CSV without header', 'a,x,1\nb,y,2\n', [['a', 'x', 1], ['b', 'y', 2]]],
    ['CSV with known header names in another order', 'item,rating,user\nx,4,a\ny,5,b\n', [['a', 'x', 4], ['b', 'y', 5]]],
    ['CSV header with synonyms, any case', 'USER_ID,Product,Score\nu,p,2\n', [['u', 'p', 2]]],
    ['unknown header names over numbers (positional roles)', 'u\ti\tr\tt\na\tx\t1\t10\n', [['a', 'x', 1, 10]]],
    ['TSV without header', 'u1\ti1\t0.5\n', [['u1', 'i1', 0.5]]],
    ['two columns: implicit, value 1', 'u1,i1\nu1,i2\n', [['u1', 'i1', 1], ['u1', 'i2', 1]]],
    ['whitespace separated (runs of spaces and tabs)', 'u1  i1 \t 2\nu2 i3 4\n', [['u1', 'i1', 2], ['u2', 'i3', 4]]],
    ['semicolons with an unknown header', 'u;i;r\n1;2;3\n', [['1', '2', 3]]],
    ['pipes', '1|2|3\n4|5|6\n', [['1', '2', 3], ['4', '5', 6]]],
    ['quoted CSV fields (delimiters and doubled quotes inside)', 'user,item,rating\n"Smith, J.","The ""Best"" Film",4\n"a" , "b" ,"5"\n', [['Smith, J.', 'The "Best" Film', 4], ['a', 'b', 5]]],
    ['spaces around CSV fields', '1, 2 , 3\n', [['1', '2', 3]]],
    ['UTF-8 BOM and CRLF', '\uFEFFuser,item,rating\r\n1,2,3\r\n4,5,6\r\n', [['1', '2', 3], ['4', '5', 6]]],
    ['blank lines, whitespace lines and no final newline', '\n1,2,3\n\n   \n\r\n4,5,6', [['1', '2', 3], ['4', '5', 6]]],
    ['an event column without header', 'u1,i1,view\nu1,i1,purchase\n', [['u1', 'i1', 1, 'view'], ['u1', 'i1', 1, 'purchase']]],
    ['an event column then a number without header', 'u1,i1,view,5\n', [['u1', 'i1', 5, 'view']]],
    ['events with header (RetailRocket order)', 'timestamp,visitorid,event,itemid\n1433221332117,257597,view,355908\n', [['257597', '355908', 1, 1433221332117, 'view']]],
    ['events and values with header', 'user,item,event,count\na,x,basket,2\n', [['a', 'x', 2, 'basket']]],
    ['negative, signed, fractional and exponent values', '1,2,-1.5\n1,3,2e3\n1,4,+.25\n1,5,7.\n', [['1', '2', -1.5], ['1', '3', 2000], ['1', '4', 0.25], ['1', '5', 7]]],
    ['ISO dates as timestamps (seconds)', 'user,item,rating,date\n1,2,3,2020-01-02T00:00:00Z\n', [['1', '2', 3, 1577923200]]],
    ['ISO dates as the 4th column without header', '1,2,3,2020-01-02T00:00:00Z\n', [['1', '2', 3, 1577923200]]],
    ['extra columns are ignored', 'userId,movieId,rating,timestamp,comment\n1,2,3,4,nice\n', [['1', '2', 3, 4]]],
    ['unicode ids', 'зоя,фильм,4\n😀,ü,5\n', [['зоя', 'фильм', 4], ['😀', 'ü', 5]]],
  ])('%s', (_name, text, expected) => {
    expect(rowsOf(parseText(text))).toEqual(expected);
  });

  it('reports whether there was a value column', () => {
    expect(parseText('a,x,4\n').hasValue).toBe(true);
    expect(parseText('a,x\n').hasValue).toBe(false);
    expect(parseText('a,x,view\n').hasValue).toBe(false);
  });

  it('numbers parse exactly like Number() for decimal text (fast-check)', () => {
    const decimal = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.nat({ max: 99999999 })).map(([a, b]) => `${a}.${String(b).padStart(8, '0')}`),
      fc.stringMatching(/^[+-]?\d{1,17}(\.\d{0,17})?$/),
    );
    fc.assert(
      fc.property(decimal, (t) => {
        // A second row of 1: a column of Unix times alone would be a timestamp column.
        const d = parseText(`u,i,${t}\nu,j,1\n`, { header: false });
        expect(Object.is(d.value[0], Number(t))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseText: options', () => {
  it.each([
    ['delimiter', '1|2|3\n', { delimiter: '|' }, [['1', '2', 3]]],
    ['delimiter " " means whitespace', '1  2 3\n', { delimiter: ' ' }, [['1', '2', 3]]],
    ['a multi-character delimiter', '1<>2<>3\n', { delimiter: '<>' }, [['1', '2', 3]]],
    ['format csv wins over tabs in fields', 'a\tb,x,1\n', { format: 'csv' }, [['a\tb', 'x', 1]]],
    ['format tsv keeps commas in fields', 'Smith, J.\tx\t1\n', { format: 'tsv' }, [['Smith, J.', 'x', 1]]],
    ['format movielens-dat', '1::2::3::4\n', { format: 'movielens-dat' }, [['1', '2', 3, 4]]],
    ['format whitespace', '1 2 3\n', { format: 'whitespace' }, [['1', '2', 3]]],
    ['columns by index', 'x,1,2,5\n', { columns: { user: 1, item: 2, value: 3 } }, [['1', '2', 5]]],
    ['columns by header name (case-insensitive)', 'who,what,stars\na,b,4\n', { columns: { user: 'WHO', item: 'what', value: 'stars' } }, [['a', 'b', 4]]],
    ['columns override header synonyms', 'user,item,rating,count\na,b,4,9\n', { columns: { user: 'user', item: 'item', value: 'count' } }, [['a', 'b', 9]]],
    ['header: true on numbers', '1,2,3\n4,5,6\n', { header: true }, [['4', '5', 6]]],
    ['header: false on a line of known names', 'user,item\n', { header: false }, [['user', 'item', 1]]],
  ] as const)('%s', (_name, text, opts, expected) => {
    expect(rowsOf(parseText(text, opts as never))).toEqual(expected);
  });

  it.each([
    ['format', { format: 'xml' }, /"format" must be one of/],
    ['onBadRow', { onBadRow: 'ignore' }, /"onBadRow" must be "error" or "skip"/],
    ['header', { header: 'yes' }, /"header"/],
    ['delimiter', { delimiter: '' }, /"delimiter"/],
    ['columns without item', { columns: { user: 0 } }, /"columns"/],
    ['a negative column', { columns: { user: -1, item: 1 } }, /"columns.user"/],
    ['an unknown column name', { columns: { user: 'user', item: 'nope' } }, /"columns.item" must be a column index or one of the header names "user", "item"/],
  ])('rejects a bad %s option', (_name, opts, message) => {
    const err = caught(() => parseText('user,item\n1,2\n', opts as never));
    expect(err).toMatchObject({ code: 'BAD_OPTION' });
    expect(err.message).toMatch(message);
  });

  it('reports progress with the final row count', () => {
    const seen: unknown[] = [];
    parseText('1,2\n3,4\n', { onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toEqual({ stage: 'parse', rows: 2, bytesRead: 8, bytesTotal: 8 });
  });

  it('names the source in the result', () => {
    expect(parseText('1,2\n').source).toBe('string');
    expect(parseText('1,2\n', { source: 'u.data' }).source).toBe('u.data');
  });
});

describe('parseText: ids', () => {
  it('maps ids both ways; a number and its decimal string are one id; ids are kept as first seen', () => {
    const d = parseText('196,242,3\n196,1,2\n7,242,1\n007,a,1\n');
    expect(d.users.size).toBe(3);
    expect(d.items.size).toBe(3);
    expect(d.users.index(196)).toBe(0);
    expect(d.users.index('196')).toBe(0);
    expect(d.users.index('007')).toBe(2);
    expect(d.users.index(7)).toBe(1);
    expect(d.users.id(1)).toBe('7');
    expect(d.users.ids()).toEqual(['196', '7', '007']);
    expect(Array.from(d.user)).toEqual([0, 0, 1, 2]);
    expect(Array.from(d.item)).toEqual([0, 1, 0, 2]);
    expect(d.items.index('nope')).toBeUndefined();
  });

  it('round-trips random ids through text (fast-check)', () => {
    const id = fc.oneof(fc.nat({ max: 2e9 }).map(String), fc.stringMatching(/^[A-Za-z0-9_.-]{1,10}$/));
    fc.assert(
      fc.property(fc.array(fc.tuple(id, id), { minLength: 1, maxLength: 60 }), (pairs) => {
        const d = parseText(pairs.map(([u, i]) => `${u}\t${i}`).join('\n'), { header: false });
        pairs.forEach(([u, i], j) => {
          expect(d.users.id(d.user[j])).toBe(u);
          expect(d.items.id(d.item[j])).toBe(i);
          expect(d.users.index(u)).toBe(d.user[j]);
        });
        expect(d.users.size).toBe(new Set(pairs.map((p) => p[0])).size);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseText: bad rows', () => {
  it.each([
    ['a non-numeric value', '1,2,3\n1,3,abc\n', 2, 'value "abc" is not a number'],
    ['a missing column (header)', 'user,item,rating\n1,2,3\n1,2\n', 3, 'expected at least 3 fields, found 2'],
    ['a missing column (no header)', '1,2,3\n1,2,3\n4\n', 3, 'expected at least 3 fields, found 1'],
    ['an empty user id', '1,2,3\n,2,3\n', 2, 'empty user id'],
    ['an empty item id (quoted)', '1,2,3\n1,"",3\n', 2, 'empty item id'],
    ['an empty value', '1,2,3\n1,2,\n', 2, 'empty value'],
    ['an infinite value after a blank line', '1,2,3\n\n1,2,Infinity\n', 3, 'value "Infinity" is not finite'],
    ['an overflowing value', '1,2,3\n1,2,1e999\n', 2, 'value "1e999" is not finite'],
    ['NaN with CRLF', '1,2,3\r\n1,2,NaN\r\n', 2, 'value "NaN" is not finite'],
    ['a hex value', '1,2,3\n1,2,0x10\n', 2, 'value "0x10" is not a number'],
    ['an unterminated quote', 'user,item,rating\n"1,2,3\n', 2, 'unterminated quoted field (line breaks inside quotes are not supported)'],
    ['text after a closing quote', 'user,item,rating\n"1"x,2,3\n', 2, 'unexpected text after a closing quote'],
    ['a bad timestamp', '1\t2\t3\t100\n1\t2\t3\tlater\n', 2, 'timestamp "later" is neither a number nor a date'],
    ['an empty event', 'user,item,event\na,b,view\na,b,\n', 3, 'empty event type'],
    ['a # comment line', '1,2,3\n# note\n', 2, 'expected at least 3 fields, found 1'],
    ['a bad row on line 12 after blank lines and CRLF', '\r\n\r\nuser,item,rating\r\n' + '1,2,3\r\n'.repeat(5) + '\r\n\r\n\r\n1,2,x\r\n', 12, 'value "x" is not a number'],
  ])('%s is a PARSE_ERROR naming source, line and reason', (_name, text, line, reason) => {
    const err = caught(() => parseText(text, { source: 'ratings.csv' }));
    expect(err).toMatchObject({ name: 'AlsError', code: 'PARSE_ERROR', details: { source: 'ratings.csv', line, reason } });
    expect(err.message.startsWith(`ratings.csv line ${line}: ${reason}`)).toBe(true);
    expect(err.message).toMatch(/onBadRow: 'skip'/);
    const physical = text.replace(/^\uFEFF/, '').split('\n')[line - 1].replace(/\r$/, '');
    expect(err.details!.text).toBe(physical.slice(0, 200));
  });

  it('keeps the first 200 characters of a long bad row', () => {
    const long = '1,2,' + 'x'.repeat(500);
    const err = caught(() => parseText(`1,2,3\n${long}\n`));
    expect(err.details!.text).toBe(long.slice(0, 200));
  });

  it('skips and counts bad rows when asked, never silently', () => {
    const d = parseText('1,2,3\n1,3,x\n2,2,4\n,1,1\n\n5,5,NaN\n', { onBadRow: 'skip' });
    expect(rowsOf(d)).toEqual([['1', '2', 3], ['2', '2', 4]]);
    expect(d.skipped).toEqual({
      count: 3,
      examples: [
        { line: 2, reason: 'value "x" is not a number' },
        { line: 4, reason: 'empty user id' },
        { line: 6, reason: 'value "NaN" is not finite' },
      ],
    });
  });

  it('keeps only the first 10 examples but counts every skipped row', () => {
    const text = '1,2,3\n' + Array.from({ length: 25 }, (_, j) => `u${j},i,bad`).join('\n');
    const d = parseText(text, { onBadRow: 'skip' });
    expect(d.skipped.count).toBe(25);
    expect(d.skipped.examples.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('finds a bad row at a random position with the exact line number (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('good', 'blank', 'crlf-good'), { maxLength: 30 }), fc.nat(), (kinds, seed) => {
        const lines: string[] = kinds.map((k) => (k === 'good' ? '1,2,3' : k === 'blank' ? '' : '4,5,6\r'));
        lines.unshift('0,0,0'); // a good first row: the third column is a value
        const at = 1 + (seed % lines.length);
        lines.splice(at, 0, '7,8,oops');
        const err = caught(() => parseText(lines.join('\n'), { header: false }));
        expect(err.details).toMatchObject({ line: at + 1, reason: 'value "oops" is not a number' });
      }),
      { numRuns: 200 },
    );
  });

  it('an input with no data rows is EMPTY_DATA', () => {
    for (const text of ['', '\n\n  \r\n', 'user,item,rating\n', 'userId,movieId\r\n\r\n']) {
      expect(caught(() => parseText(text))).toMatchObject({ code: 'EMPTY_DATA' });
    }
    const err = caught(() => parseText('1,2,3\n1,2,x\n'.split('\n').slice(1).join('\n') + '\n1,2,y\n', { header: false, onBadRow: 'skip', columns: { user: 0, item: 1, value: 2 } }));
    expect(err).toMatchObject({ code: 'EMPTY_DATA', details: { skipped: 2 } });
  });

  it('a line without any delimiter is a PARSE_ERROR naming it', () => {
    const err = caught(() => parseText('\n\nabc\n', { source: 'f.txt' }));
    expect(err).toMatchObject({ code: 'PARSE_ERROR', details: { source: 'f.txt', line: 3 } });
    expect(err.message).toMatch(/^f\.txt line 3: cannot tell the delimiter/);
  });
});

describe('parseText: random well-formed files parse exactly (fast-check)', () => {
  it('any delimiter, line ending, header or not, quoting', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_ -]{0,6}[A-Za-z0-9_-]$/).map((s) => s.trim() || 'x');
    const value = fc.integer({ min: -1000, max: 1000 }).map((v) => v / 8);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(id, id, value, fc.nat({ max: 2e9 })), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(',', '\t', '::', ';'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        (rows, delim, eol, header, quote) => {
          const q = (s: string) => (quote && delim === ',' ? `"${s.replace(/"/g, '""')}"` : s);
          const lines = rows.map(([u, i, v, t]) => [q(u), q(i), v, t].join(delim));
          if (header) lines.unshift(['userId', 'movieId', 'rating', 'timestamp'].join(delim));
          const d = parseText(lines.join(eol) + (rows.length % 2 ? eol : ''), { header: header ? 'auto' : false });
          expect(rowsOf(d)).toEqual(rows.map(([u, i, v, t]) => [u, i, v, t]));
        },
      ),
      { numRuns: 300 },
    );
  });
});
