import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAlsError } from '../../src/errors.js';
import { crc32 } from '../../src/io/checksum.js';
import { decodeModel, encodeModel, MODEL_FORMAT_VERSION, type ModelBlock } from '../../src/io/model-format.js';

const sample = () =>
  encodeModel({
    header: { kind: 'test', factors: 2, ids: ['a', 'b', 'ç'] },
    blocks: [
      { name: 'Y', data: Float64Array.of(1.5, -2, Math.PI, NaN, -0, Infinity) },
      { name: 'bias', data: Float32Array.of(0.25, 3) }, // 8 bytes
      { name: 'idx', data: Int32Array.of(0x01020304, -1, 7) }, // 12 bytes → padded to 16
      { name: 'empty', data: new Float64Array(0) },
    ],
  });

/** The BAD_MODEL_FILE error's `details.reason` from decoding `bytes` (fails the test if it decodes). */
function reasonOf(bytes: Uint8Array): { reason: string; message: string } {
  try {
    decodeModel(bytes);
  } catch (e) {
    if (!isAlsError(e) || e.code !== 'BAD_MODEL_FILE') throw e; // a crash, not a clean error
    return { reason: e.details.reason as string, message: e.message };
  }
  throw new Error('decoded a damaged file');
}

/** Builds a file by hand with a correct checksum: for headers the encoder would never write. */
function assemble(json: string, data: Uint8Array, opts: { version?: number; flags?: number } = {}): Uint8Array {
  const j = new TextEncoder().encode(json);
  const start = Math.ceil((20 + j.length) / 8) * 8;
  const out = new Uint8Array(start + data.length + 4);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode('ALSWASM\0'));
  v.setUint32(8, opts.version ?? 1, true);
  v.setUint32(12, opts.flags ?? 0, true);
  v.setUint32(16, j.length, true);
  out.set(j, 20);
  out.set(data, start);
  v.setUint32(out.length - 4, zlib.crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

const bytesOf = (a: ModelBlock) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe('crc32', () => {
  it('known answer and agreement with zlib, also when chained (fast-check)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (data, cut) => {
        expect(crc32(data)).toBe(zlib.crc32(data));
        const c = Math.min(cut, data.length);
        expect(crc32(data.subarray(c), crc32(data.subarray(0, c)))).toBe(zlib.crc32(data));
      }),
    );
  });
});

describe('encodeModel: layout', () => {
  it('writes magic, LE version/flags/length, JSON, zero padding, aligned LE blocks and a CRC', () => {
    const bytes = sample();
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('ALSWASM\0');
    expect(Array.from(bytes.subarray(8, 16))).toEqual([2, 0, 0, 0, 0, 0, 0, 0]);
    const L = v.getUint32(16, true);
    const doc = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + L)));
    expect(doc.blocks).toEqual([
      { name: 'Y', dtype: 'f64', offset: 0, length: 6 },
      { name: 'bias', dtype: 'f32', offset: 48, length: 2 },
      { name: 'idx', dtype: 'i32', offset: 56, length: 3 },
      { name: 'empty', dtype: 'f64', offset: 72, length: 0 },
    ]);
    expect(doc.dataLength).toBe(72);
    expect(doc.header).toEqual({ kind: 'test', factors: 2, ids: ['a', 'b', 'ç'] });
    const S = Math.ceil((20 + L) / 8) * 8;
    expect(S % 8).toBe(0);
    expect(Array.from(bytes.subarray(20 + L, S)).every((b) => b === 0)).toBe(true);
    expect(bytes.length).toBe(S + 72 + 4);
    // Explicit little-endian bytes, independent of the host: 1.5 = 0x3FF8000000000000, 0x01020304.
    expect(Array.from(bytes.subarray(S, S + 8))).toEqual([0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
    expect(Array.from(bytes.subarray(S + 56, S + 60))).toEqual([4, 3, 2, 1]);
    expect(Array.from(bytes.subarray(S + 68, S + 72))).toEqual([0, 0, 0, 0]); // block padding
    expect(v.getUint32(bytes.length - 4, true)).toBe(zlib.crc32(bytes.subarray(0, bytes.length - 4)));
  });

  it('encodes subarray views (non-zero byteOffset) by their own bytes', () => {
    const big = Float64Array.of(9, 1, 2, 9);
    const m = decodeModel(encodeModel({ header: {}, blocks: [{ name: 'x', data: big.subarray(1, 3) }] }));
    expect(Array.from(m.blocks.get('x')!)).toEqual([1, 2]);
  });

  it('rejects repeated or empty names, other array types and a non-JSON header with BAD_OPTION', () => {
    const f = new Float64Array(1);
    const badOption = expect.objectContaining({ code: 'BAD_OPTION' });
    expect(() => encodeModel({ header: {}, blocks: [{ name: 'a', data: f }, { name: 'a', data: f }] })).toThrow(badOption);
    expect(() => encodeModel({ header: {}, blocks: [{ name: '', data: f }] })).toThrow(badOption);
    expect(() => encodeModel({ header: {}, blocks: [{ name: 'u8', data: new Uint8Array(4) as unknown as Int32Array }] })).toThrow(badOption);
    expect(() => encodeModel({ header: { n: 1n }, blocks: [] })).toThrow(badOption);
    expect(() => encodeModel({ header: [] as unknown as Record<string, unknown>, blocks: [] })).toThrow(badOption);
  });
});

