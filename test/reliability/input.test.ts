/**
 * Bad input, tried systematically: every malformed row is a PARSE_ERROR naming the source and
 * the line (or, with onBadRow: 'skip', is counted), never a crash and never a silently lost
 * row; odd but valid data (negative, zero, huge ids, one user, one item, identical ratings)
 * has a documented outcome, never a NaN model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import { parseChunks, parseText } from '../../src/data/parse.js';
import { isAlsError } from '../../src/errors.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';

function caught(fn: () => unknown): { code?: string; message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected an error');
}

/** Physical lines with data in them, as the parser counts them (BOM, CRLF, blank lines). */
function dataLines(text: string): number {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => !/^[ \t\r\v\f\u00a0\uFEFF]*$/.test(l)).length;
}

const GOOD = 'u1,i1,4\nu1,i2,3\nu2,i1,5\n';

describe('malformed rows name the file and the line', () => {
  it.each<[string, string, RegExp]>([
    ['a word for a value', 'u3,i2,abc', /value "abc" is not a number/],
    ['NaN', 'u3,i2,NaN', /value "NaN" is not finite/],
    ['Infinity', 'u3,i2,Infinity', /not finite/],
    ['-Infinity', 'u3,i2,-Infinity', /not finite/],
    ['an overflowing number', 'u3,i2,1e400', /not finite/],
    ['hex', 'u3,i2,0x10', /not a number/],
    ['an empty value', 'u3,i2,', /empty value/],
    ['an empty user id', ',i2,3', /empty user id/],
    ['an empty item id', 'u3,,3', /empty item id/],
    ['too few fields', 'u3,i2', /expected at least 3 fields, found 2/],
    ['one field', 'u3', /expected at least 3 fields, found 1/],
    ['an unterminated quote', 'u3,"i2,3', /unterminated quoted field/],
    ['text after a closing quote', 'u3,"i2"x,3', /unexpected text after a closing quote/],
    ['a lone CR (classic Mac line end)', 'u3,i2,3\ru4,i5,2', /carriage return/],
  ])('%s', (_name, bad, reason) => {
    const text = GOOD + bad + '\n' + GOOD;
    const err = caught(() => parseText(text, { source: 'ratings.csv' }));
    expect(err.code).toBe('PARSE_ERROR');
    expect(err.message).toMatch(/^ratings\.csv line 4: /);
    expect(err.message).toMatch(reason);
    expect(err.message).toMatch(/onBadRow: 'skip'/);
    expect(err.details).toMatchObject({ source: 'ratings.csv', line: 4 });
    // With skip mode the same row is counted and reported, and every good row is kept.
    const skipped = parseText(text, { source: 'ratings.csv', onBadRow: 'skip' });
    expect(skipped.length).toBe(6);
    expect(skipped.skipped.count).toBe(1);
    expect(skipped.skipped.examples[0].line).toBe(4);
    expect(skipped.skipped.examples[0].reason).toMatch(reason);
  });

  it('a timestamp that is neither a number nor a date', () => {
    const err = caught(() => parseText('user,item,rating,timestamp\nu1,i1,4,12\nu1,i2,3,yesterday\n', { source: 'r.csv' }));
    expect(err).toMatchObject({ code: 'PARSE_ERROR', details: { line: 3 } });
    expect(err.message).toMatch(/timestamp "yesterday"/);
  });

  it('a bad record names its index', async () => {
    const { fromRecords } = await import('../../src/data/parse.js');
    for (const bad of [{ user: 'u', item: 'i', value: Number.NaN }, { user: 'u', item: 'i', value: Infinity }, { user: '', item: 'i' }, { user: 'u' }, null, 'text']) {
      const err = await fromRecords([{ user: 'a', item: 'b' }, bad as never]).catch((e: unknown) => e);
      expect(err, JSON.stringify(bad)).toMatchObject({ code: 'PARSE_ERROR', details: { record: 1 } });
    }
  });

  it('a very long bad line keeps only 200 characters in the error; a very long valid id is read', () => {
    const long = 'x'.repeat(1 << 20);
    const err = caught(() => parseText(`${GOOD}u9,i9,${long}\n`, { source: 'big.csv' }));
    expect(err.details).toMatchObject({ line: 4 });
    expect(String(err.details.text).length).toBe(200);
    const data = parseText(`${GOOD}${long},i9,1\n`);
    expect(data.users.index(long)).toBe(2);
  });

  it.each([
    ['an empty file', ''],
    ['only blank lines', '\n \n\t\n\r\n'],
    ['only a BOM', '\uFEFF'],
    ['only a header', 'user,item,rating\n'],
  ])('%s is EMPTY_DATA naming the source', (_name, text) => {
    const err = caught(() => parseText(text, { source: 'empty.csv' }));
    expect(err.code).toBe('EMPTY_DATA');
    expect(err.message).toMatch(/^empty\.csv has no data rows/);
  });

  it('every row bad, in skip mode, is EMPTY_DATA that says how many were skipped and why', () => {
    const err = caught(() => parseText('u,i,x\nu,j,y\n', { onBadRow: 'skip', header: false, columns: { user: 0, item: 1, value: 2 }, source: 'bad.csv' }));
    expect(err.code).toBe('EMPTY_DATA');
    expect(err.message).toMatch(/2 bad rows skipped, e\.g\. line 1/);
  });
});

