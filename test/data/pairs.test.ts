import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { distinctPairs } from '../../src/data/pairs.js';
import { parseText } from '../../src/data/parse.js';

/** The plain definition: a Map keyed by pair, pairs numbered as the rows first meet them. */
function plainPairs(user: ArrayLike<number>, item: ArrayLike<number>, nItems: number) {
  const index = new Map<number, number>();
  const pairUser: number[] = [];
  const pairItem: number[] = [];
  const pairOf: number[] = [];
  for (let j = 0; j < user.length; j++) {
    const key = user[j] * nItems + item[j];
    if (!index.has(key)) {
      index.set(key, pairUser.length);
      pairUser.push(user[j]);
      pairItem.push(item[j]);
    }
    pairOf.push(index.get(key)!);
  }
  return { pairOf, pairUser, pairItem };
}

describe('distinctPairs', () => {
  it('numbers the distinct pairs in first-seen order, each row to its pair (against a Map)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 120 }), (rows) => {
        const data = parseText('user,item\n' + rows.map(([u, i]) => `u${u},i${i}`).join('\n') + '\n');
        const got = distinctPairs(data);
        const want = plainPairs(data.user, data.item, data.items.size);
        expect(Array.from(got.pairOf)).toEqual(want.pairOf);
        expect(got.pairUser).toEqual(want.pairUser);
        expect(got.pairItem).toEqual(want.pairItem);
      }),
      { numRuns: 300 },
    );
  });
});
