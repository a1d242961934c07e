import { describe, expect, it } from 'vitest';
import { markReusable, matrixOf } from '../../src/data/matrix-cache.js';
import { buildMatrix } from '../../src/data/csr.js';
import { parseText } from '../../src/data/parse.js';

const text = 'user,item,value\na,x,1\na,y,2\nb,x,3\na,x,4\n';

describe('matrixOf', () => {
  it("builds the caller's own data afresh each time, so a change in place is seen", () => {
    const data = parseText(text);
    const first = matrixOf(data, { duplicates: 'sum' });
    expect(first).toEqual(buildMatrix(data, { duplicates: 'sum' }));
    data.value[0] = 10;
    const second = matrixOf(data, { duplicates: 'sum' });
    expect(second).not.toBe(first);
    expect(second).toEqual(buildMatrix(data, { duplicates: 'sum' }));
  });

  it('builds registered data once per options, equal to a fresh build', () => {
    const data = markReusable(parseText(text));
    const sum = matrixOf(data, { duplicates: 'sum' });
    expect(matrixOf(data, { duplicates: 'sum' })).toBe(sum);
    expect(sum).toEqual(buildMatrix(data, { duplicates: 'sum' }));
    const last = matrixOf(data, { duplicates: 'last' });
    expect(last).not.toBe(sum);
    expect(last).toEqual(buildMatrix(data, { duplicates: 'last' }));
    expect(Array.from(sum.byUser.values)).not.toEqual(Array.from(last.byUser.values));
    expect(matrixOf(data, { duplicates: 'sum', dropZeros: true })).not.toBe(sum);
  });
});
