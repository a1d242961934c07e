/**
 * Issue 14, item 4: `importFactors` on hostile files — a deflate bomb, lying ZIP directories,
 * truncated or malformed .npy headers, repeated ids. Size limits come from the declared shapes
 * and sizes before anything is inflated or allocated, and every failure is an `AlsError`
 * (`BAD_FACTORS` with `details: { entry, reason }`), never a RangeError or TypeError.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlsError } from '../../src/errors.js';
import { importFactors } from '../../src/io/factors-import.js';
import { npyBytes } from '../helpers/npy.js';

interface ZipInput {
  name: string;
  data: Uint8Array;
  /** Deflate it (method 8); default stored. */
  deflate?: boolean;
  /** The compressed bytes as given (with `deflate`), instead of deflating `data`. */
  raw?: Uint8Array;
  /** The uncompressed size written in the directory (default the true one). */
  declaredSize?: number;
  method?: number;
}

/** A ZIP archive as numpy.savez writes it: local headers, data, central directory, end record. */
function zip(entries: ZipInput[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const body = e.raw ?? (e.deflate ? new Uint8Array(deflateRawSync(e.data)) : e.data);
    const method = e.method ?? (e.deflate || e.raw ? 8 : 0);
    const size = e.declaredSize ?? e.data.length;
    const crc = e.raw ? 0 : crc32(e.data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    parts.push(local, body);
    central.push(cd);
    offset += local.length + body.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A .npy header (format 1.0) declaring `shape` of `descr`, without the data. */
function headerOnly(shape: number[], descr: string): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  return out;
}

/**
 * A raw deflate stream of `header` followed by `zeroChunks` × 64 MiB of zeros, built from one
 * compressed 64 MiB segment repeated (each segment is flushed to a byte boundary and refers to
 * nothing before it, so the copies concatenate into one valid stream): ~2 MB for 2 GiB.
 */
function deflateBomb(header: Uint8Array, zeroChunks: number): Uint8Array {
  const sync = { finishFlush: constants.Z_SYNC_FLUSH };
  const head = deflateRawSync(header, sync);
  const zeros = deflateRawSync(new Uint8Array(64 * 2 ** 20), sync);
  const tail = deflateRawSync(new Uint8Array(0));
  const out = new Uint8Array(head.length + zeroChunks * zeros.length + tail.length);
  out.set(head, 0);
  for (let j = 0; j < zeroChunks; j++) out.set(zeros, head.length + j * zeros.length);
  out.set(tail, head.length + zeroChunks * zeros.length);
  return out;
}

const itemFactors = npyBytes(new Float64Array([1, 0, 0, 1, 1, 1]), [3, 2]);
const userFactors = npyBytes(new Float32Array([1, 2, 3, 4]), [2, 2]);
const goodNpz = (deflate: boolean) =>
  zip([
    { name: 'item_factors.npy', data: itemFactors, deflate },
    { name: 'user_factors.npy', data: userFactors, deflate },
    { name: 'regularization.npy', data: npyBytes(new Float64Array([0.05]), []), deflate },
  ]);

/** The rejection of `p`, or a failure if it resolved. */
async function rejection(p: Promise<unknown>): Promise<{ code?: string; details?: Record<string, unknown>; name?: string; message?: string }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a rejection');
}

describe('importFactors on hostile files (issue 14, item 4)', () => {
  const realDecompressionStream = globalThis.DecompressionStream;
  afterEach(() => {
    globalThis.DecompressionStream = realDecompressionStream;
  });

  it('reads a good .npz, stored and deflated', async () => {
    for (const deflate of [false, true]) {
      const model = await importFactors(goodNpz(deflate), { format: 'npz' });
      expect(model.items.size).toBe(3);
      expect(model.users.size).toBe(2);
      expect(model.options.regularization).toBeCloseTo(0.05);
    }
  });

  it('a 2 MB .npz declaring 2 GiB of zeros (honest directory) is refused from the declared size: fast, no memory', async () => {
    const header = headerOnly([262144, 1024], '<f8');
    const bomb = deflateBomb(header, 32);
    const file = zip([{ name: 'item_factors.npy', data: header, raw: bomb, declaredSize: header.length + 2 ** 31 }]);
    expect(file.length).toBeLessThan(4 * 2 ** 20);
    const before = process.memoryUsage();
    const t0 = performance.now();
    const err = await rejection(importFactors(file));
    const ms = performance.now() - t0;
    const grown = process.memoryUsage().arrayBuffers - before.arrayBuffers;
    expect(err).toMatchObject({ name: 'AlsError', code: 'BAD_FACTORS', details: { entry: 'item_factors.npy', reason: 'too-large' } });
    expect(err.message).toMatch(/2\.0 GiB.*over the limit of 1\.0 GiB.*maxBytes/);
    expect(ms).toBeLessThan(1000);
    expect(grown).toBeLessThan(64 * 2 ** 20);
  });

  it('the same bomb behind a lying directory (declares 1 KiB) stops inflating at once: size-mismatch, low memory', async () => {
    const header = headerOnly([16, 8], '<f8');
    const bomb = deflateBomb(header, 32);
    const file = zip([{ name: 'item_factors.npy', data: header, raw: bomb, declaredSize: header.length + 1024 }]);
    const before = process.memoryUsage();
    const t0 = performance.now();
    const err = await rejection(importFactors(file));
    const ms = performance.now() - t0;
    expect(err).toMatchObject({ code: 'BAD_FACTORS', details: { entry: 'item_factors.npy', reason: 'size-mismatch' } });
    expect(ms).toBeLessThan(2000);
    expect(process.memoryUsage().rss - before.rss).toBeLessThan(256 * 2 ** 20);
  });

  it('an honest small directory whose .npy header declares a huge shape is refused from the shape', async () => {
    const header = headerOnly([2 ** 20, 1024], '<f4');
    const file = zip([{ name: 'item_factors.npy', data: header, deflate: true }]);
    expect(await rejection(importFactors(file))).toMatchObject({ code: 'BAD_FACTORS', details: { entry: 'item_factors.npy', reason: 'too-large' } });
    // A bare .npy: over the limit, or more than the file holds.
    expect(await rejection(importFactors(header))).toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'too-large' } });
    expect(await rejection(importFactors(headerOnly([1000, 8], '<f8')))).toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'truncated' } });
  });

  it('maxBytes changes the limit (and is validated)', async () => {
    const file = goodNpz(true);
    expect(await rejection(importFactors(file, { maxBytes: 100 }))).toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'too-large', maxBytes: 100 } });
    expect(await rejection(importFactors(itemFactors, { maxBytes: 100 }))).toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'too-large' } });
    expect((await importFactors(file, { maxBytes: 4096 })).items.size).toBe(3);
    expect(await rejection(importFactors(file, { maxBytes: -1 }))).toMatchObject({ code: 'BAD_OPTION', details: { option: 'maxBytes' } });
    // A Blob over the limit is refused before it is read.
    expect(await rejection(importFactors(new Blob([new Uint8Array(5000)]), { maxBytes: 4096 }))).toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'too-large' } });
  });

  const cut = (b: Uint8Array, n: number) => b.slice(0, n);
  const withLocalOffset = (b: Uint8Array, offset: number) => {
    const c = b.slice();
    const v = new DataView(c.buffer);
    const eocd = c.length - 22;
    v.setUint32(v.getUint32(eocd + 16, true) + 42, offset, true);
    return c;
  };
  it.each<[string, () => Uint8Array | string, string, string | null]>([
    ['a .npy cut inside its preamble', () => cut(itemFactors, 8), 'not-npy', 'the .npy file'],
    ['a .npy cut inside its header', () => cut(itemFactors, 40), 'truncated', 'the .npy file'],
    ['a .npy cut inside its data', () => cut(itemFactors, itemFactors.length - 3), 'truncated', 'the .npy file'],
    ['a .npy with a non-numeric shape', () => new Uint8Array([...itemFactors.slice(0, 10), ...new TextEncoder().encode(new TextDecoder().decode(itemFactors.slice(10, 128)).replace('(3, 2)', "(3, 'x')")), ...itemFactors.slice(128)]), 'shape', 'the .npy file'],
    ['a .npy of 0 columns', () => npyBytes(new Float64Array(0), [3, 0]), 'shape', null],
    ['a ZIP without an end record', () => cut(goodNpz(false), 200), 'not-zip', null],
    ['a ZIP whose local header offset points past the end', () => withLocalOffset(goodNpz(false), 1e9), 'corrupt', 'item_factors.npy'],
    ['an entry that is not deflate data', () => zip([{ name: 'item_factors.npy', data: itemFactors, raw: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x12, 0x34]) }]), 'inflate', 'item_factors.npy'],
    ['an entry that inflates to less than declared', () => zip([{ name: 'item_factors.npy', data: itemFactors, deflate: true, declaredSize: itemFactors.length + 10 }]), 'size-mismatch', 'item_factors.npy'],
    ['a bzip2 entry', () => zip([{ name: 'item_factors.npy', data: itemFactors, method: 12 }]), 'method', 'item_factors.npy'],
    ['an .npz without item_factors', () => zip([{ name: 'other.npy', data: itemFactors }]), 'missing', 'item_factors'],
    ['JSON factors repeating an id', () => '[{"id":"a","features":[1,2]},{"id":"a","features":[3,4]}]', 'duplicate-id', null],
    ['JSON that is not valid', () => '[{"id":', 'json', null],
  ])('%s → BAD_FACTORS with its reason', async (_, make, reason, entry) => {
    const err = await rejection(importFactors(make()));
    expect(err, String(err)).toMatchObject({ name: 'AlsError', code: 'BAD_FACTORS', details: { reason, entry } });
  });

  it('a compressed .npz where DecompressionStream is missing: BAD_FACTORS "unsupported", not a ReferenceError', async () => {
    (globalThis as { DecompressionStream?: unknown }).DecompressionStream = undefined;
    expect(await rejection(importFactors(goodNpz(true)))).toMatchObject({ code: 'BAD_FACTORS', details: { entry: 'item_factors.npy', reason: 'unsupported' } });
    expect((await importFactors(goodNpz(false))).items.size).toBe(3);
  });

  it('random damage to a good .npz or .npy: a model or an AlsError, never another exception', async () => {
    const files = [goodNpz(false), goodNpz(true), itemFactors];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (which, edits, cutAt) => {
          let b = files[which].slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          if (cutAt !== undefined) b = b.slice(0, cutAt % (b.length + 1));
          try {
            await importFactors(b);
          } catch (e) {
            if (!isAlsError(e)) throw new Error(`not an AlsError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
          }
        },
      ),
      { numRuns: 400, seed: 14 },
    );
  });
});
