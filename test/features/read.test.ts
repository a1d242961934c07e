/** Feature readers: `id,feature[,value]` rows (header optional), MovieLens u.item / u.user, numeric scaling. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFeatures, scaleFeatures } from '../../src/features/read.js';
import { normalizeFeatures } from '../../src/features/augment.js';

const token = fc.stringMatching(/^[A-Za-z0-9_=.-]{1,12}$/).filter((s) => !/^((item|user|movie|film|product)[_ ]?)?id$/i.test(s) && !/^(features?|tags?|genres?|attributes?|categor(y|ies)|labels?)$/i.test(s));

describe('parseFeatures: rows', () => {
  it('reads back what was written, any delimiter, with or without a header (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: token, feature: token, value: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }) }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(',', '\t', ';'),
        fc.boolean(),
        (records, d, header) => {
          // One record per (id, feature), as the reader keeps them all and the check compares in order.
          const unique = [...new Map(records.map((r) => [`${r.id}\u0000${r.feature}`, r])).values()];
          const text = (header ? `item_id${d}feature${d}value\n` : '') + unique.map((r) => [r.id, r.feature, ...(r.value === undefined ? [] : [String(r.value)])].join(d)).join('\n');
          const parsed = parseFeatures(text, 'f.csv');
          expect(parsed.format).toBe('rows');
          expect(parsed.records).toEqual(unique.map((r) => ({ id: r.id, feature: r.feature, value: r.value ?? 1 })));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names the line of a bad row', () => {
    expect(() => parseFeatures('1,genre=Drama\n2\n', 'f.csv')).toThrow(/f\.csv, line 2/);
    expect(() => parseFeatures('1,genre=Drama\n2,year,abc\n', 'f.csv')).toThrow(/line 2: value "abc" is not a number/);
    expect(() => parseFeatures('\n\n', 'f.csv')).toThrow(/no features/);
  });

  it('scales a numeric feature min–max into [0, 1], keeps values already in [0, 1] (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 20 }), (values) => {
        const out = scaleFeatures(values.map((value, t) => ({ id: t, feature: 'x', value })));
        for (const r of out) expect(r.value).toBeGreaterThanOrEqual(0), expect(r.value).toBeLessThanOrEqual(1);
        const lo = Math.min(...values);
        const hi = Math.max(...values);
        if (lo >= 0 && hi <= 1) expect(out.map((r) => r.value)).toEqual(values);
        else if (hi > lo) expect(out[values.indexOf(hi)].value).toBe(1);
      }),
    );
  });
});

describe('parseFeatures: MovieLens', () => {
  const item = (id: number, flags: number[]) => `${id}|Film ${id} (1995)|01-Jan-1995||http://x/${id}|${flags.join('|')}`;
  it('u.item: titles, and one genre=… per set flag, with the ML-100K genre names', () => {
    const flags = (...set: number[]) => Array.from({ length: 19 }, (_, g) => (set.includes(g) ? 1 : 0));
    const p = parseFeatures([item(1, flags(3, 4, 5)), item(2, flags(8))].join('\n'), 'u.item');
    expect(p.format).toBe('u.item');
    expect(p.titles?.get('1')).toBe('Film 1 (1995)');
    expect(p.records).toEqual([
      { id: '1', feature: 'genre=Animation', value: 1 },
      { id: '1', feature: "genre=Children's", value: 1 },
      { id: '1', feature: 'genre=Comedy', value: 1 },
      { id: '2', feature: 'genre=Drama', value: 1 },
    ]);
    expect(() => parseFeatures([item(1, flags(1)), '2|x|y||z|0|1'].join('\n'), 'u.item')).toThrow(/u\.item, line 2/);
  });

  it('u.user: age band, gender, occupation (zip left out)', () => {
    const p = parseFeatures('1|24|M|technician|85711\n2|53|F|other|94043\n', 'u.user');
    expect(p.format).toBe('u.user');
    expect(p.records).toEqual([
      { id: '1', feature: 'age=18-24', value: 1 },
      { id: '1', feature: 'gender=M', value: 1 },
      { id: '1', feature: 'occupation=technician', value: 1 },
      { id: '2', feature: 'age=50-55', value: 1 },
      { id: '2', feature: 'gender=F', value: 1 },
      { id: '2', feature: 'occupation=other', value: 1 },
    ]);
    expect(() => parseFeatures('1|24|M|technician|85711\n2|old|F|other|94043\n', 'u.user')).toThrow(/u\.user, line 2: age "old"/);
  });
});

describe('normalizeFeatures (the train option)', () => {
  it('refuses malformed records naming them; a repeated (id, feature) keeps its last value', () => {
    expect(() => normalizeFeatures([{ id: '', feature: 'a' }], 'itemFeatures')).toThrow(/itemFeatures\[0\]\.id/);
    expect(() => normalizeFeatures([{ id: 'a', feature: '' }], 'itemFeatures')).toThrow(/itemFeatures\[0\]\.feature/);
    expect(() => normalizeFeatures([{ id: 'a', feature: 'x', value: NaN }], 'userFeatures')).toThrow(/userFeatures\[0\]\.value/);
    expect(() => normalizeFeatures(42 as never, 'itemFeatures')).toThrow(/itemFeatures/);
    expect(normalizeFeatures([{ id: 'a', feature: 'x', value: 0.2 }, { id: 'a', feature: 'x', value: 0.7 }], 'f')).toEqual([{ id: 'a', feature: 'x', value: 0.7 }]);
  });
});
