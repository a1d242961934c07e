import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dislikeThreshold, valueKind } from '../../src/data/value-kind.js';
import { defaultFeedback } from '../../src/api/fit.js';
import { parseText } from '../../src/data/parse.js';
import { Rng } from '../../src/util/rng.js';

const ml100k = join(__dirname, '../../../shared/data/ml-100k/u.data');
const kind = (values: number[]) => valueKind(Float64Array.from(values));
/** n values drawn from `pick` with a seeded generator. */
function draw(n: number, pick: (u: number) => number, seed = 1): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => pick(rng.next()));
}
/** Star ratings leaning high, as people give them (J-shaped: 5 and 4 most, then 3, 1, 2). */
const stars = (u: number) => (u < 0.35 ? 5 : u < 0.7 ? 4 : u < 0.88 ? 3 : u < 0.95 ? 1 : 2);

describe('valueKind: ratings, counts or one constant, from the values alone', () => {
  it.skipIf(!existsSync(ml100k))('MovieLens-100K u.data holds ratings, so it trains as explicit', () => {
    const data = parseText(readFileSync(ml100k, 'utf8'), { source: 'u.data' });
    expect(valueKind(data.value, data.length)).toBe('ratings');
    expect(defaultFeedback(data)).toBe('explicit');
  });
  if (!existsSync(ml100k)) console.warn('notice: ../shared/data/ml-100k is absent — the MovieLens check is skipped');

  it('rating scales are ratings: stars, half stars, 1–10, 0–100, −10…10, like/dislike, a 0/1 column', () => {
    expect(kind(draw(5000, stars))).toBe('ratings');
    expect(kind(draw(5000, (u) => 0.5 * (1 + Math.floor(Math.sqrt(u) * 10))))).toBe('ratings');
    expect(kind(draw(5000, (u) => 1 + Math.floor(Math.sqrt(u) * 10)))).toBe('ratings');
    expect(kind(draw(5000, (u) => Math.round(40 + 60 * Math.sqrt(u))))).toBe('ratings');
    expect(kind(draw(5000, (u) => Math.round((u * 20 - 10) * 100) / 100))).toBe('ratings');
    expect(kind(draw(5000, (u) => (u < 0.3 ? -1 : 1)))).toBe('ratings');
    expect(kind(draw(5000, (u) => (u < 0.6 ? 0 : 1)))).toBe('ratings');
    // Polarised stars: more 1–2 than 4–5 (median 2).
    expect(kind(draw(5000, (u) => (u < 0.3 ? 1 : u < 0.55 ? 2 : u < 0.8 ? 4 : 5)))).toBe('ratings');
    // Book-Crossing: 0 ("seen, not rated") on most rows, then 1–10 leaning high.
    expect(kind(draw(5000, (u) => (u < 0.6 ? 0 : 1 + Math.floor(Math.sqrt((u - 0.6) / 0.4) * 10))))).toBe('ratings');
  });

  it('one typo far beyond the scale does not turn ratings into counts (the outlier check then names it)', () => {
    const values = draw(5000, stars);
    values[1234] = 5000;
    expect(kind(values)).toBe('ratings');
  });

  it('counts are counts: plays with a long tail, quantities, mostly ones with a rare larger count', () => {
    expect(kind(draw(5000, (u) => Math.floor(1 / (1 - u) ** 1.25)))).toBe('counts');
    expect(kind(draw(5000, (u) => (u < 0.7 ? 1 : u < 0.9 ? 2 : u < 0.99 ? 3 + Math.floor(u * 5) : 12)))).toBe('counts');
    expect(kind(draw(5000, (u) => (u < 0.6 ? 1 : u < 0.9 ? 2 : 3)))).toBe('counts');
    // Quantities with a few returns (negative), as a retail export has them.
    expect(kind(draw(5000, (u) => (u < 0.02 ? -1 : u < 0.6 ? 1 : u < 0.9 ? 2 : 3 + Math.floor(u * 20))))).toBe('counts');
    const ones = new Array(1000).fill(1);
    ones[7] = 2;
    expect(kind(ones)).toBe('counts');
  });

  it('one value everywhere (`user,item,1`) is a constant', () => {
    expect(kind(new Array(100).fill(1))).toBe('constant');
    expect(kind([3])).toBe('constant');
  });

  it('any fraction, or negatives on over 5 % of the rows, make ratings; whole numbers mostly at their lowest positive value with larger ones past 3× it make counts (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (tail, fraction) => {
        const values = [...tail, tail[0] + fraction];
        expect(kind(values)).toBe('ratings');
        expect(kind([...tail, tail[0] + fraction, -1])).toBe('ratings');
        // Negatives on more than 5 % of the rows: a signed scale.
        expect(kind([...tail, ...tail.map(() => -1)])).toBe('ratings');
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 2, max: 10_000 }), { minLength: 1, maxLength: 100 }), (low, above) => {
        const tail = above.map((v) => 3 * low + v);
        const values = [...new Array(tail.length + 1).fill(low), ...tail];
        expect(kind(values)).toBe('counts');
      }),
    );
  });

  it('the default feedback: ratings explicit; counts, constants, events and bare pairs implicit', () => {
    const csv = (rows: string[]) => parseText(rows.join('\n') + '\n', { source: 't.csv' });
    const starsRows = draw(300, stars).map((v, j) => `u${j % 30},i${j % 17},${v}`);
    expect(defaultFeedback(csv(starsRows))).toBe('explicit');
    const playRows = draw(300, (u) => Math.floor(1 / (1 - u) ** 1.25)).map((v, j) => `u${j % 30},i${j % 17},${v}`);
    expect(defaultFeedback(csv(playRows))).toBe('implicit');
    expect(defaultFeedback(csv(starsRows.map((r) => r.replace(/,\d+$/, ',1'))))).toBe('implicit');
    expect(defaultFeedback(csv(starsRows.map((r) => r.replace(/,\d+$/, ''))))).toBe('implicit');
  });

  it('the dislike threshold: the middle of a rating scale, half a step down; none for a scale with its own zero, or counts', () => {
    const at = (values: number[]) => dislikeThreshold(Float64Array.from(values));
    expect(at(draw(5000, stars))).toBe(2.5);
    const typo = draw(5000, stars);
    typo[99] = 5000;
    expect(at(typo)).toBe(2.5);
    expect(at(draw(5000, (u) => 1 + Math.floor(Math.sqrt(u) * 10)))).toBe(5);
    expect(at(draw(5000, (u) => 0.5 * (1 + Math.floor(Math.sqrt(u) * 10))))).toBe(2.5);
    expect(at(draw(5000, (u) => Math.round((u * 20 - 10) * 100) / 100))).toBeUndefined();
    expect(at(draw(5000, (u) => (u < 0.6 ? 0 : 1 + Math.floor(Math.sqrt((u - 0.6) / 0.4) * 10))))).toBeUndefined();
    expect(at(draw(5000, (u) => Math.floor(1 / (1 - u) ** 1.25)))).toBeUndefined();
    // Mostly dislikes (polarised, 55 % at 1–2): every rating stays interest.
    expect(at(draw(5000, (u) => (u < 0.3 ? 1 : u < 0.55 ? 2 : u < 0.8 ? 4 : 5)))).toBeUndefined();
    expect(at([4, 4, 4])).toBeUndefined();
    expect(at([])).toBeUndefined();
  });
});
