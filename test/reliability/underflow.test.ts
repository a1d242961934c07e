/**
 * Issue 14, item 5: the kernels hold ratings and confidences as 32-bit floats, where a nonzero
 * value below ~1e-45 becomes 0 (1e-300 trained as a rating of 0, silently). Such values are
 * refused, naming the user, item and value — like values beyond ±1e38 already were.
 */
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import type { TrainOptions } from '../../src/train/options.js';
import { MIN_VALUE_MAGNITUDE } from '../../src/train/values.js';
import { parseText } from '../../src/data/parse.js';

describe('nonzero values that f32 storage would turn into 0', () => {
  it.each<[string, string, TrainOptions, RegExp]>([
    ['an explicit rating of 1e-300', 'a,i,3\nb,i,4\na,j,1e-300\nb,j,2\n', { feedback: 'explicit' }, /rating of user "a" for item "j" is 1e-300 .*too small to store/],
    ['a negative explicit rating of -1e-45', 'a,i,3\nb,i,4\na,j,-1e-45\nb,j,2\n', { feedback: 'explicit' }, /rating of user "a" for item "j" is -1e-45/],
    ['an explicit rating of 1e-40 (an f32 subnormal: most of its digits lost)', 'a,i,3\nb,i,4\na,j,1e-40\nb,j,2\n', { feedback: 'explicit' }, /rating of user "a" for item "j" is 1e-40 .*at least 1e-38/],
  ])('%s → NON_FINITE (reason underflow) naming the pair, before training', async (_name, text, opts, message) => {
    let iterations = 0;
    const err = await train(parseText(text), { ...opts, factors: 2, onProgress: (p) => void (p.stage === 'iteration' && iterations++) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AlsError', code: 'NON_FINITE', details: { user: 'a', item: 'j', reason: 'underflow', limit: MIN_VALUE_MAGNITUDE } });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/Rescale the values/);
    expect(iterations).toBe(0);
  });

  it('values f32 keeps are accepted: 0, 1e-38 (just inside), and tiny implicit values (their confidence 1 + α·r is stored exactly)', async () => {
    for (const [text, opts] of [
      ['a,i,3\nb,i,0\na,j,1e-38\nb,j,2\n', { feedback: 'explicit' }],
      ['a,i,3\nb,i,4\na,j,1e-300\nb,j,2\n', { feedback: 'implicit' }],
      ['a,i,3\nb,i,4\na,j,1e-300\nb,j,2\n', { feedback: 'implicit', confidence: 'log' }],
    ] as [string, TrainOptions][]) {
      const { model } = await train(parseText(text), { ...opts, factors: 2, iterations: 2 });
      expect(model.params.userFactors.every(Number.isFinite)).toBe(true);
    }
  });

  it('a fold-in history value that would become 0 is BAD_OPTION naming the entry', async () => {
    const { model } = await train(parseText('a,i,3\nb,i,4\na,j,5\nb,j,2\n'), { feedback: 'explicit', factors: 2, iterations: 2 });
    let err: unknown;
    try {
      model.foldIn([{ item: 'i', value: 4 }, { item: 'j', value: 1e-300 }]);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'BAD_OPTION', details: { option: 'history[1].value' } });
    expect((err as Error).message).toMatch(/would become 0/);
    expect(model.foldIn([{ item: 'j', value: 0 }]).used).toBe(1);
  });
});
