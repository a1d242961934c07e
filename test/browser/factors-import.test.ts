/**
 * Issue 14, item 4 in real Chromium, through the real module Worker: a compressed .npz is
 * inflated with the browser's DecompressionStream; broken deflate data is `BAD_FACTORS`, not
 * a TypeError ("Failed to fetch"); a deflate bomb is refused from its declared size or stopped
 * at it.
 */
import { describe, expect, it } from 'vitest';
import { createRecommender } from '../../src/worker/client.js';
import { npyBytes } from '../helpers/npy.js';

async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A one-entry ZIP (method 8) whose directory declares `declaredSize` uncompressed bytes (the CRC is not checked by the reader). */
function zipOne(name: string, compressed: Uint8Array, declaredSize: number): Uint8Array {
  const n = new TextEncoder().encode(name);
  const out = new Uint8Array(30 + n.length + compressed.length + 46 + n.length + 22);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(8, 8, true);
  v.setUint32(18, compressed.length, true);
  v.setUint32(22, declaredSize, true);
  v.setUint16(26, n.length, true);
  out.set(n, 30);
  out.set(compressed, 30 + n.length);
  const cd = 30 + n.length + compressed.length;
  v.setUint32(cd, 0x02014b50, true);
  v.setUint16(cd + 10, 8, true);
  v.setUint32(cd + 20, compressed.length, true);
  v.setUint32(cd + 24, declaredSize, true);
  v.setUint16(cd + 28, n.length, true);
  v.setUint32(cd + 42, 0, true);
  out.set(n, cd + 46);
  const end = cd + 46 + n.length;
  v.setUint32(end, 0x06054b50, true);
  v.setUint16(end + 8, 1, true);
  v.setUint16(end + 10, 1, true);
  v.setUint32(end + 12, 46 + n.length, true);
  v.setUint32(end + 16, cd, true);
  return out;
}

describe('importFactors in Chromium (issue 14, item 4)', () => {
  it('inflates a good .npz; broken deflate data, a declared 2 GiB and a lying directory are BAD_FACTORS with the entry and reason', async () => {
    const rec = await createRecommender();
    try {
      const items = npyBytes(new Float64Array([1, 0, 0, 1, 1, 1]), [3, 2]);
      await rec.importFactors(zipOne('item_factors.npy', await deflateRaw(items), items.length));
      expect(await rec.similarItems(0, 2)).toHaveLength(2);

      const broken = zipOne('item_factors.npy', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x12, 0x34]), items.length);
      await expect(rec.importFactors(broken)).rejects.toMatchObject({ name: 'AlsError', code: 'BAD_FACTORS', details: { entry: 'item_factors.npy', reason: 'inflate' } });

      const declared = zipOne('item_factors.npy', new Uint8Array([3, 0]), 2 ** 31);
      await expect(rec.importFactors(declared)).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { entry: 'item_factors.npy', reason: 'too-large' } });

      const zeros = await deflateRaw(new Uint8Array(32 * 2 ** 20));
      const t0 = performance.now();
      await expect(rec.importFactors(zipOne('item_factors.npy', zeros, 1024))).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'size-mismatch' } });
      expect(performance.now() - t0).toBeLessThan(2000);
      // The model imported first is still there.
      expect(await rec.similarItems(0, 2)).toHaveLength(2);
    } finally {
      await rec.dispose();
    }
  });
});