describe('decodeModel: round trip', () => {
  it('decodes the sample exactly (NaN, −0, ∞ bit for bit)', () => {
    const m = decodeModel(sample());
    expect(m.version).toBe(MODEL_FORMAT_VERSION);
    expect(m.header).toEqual({ kind: 'test', factors: 2, ids: ['a', 'b', 'ç'] });
    expect([...m.blocks.keys()]).toEqual(['Y', 'bias', 'idx', 'empty']);
    expect(m.blocks.get('Y')).toBeInstanceOf(Float64Array);
    expect(bytesOf(m.blocks.get('Y')!)).toEqual(bytesOf(Float64Array.of(1.5, -2, Math.PI, NaN, -0, Infinity)));
    expect(m.blocks.get('bias')).toEqual(Float32Array.of(0.25, 3));
    expect(m.blocks.get('idx')).toEqual(Int32Array.of(0x01020304, -1, 7));
    expect(m.blocks.get('empty')).toEqual(new Float64Array(0));
  });

  it('round-trips random headers and blocks (fast-check)', () => {
    const block = fc.oneof(
      fc.float64Array({ maxLength: 40 }),
      fc.float32Array({ maxLength: 40 }),
      fc.int32Array({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1 }), block), { selector: (t) => t[0], maxLength: 6 }),
        (header, list) => {
          const bytes = encodeModel({ header, blocks: list.map(([name, data]) => ({ name, data })) });
          const m = decodeModel(bytes);
          expect(m.header).toEqual(JSON.parse(JSON.stringify(header)));
          expect([...m.blocks.keys()]).toEqual(list.map((t) => t[0]));
          for (const [name, data] of list) {
            const got = m.blocks.get(name)!;
            expect(got.constructor).toBe(data.constructor);
            expect(bytesOf(got)).toEqual(bytesOf(data));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads from an unaligned view and returns fresh, aligned, independent blocks', () => {
    const bytes = sample();
    for (const shift of [1, 3, 5, 7]) {
      const host = new Uint8Array(bytes.length + shift + 3);
      host.set(bytes, shift);
      const view = host.subarray(shift, shift + bytes.length);
      const m = decodeModel(view);
      const Y = m.blocks.get('Y') as Float64Array;
      expect(Y.byteOffset).toBe(0);
      expect(Y.buffer).not.toBe(host.buffer);
      expect(Y[2]).toBe(Math.PI);
      host.fill(0); // the decoded model must not alias the input
      expect(Y[2]).toBe(Math.PI);
    }
  });
});

describe('decodeModel: damaged files fail with BAD_MODEL_FILE saying why', () => {
  const good = sample();
  const L = new DataView(good.buffer).getUint32(16, true);
  const dataStart = Math.ceil((20 + L) / 8) * 8;

  it('a flipped byte never decodes: data area and trailer → checksum; header → a named reason (fast-check)', () => {
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const bad = good.slice();
        bad[at] ^= mask;
        const { reason, message } = reasonOf(bad);
        if (at < 8) expect(reason).toBe('not-model');
        else if (at < 12) {
          // A version this build still reads (v1 from v2) passes the version check: the checksum catches it.
          const v = new DataView(bad.buffer).getUint32(8, true);
          // Issue 26: a version far beyond this build's (more than 64 ahead) is damage, not a newer file.
          expect(reason).toBe(v >= 1 && v <= MODEL_FORMAT_VERSION ? 'checksum' : v > MODEL_FORMAT_VERSION + 64 ? 'corrupt' : 'version');
        }
        else if (at >= 20 + L) {
          expect(reason).toBe('checksum');
          expect(message).toMatch(/corrupt/);
        } else expect(['checksum', 'truncated', 'trailing']).toContain(reason);
      }),
      { numRuns: 500 },
    );
    // and every byte of the data area and trailer, exhaustively, with one mask
    for (let at = dataStart; at < good.length; at++) {
      const bad = good.slice();
      bad[at] ^= 0x10;
      expect(reasonOf(bad).reason).toBe('checksum');
    }
  });

  it('truncation at every length says truncated (or empty), never a crash or a model', () => {
    for (let n = 0; n < good.length; n++) {
      const { reason, message } = reasonOf(good.subarray(0, n));
      expect(reason).toBe('truncated');
      expect(message).toMatch(n === 0 ? /empty/ : /truncated/);
    }
  });

  it('extra trailing bytes are named', () => {
    const longer = new Uint8Array(good.length + 5);
    longer.set(good);
    const { reason, message } = reasonOf(longer);
    expect(reason).toBe('trailing');
    expect(message).toMatch(/5 unexpected bytes/);
  });

  it('not a model file: other magic, text, a PNG', () => {
    expect(reasonOf(new TextEncoder().encode('user,item,rating\n1,2,3\n')).reason).toBe('not-model');
    expect(reasonOf(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 0)).reason).toBe('not-model');
    expect(reasonOf(new TextEncoder().encode('ALSWASM!' + 'x'.repeat(40))).reason).toBe('not-model');
  });

  it('another format version: newer says upgrade, older than v1 says unsupported; v1 (before features) still reads', () => {
    const v3 = good.slice();
    new DataView(v3.buffer).setUint32(8, 3, true);
    const e = reasonOf(v3);
    expect(e.reason).toBe('version');
    expect(e.message).toContain('written by a newer als-wasm (format v3); this build reads v2');
    const v0 = good.slice();
    new DataView(v0.buffer).setUint32(8, 0, true);
    expect(reasonOf(v0).message).toMatch(/format v0.*reads v1–v2/);
    const v1 = assemble('{"blocks":[],"dataLength":0,"header":{"a":1}}', new Uint8Array(0), { version: 1 });
    expect(decodeModel(v1)).toMatchObject({ version: 1, header: { a: 1 } });
  });

  it('unknown flags (with a valid checksum) ask for an upgrade', () => {
    const e = reasonOf(assemble('{"blocks":[],"dataLength":0,"header":{}}', new Uint8Array(0), { flags: 4 }));
    expect(e.reason).toBe('flags');
    expect(e.message).toMatch(/Upgrade/);
  });

  it('bad JSON or a malformed table (with a valid checksum) is named', () => {
    const none = new Uint8Array(0);
    const cases: [string, Uint8Array, string][] = [
      ['{"blocks":[', none, 'json'],
      ['[1,2]', none, 'json'],
      ['{"blocks":[],"dataLength":0}', none, 'json'],
      ['{"blocks":{},"dataLength":0,"header":{}}', none, 'json'],
      ['{"blocks":[],"dataLength":-8,"header":{}}', none, 'json'],
      ['{"blocks":[{"name":"x","dtype":"u8","offset":0,"length":1}],"dataLength":8,"header":{}}', new Uint8Array(8), 'json'],
      ['{"blocks":[{"name":"x","dtype":"toString","offset":0,"length":1}],"dataLength":8,"header":{}}', new Uint8Array(8), 'json'],
      ['{"blocks":[{"name":"x","dtype":"f64","offset":0,"length":1.5}],"dataLength":8,"header":{}}', new Uint8Array(8), 'json'],
      ['{"blocks":[{"name":"x","dtype":"f64","offset":0,"length":2}],"dataLength":8,"header":{}}', new Uint8Array(8), 'block'],
      ['{"blocks":[{"name":"x","dtype":"f64","offset":8,"length":1}],"dataLength":8,"header":{}}', new Uint8Array(8), 'block'],
      ['{"blocks":[{"name":"x","dtype":"f32","offset":4,"length":1}],"dataLength":8,"header":{}}', new Uint8Array(8), 'block'],
      ['{"blocks":[{"name":"x","dtype":"i32","offset":0,"length":1},{"name":"x","dtype":"i32","offset":0,"length":1}],"dataLength":8,"header":{}}', new Uint8Array(8), 'block'],
      ['{"blocks":[],"dataLength":16,"header":{}}', new Uint8Array(8), 'truncated'],
      ['{"blocks":[],"dataLength":0,"header":{}}', new Uint8Array(8), 'trailing'],
    ];
    for (const [json, data, reason] of cases) expect([json, reasonOf(assemble(json, data)).reason]).toEqual([json, reason]);
    // Invalid UTF-8 inside the JSON
    const bytes = assemble('{"blocks":[],"dataLength":0,"header":{"a":"__"}}', new Uint8Array(0));
    const at = bytes.indexOf(0x5f);
    bytes[at] = 0xff;
    bytes[at + 1] = 0xfe;
    new DataView(bytes.buffer).setUint32(bytes.length - 4, zlib.crc32(bytes.subarray(0, bytes.length - 4)), true);
    expect(reasonOf(bytes).message).toMatch(/not UTF-8 JSON/);
  });

  it('a valid hand-assembled file decodes (the assembler matches the format)', () => {
    const m = decodeModel(assemble('{"blocks":[{"name":"x","dtype":"i32","offset":0,"length":2}],"dataLength":8,"header":{"a":1}}', Uint8Array.of(1, 0, 0, 0, 2, 0, 0, 0)));
    expect(m.header).toEqual({ a: 1 });
    expect(m.blocks.get('x')).toEqual(Int32Array.of(1, 2));
  });
});
