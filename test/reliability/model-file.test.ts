/**
 * Model files that must not load: corrupt, truncated, future-version, foreign — and files
 * whose checksum is right but whose contents are not a model (NaN factors, repeated ids,
 * impossible sizes or options, out-of-range indices). Each is refused with a clear error and
 * the engine keeps its current model.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { decodeModel, encodeModel, type ModelBlock } from '../../src/io/model-format.js';

async function trainedEngine() {
  const engine = new Engine();
  const data = await engine.load('a,i,3\nb,i,4\na,j,5\nb,k,1\nc,k,2\nc,i,1\n');
  await engine.train(data, { feedback: 'implicit', factors: 3, iterations: 3 });
  return engine;
}

/** Re-encodes a saved file with `edit` applied to its header and blocks (a valid checksum). */
function altered(bytes: Uint8Array, edit: (header: Record<string, unknown>, blocks: Map<string, ModelBlock>) => void): Uint8Array {
  const { header, blocks } = decodeModel(bytes);
  edit(header, blocks);
  return encodeModel({ header, blocks: [...blocks].map(([name, data]) => ({ name, data })) });
}

describe('model files that must not load', () => {
  it('corrupt, truncated, future-version, foreign and empty files: BAD_MODEL_FILE naming the reason; the model stays', async () => {
    const engine = await trainedEngine();
    const good = await engine.save();
    const before = await engine.recommend('a', 3);
    const flipped = good.slice();
    flipped[good.length - 40] ^= 1;
    const future = good.slice();
    new DataView(future.buffer).setUint32(8, 3, true);
    const cases: [string, Uint8Array, string][] = [
      ['a flipped bit', flipped, 'checksum'],
      ['truncated', good.slice(0, good.length - 9), 'truncated'],
      ['cut to its preamble', good.slice(0, 12), 'truncated'],
      ['a newer format version', future, 'version'],
      ['a PNG', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]), 'not-model'],
      ['empty', new Uint8Array(0), 'truncated'],
      ['with bytes appended', Uint8Array.from([...good, 1, 2, 3]), 'trailing'],
    ];
    for (const [name, bytes, reason] of cases) {
      const err = await engine.loadModel(bytes).catch((e: unknown) => e);
      expect(err, name).toMatchObject({ code: 'BAD_MODEL_FILE', details: { reason } });
      expect(await engine.recommend('a', 3), name).toEqual(before);
    }
    const future2 = (await engine.loadModel(future).catch((e: Error) => e)) as Error;
    expect(future2.message).toMatch(/newer als-wasm \(format v3\).*Upgrade/);
  });

  it.each<[string, (h: Record<string, unknown>, b: Map<string, ModelBlock>) => void, string, RegExp]>([
    ['NaN in the item factors', (_h, b) => ((b.get('itemFactors') as Float64Array)[1] = Number.NaN), 'NON_FINITE', /"itemFactors" holds NaN/],
    ['∞ in the user factors', (_h, b) => ((b.get('userFactors') as Float64Array)[0] = Infinity), 'NON_FINITE', /"userFactors"/],
    ['a repeated user id', (h) => ((h.userIds as string[])[1] = (h.userIds as string[])[0]), 'BAD_MODEL_FILE', /user ids repeat/],
    ['an id that is an object', (h) => ((h.itemIds as unknown[])[0] = { x: 1 }), 'BAD_MODEL_FILE', /neither a string nor a finite number/],
    ['factors = 0', (h) => (h.factors = 0), 'BAD_MODEL_FILE', /sizes are not valid/],
    ['users = -1', (h) => (h.users = -1), 'BAD_MODEL_FILE', /sizes are not valid/],
    ['an unknown feedback', (h) => ((h.options as Record<string, unknown>).feedback = 'telepathy'), 'BAD_MODEL_FILE', /training options are not valid.*feedback/],
    ['a negative regularization', (h) => ((h.options as Record<string, unknown>).regularization = -1), 'BAD_MODEL_FILE', /regularization/],
    ['a seen item out of range', (_h, b) => ((b.get('seenIndices') as Int32Array)[0] = 99), 'BAD_MODEL_FILE', /seen item index 99/],
    ['decreasing offsets', (_h, b) => ((b.get('seenIndptr') as Int32Array)[1] = 99), 'BAD_MODEL_FILE', /offsets/],
    ['a missing block', (_h, b) => b.delete('itemFactors'), 'BAD_MODEL_FILE', /"itemFactors" is missing/],
    ['a block of the wrong size', (_h, b) => b.set('userFactors', new Float64Array(2)), 'BAD_MODEL_FILE', /"userFactors" is missing or has the wrong size/],
  ])('a well-formed file with %s is refused and the model stays', async (_name, edit, code, message) => {
    const engine = await trainedEngine();
    const before = await engine.recommend('a', 3);
    const err = await engine.loadModel(altered(await engine.save(), edit)).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AlsError', code });
    expect((err as Error).message).toMatch(message);
    expect(await engine.recommend('a', 3)).toEqual(before);
  });

  it('the unaltered re-encoding loads (the alterations above are the only fault)', async () => {
    const engine = await trainedEngine();
    const before = await engine.recommend('a', 3);
    await engine.loadModel(altered(await engine.save(), () => {}));
    expect(await engine.recommend('a', 3)).toEqual(before);
  });
});
