import { AlsError } from '../errors.js';

/**
 * The binary container of model files:
 *
 *     0   8 B  magic "ALSWASM\0"
 *     8   u32  format version (LE)
 *     12  u32  flags (0)
 *     16  u32  JSON header length L
 *     20  L B  UTF-8 JSON: { ...header, blocks: [{ name, dtype, offset, length }] }
 *     …   zero padding to 8 bytes, then each block (little-endian, 8-byte aligned)
 *     end u32  CRC-32 (IEEE) of every byte before it
 */
export const MODEL_MAGIC = 'ALSWASM\0';
/** The format version this build writes and reads. */
export const MODEL_FORMAT_VERSION = 1;

/** A typed block stored in a model file. */
export type ModelBlock = Float64Array | Float32Array | Int32Array;
type DType = 'f64' | 'f32' | 'i32';

interface BlockEntry {
  name: string;
  dtype: DType;
  offset: number;
  length: number;
}

const BYTES: Record<DType, number> = { f64: 8, f32: 4, i32: 4 };
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encodes a header (any JSON-serialisable object) and named typed blocks.
 * @returns the file's bytes
 */
export function encodeModel(model: { header: Record<string, unknown>; blocks: { name: string; data: ModelBlock }[] }): Uint8Array {
  const entries: BlockEntry[] = [];
  // Block offsets are relative to the start of the data area, which begins 8-aligned.
  let offset = 0;
  for (const b of model.blocks) {
    const dtype: DType = b.data instanceof Float64Array ? 'f64' : b.data instanceof Float32Array ? 'f32' : 'i32';
    entries.push({ name: b.name, dtype, offset, length: b.data.length });
    offset += align8(b.data.length * BYTES[dtype]);
  }
  const json = new TextEncoder().encode(JSON.stringify({ ...model.header, blocks: entries }));
  const dataStart = align8(20 + json.length);
  const total = dataStart + offset + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  for (let j = 0; j < 8; j++) out[j] = MODEL_MAGIC.charCodeAt(j);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, 0, true);
  view.setUint32(16, json.length, true);
  out.set(json, 20);
  model.blocks.forEach((b, t) => writeBlock(view, dataStart + entries[t].offset, b.data, entries[t].dtype));
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

/**
 * Decodes a model file, checking magic, version, sizes and checksum. Blocks are copied into
 * fresh aligned arrays (the input may sit at any byte offset).
 * @throws AlsError `BAD_MODEL_FILE` saying what is wrong
 */
export function decodeModel(bytes: Uint8Array): { version: number; header: Record<string, unknown>; blocks: Map<string, ModelBlock> } {
  const bad = (why: string, details: Record<string, unknown> = {}) => new AlsError('BAD_MODEL_FILE', why, details);
  if (bytes.length < 24) throw bad(`Not an als-wasm model file: only ${bytes.length} bytes.`, { bytes: bytes.length });
  for (let j = 0; j < 8; j++) {
    if (bytes[j] !== MODEL_MAGIC.charCodeAt(j)) throw bad('Not an als-wasm model file (wrong magic bytes).');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== MODEL_FORMAT_VERSION) {
    throw bad(
      version > MODEL_FORMAT_VERSION
        ? `This model file was written by a newer als-wasm (format v${version}); this build reads v${MODEL_FORMAT_VERSION}. Upgrade als-wasm.`
        : `Unsupported model format v${version}; this build reads v${MODEL_FORMAT_VERSION}.`,
      { version, supported: MODEL_FORMAT_VERSION },
    );
  }
  const jsonLength = view.getUint32(16, true);
  if (20 + jsonLength + 4 > bytes.length) throw bad(`The model file is truncated (header says ${jsonLength} header bytes, file has ${bytes.length}).`, { bytes: bytes.length });
  const stored = view.getUint32(bytes.length - 4, true);
  const actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) throw bad('The model file is corrupt or truncated (checksum mismatch).', { stored, actual });
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(20, 20 + jsonLength)));
  } catch (e) {
    throw bad(`The model file's header is not valid JSON (${(e as Error).message}).`);
  }
  if (typeof header !== 'object' || header === null || !Array.isArray(header.blocks)) throw bad('The model file\'s header lists no blocks.');
  const dataStart = align8(20 + jsonLength);
  const blocks = new Map<string, ModelBlock>();
  for (const e of header.blocks as BlockEntry[]) {
    if (typeof e?.name !== 'string' || !(e.dtype in BYTES) || !Number.isInteger(e.offset) || !Number.isInteger(e.length) || e.offset < 0 || e.length < 0) {
      throw bad('The model file has a malformed block entry.', { block: e?.name });
    }
    const start = dataStart + e.offset;
    const end = start + e.length * BYTES[e.dtype];
    if (end > bytes.length - 4) throw bad(`The model file is truncated: block "${e.name}" ends past the data.`, { block: e.name });
    blocks.set(e.name, readBlock(view, start, e.length, e.dtype));
  }
  const { blocks: _list, ...rest } = header;
  return { version, header: rest, blocks };
}

function writeBlock(view: DataView, at: number, data: ModelBlock, dtype: DType): void {
  if (littleEndianHost) {
    new Uint8Array(view.buffer, at, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return;
  }
  for (let j = 0; j < data.length; j++) {
    if (dtype === 'f64') view.setFloat64(at + 8 * j, data[j], true);
    else if (dtype === 'f32') view.setFloat32(at + 4 * j, data[j], true);
    else view.setInt32(at + 4 * j, data[j], true);
  }
}

function readBlock(view: DataView, at: number, length: number, dtype: DType): ModelBlock {
  const out = dtype === 'f64' ? new Float64Array(length) : dtype === 'f32' ? new Float32Array(length) : new Int32Array(length);
  if (littleEndianHost) {
    new Uint8Array(out.buffer).set(new Uint8Array(view.buffer, view.byteOffset + at, out.byteLength));
    return out;
  }
  for (let j = 0; j < length; j++) {
    out[j] = dtype === 'f64' ? view.getFloat64(at + 8 * j, true) : dtype === 'f32' ? view.getFloat32(at + 4 * j, true) : view.getInt32(at + 4 * j, true);
  }
  return out;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

let table: Int32Array | undefined;
/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) of `data`. */
export function crc32(data: Uint8Array): number {
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = -1;
  for (let j = 0; j < data.length; j++) crc = table[(crc ^ data[j]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