describe('fuzzing the parser (fast-check)', () => {
  const pieces = fc.constantFrom('1', '22', 'u', 'item', '3.5', '-2', '1e3', 'NaN', ',', ',', ',', '\t', ';', '|', '::', ' ', '"', '""', '\n', '\n', '\r\n', '\r', '\uFEFF', '\u00a0', 'é', '😀', '');
  const text = fc.array(pieces, { maxLength: 80 }).map((a) => a.join(''));
  const options = fc.record(
    {
      delimiter: fc.constantFrom(',', '\t', ';', '|', '::', ' '),
      header: fc.constantFrom(true, false, 'auto' as const),
      onBadRow: fc.constantFrom('error' as const, 'skip' as const),
    },
    { requiredKeys: [] },
  );

  it('random text with random options: a result with finite values, or a typed error naming a real line — never a crash', () => {
    fc.assert(
      fc.property(text, options, (t, o) => {
        try {
          const d = parseText(t, { ...o, source: 'fuzz.csv' });
          expect(d.length).toBeGreaterThan(0);
          expect(d.user.length).toBe(d.length);
          expect(d.value.every(Number.isFinite)).toBe(true);
          expect(d.length + d.skipped.count).toBeLessThanOrEqual(dataLines(t));
        } catch (e) {
          if (!isAlsError(e)) throw e;
          expect(['PARSE_ERROR', 'EMPTY_DATA']).toContain(e.code);
          if (e.code === 'PARSE_ERROR') {
            expect(e.details.line).toBeGreaterThanOrEqual(1);
            expect(e.details.line).toBeLessThanOrEqual(t.split('\n').length);
            expect(e.message).toMatch(/^fuzz\.csv line \d+: /);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('nothing is lost silently: with fixed columns and skip mode, rows read + rows skipped = lines with data', () => {
    fc.assert(
      fc.property(text, (t) => {
        try {
          const d = parseText(t, { delimiter: ',', header: false, columns: { user: 0, item: 1, value: 2 }, onBadRow: 'skip' });
          expect(d.length + d.skipped.count).toBe(dataLines(t));
        } catch (e) {
          if (!isAlsError(e)) throw e;
          expect(e.code).toBe('EMPTY_DATA');
          expect(dataLines(t) === 0 || /bad rows skipped/.test(e.message)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes (invalid UTF-8 included), in random chunks: a result or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 64 }), fc.constantFrom('error' as const, 'skip' as const), async (bytes, size, onBadRow) => {
        const chunks: Uint8Array[] = [];
        for (let o = 0; o < bytes.length; o += size) chunks.push(bytes.subarray(o, o + size));
        try {
          const d = await parseChunks(chunks, { onBadRow });
          expect(d.value.every(Number.isFinite)).toBe(true);
        } catch (e) {
          if (!isAlsError(e)) throw e;
          expect(['PARSE_ERROR', 'EMPTY_DATA']).toContain(e.code);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('odd but valid data has a documented outcome', () => {
  const finite = (m: { params: { userFactors: Float64Array; itemFactors: Float64Array } }) => m.params.userFactors.every(Number.isFinite) && m.params.itemFactors.every(Number.isFinite);

  it('ids beyond 2^31 and 2^53 stay distinct, exactly as written, through training and a model file', async () => {
    const text = '2147483648,9007199254740993,1\n2147483649,9007199254740992,1\n4294967296,18446744073709551616,1\n2147483648,9007199254740992,1\n';
    const data = parseText(text);
    expect(data.users.ids()).toEqual(['2147483648', '2147483649', '4294967296']);
    expect(data.items.ids()).toEqual(['9007199254740993', '9007199254740992', '18446744073709551616']);
    const { model } = await train(data, { feedback: 'implicit', factors: 2, iterations: 2 });
    const back = await loadModel(saveModel(model));
    expect(back.users.ids()).toEqual(data.users.ids());
    expect(back.items.ids()).toEqual(data.items.ids());
    expect(back.recommend('4294967296', 3).map((r) => r.id).sort()).toEqual(['9007199254740992', '9007199254740993']);
  });

  it('implicit: negative values are dislikes (p = 0, confidence from |r|), zeros add nothing; all non-positive is EMPTY_DATA', async () => {
    const { model } = await train(parseText('a,x,-3\na,y,2\nb,x,1\nb,z,0\n'), { feedback: 'implicit', factors: 2, iterations: 3 });
    expect(finite(model)).toBe(true);
    await expect(train(parseText('a,x,0\nb,y,-1\n'), { feedback: 'implicit', factors: 2 })).rejects.toMatchObject({ code: 'EMPTY_DATA' });
  });

  it('explicit: negative and zero ratings are ratings like any other', async () => {
    const { model } = await train(parseText('a,x,-3\na,y,0\nb,x,1\nb,z,0\n'), { feedback: 'explicit', factors: 2, iterations: 3 });
    expect(finite(model)).toBe(true);
  });

  it.each([
    ['one user', 'u,a,3\nu,b,4\nu,c,5\n'],
    ['one item', 'a,i,3\nb,i,4\nc,i,5\n'],
    ['one row', 'a,i,3\n'],
  ])('%s trains to a finite model for each loss and solver', async (_name, text) => {
    for (const o of [{ feedback: 'explicit' }, { feedback: 'explicit', biases: true }, { feedback: 'implicit' }, { feedback: 'implicit', solver: 'cg' }] as const) {
      const { model, report } = await train(parseText(text), { factors: 4, iterations: 3, ...o });
      expect(finite(model), JSON.stringify(o)).toBe(true);
      expect(report.loss.every(Number.isFinite)).toBe(true);
    }
  });

  it('all-identical ratings: zero loss with biases (every prediction is that rating), finite without', async () => {
    const text = 'a,i,3\nb,i,3\na,j,3\nb,k,3\nc,k,3\n';
    const withBiases = await train(parseText(text), { feedback: 'explicit', factors: 3, iterations: 3, biases: true });
    expect(withBiases.report.loss.at(-1)).toBeCloseTo(0, 12);
    expect(withBiases.model.predict('c', 'i')).toBeCloseTo(3, 12);
    const plain = await train(parseText(text), { feedback: 'explicit', factors: 3, iterations: 3 });
    expect(finite(plain.model)).toBe(true);
  });
});
