/**
 * The binary container of model files: a JSON header plus named, aligned, little-endian
 * typed blocks, with a checksum. It knows nothing about ALS; model-file.ts maps a model onto it.
 *
 *     offset  size  field
 *     0       8     magic "ALSWASM\0"
 *     8       4     u32 LE format version (2; 1 is read too: v2 added the features' header
 *                   fields and blocks, which a v1 file simply lacks)
 *     12      4     u32 LE flags (0; a set bit is a feature this build does not know)
 *     16      4     u32 LE JSON length L
 *     20      L     UTF-8 JSON { "blocks": [{ name, dtype, offset, length }], "dataLength": D, "header": {…} }
 *     20+L    0–7   zero padding, so the data area starts at S = align8(20 + L)
 *     S       D     the blocks, each at S + offset (offset a multiple of 8), little-endian
 *     S+D     4     u32 LE CRC-32 (IEEE) of bytes [0, S + D)
 *
 * Block `offset` is in bytes from the data area's start; `length` counts elements.
 */
import { AlsError, badOption } from '../errors.js';
import { crc32 } from './checksum.js';

export { crc32 } from './checksum.js';

/** The 8 magic bytes that open every model file. */
export const MODEL_MAGIC = 'ALSWASM\0';
/** The format version this build writes (and the newest it reads). */
export const MODEL_FORMAT_VERSION = 2;
/** The oldest format version this build reads. */
export const MODEL_FORMAT_OLDEST = 1;

/** A typed block stored in a model file. */
export type ModelBlock = Float64Array | Float32Array | Int32Array;
/** Element type of a block, as written in the JSON header. */
export type BlockDType = 'f64' | 'f32' | 'i32';

/** What {@link encodeModel} writes. */
export interface ModelContents {
  /** Any JSON-serialisable object; it comes back as `JSON.parse(JSON.stringify(header))`. */
  header: Record<string, unknown>;
  /** Named typed blocks (names unique), in file order. */
  blocks: { name: string; data: ModelBlock }[];
}

/** What {@link decodeModel} returns. */
export interface DecodedModel {
  /** The file's format version ({@link MODEL_FORMAT_OLDEST} … {@link MODEL_FORMAT_VERSION}). */
  version: number;
  /** The header object as encoded. */
  header: Record<string, unknown>;
  /** The blocks by name, each a fresh, aligned typed array owned by the caller. */
  blocks: Map<string, ModelBlock>;
}

/** One entry of the JSON block table. */
interface BlockEntry {
  name: string;
  dtype: BlockDType;
  offset: number;
  length: number;
}

const PREFIX = 20; // magic + version + flags + JSON length
/** Format versions beyond this build's that a newer als-wasm could have written ("upgrade"); beyond them, the file is damaged. */
const PLAUSIBLE_NEWER_VERSIONS = 64;
const TRAILER = 4; // CRC-32
const BYTES: Record<BlockDType, number> = { f64: 8, f32: 4, i32: 4 };
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encodes a header and named typed blocks into the bytes of a model file.
 *
 * @param model - the JSON header and the blocks
 * @returns the file's bytes (a fresh Uint8Array at byteOffset 0)
 * @throws AlsError `BAD_OPTION` if the header is not JSON-serialisable, a block name is empty
 *   or repeated, or a block is not a Float64Array, Float32Array or Int32Array
 * @remarks Blocks are written little-endian whatever the host's byte order (copied as bytes
 * on little-endian hosts, element by element through a DataView otherwise), each padded to a
 * multiple of 8 bytes so every block starts 8-byte aligned and can be viewed in place.
 * @example
 * const bytes = encodeModel({ header: { factors: 2 }, blocks: [{ name: 'Y', data: new Float64Array(6) }] });
 */
export function encodeModel(model: ModelContents): Uint8Array {
  const entries: BlockEntry[] = [];
  const names = new Set<string>();
  let dataLength = 0;
  for (const b of model.blocks) {
    if (typeof b.name !== 'string' || b.name === '' || names.has(b.name)) throw badOption('blocks[].name', b.name, 'a unique non-empty string');
    names.add(b.name);
    const dtype = dtypeOf(b.data);
    if (!dtype) throw badOption(`blocks["${b.name}"].data`, Object.prototype.toString.call(b.data), 'a Float64Array, Float32Array or Int32Array');
    entries.push({ name: b.name, dtype, offset: dataLength, length: b.data.length });
    dataLength += align8(b.data.byteLength);
  }
  if (!isObject(model.header)) throw badOption('header', model.header, 'a JSON object');
  let text: string;
  try {
    text = JSON.stringify({ blocks: entries, dataLength, header: model.header });
  } catch (e) {
    throw badOption('header', `(${(e as Error).message})`, 'a JSON-serialisable object');
  }
  const json = new TextEncoder().encode(text);
  const dataStart = align8(PREFIX + json.length);
  const total = dataStart + dataLength + TRAILER;
  const out = new Uint8Array(total); // zero-filled: the padding is zeros
  const view = new DataView(out.buffer);
  for (let j = 0; j < 8; j++) out[j] = MODEL_MAGIC.charCodeAt(j);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, 0, true);
  view.setUint32(16, json.length, true);
  out.set(json, PREFIX);
  model.blocks.forEach((b, t) => writeBlock(out, view, dataStart + entries[t].offset, b.data));
  view.setUint32(total - TRAILER, crc32(out.subarray(0, total - TRAILER)), true);
  return out;
}

/**
 * Decodes and verifies a model file.
 *
 * @param bytes - the file's bytes; may be a view at any byteOffset
 * @returns the version, the header, and the blocks copied into fresh aligned typed arrays
 * @throws AlsError `BAD_MODEL_FILE` naming what is wrong, with `details.reason` one of
 *   `not-model` (wrong magic), `version` (another format version; details.version),
 *   `flags` (unknown feature bits), `truncated` (shorter than its header says),
 *   `trailing` (longer than its header says), `checksum` (corrupt),
 *   `json` (the header is not valid UTF-8 JSON of the expected shape), `block` (a block
 *   entry is malformed, repeated, misaligned or out of range)
 * @remarks Checks run in an order that names the real problem: magic, then version (so a
 * newer file says "upgrade", not "corrupt"), then sizes, then the CRC-32 over everything
 * but the trailer. When the CRC fails, the header is still consulted to tell a truncated
 * file from a corrupt one. Nothing is returned unless every check passes, so a damaged
 * file can never load as a wrong model.
 */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const bad = (reason: string, message: string, details: Record<string, unknown> = {}) =>
    new AlsError('BAD_MODEL_FILE', message, { reason, bytes: bytes.length, ...details });
  const size = bytes.length;
  for (let j = 0; j < Math.min(8, size); j++) {
    if (bytes[j] !== MODEL_MAGIC.charCodeAt(j)) throw bad('not-model', 'Not an als-wasm model file (it does not start with the "ALSWASM" magic bytes).');
  }
  if (size < PREFIX) {
    throw bad('truncated', size === 0 ? 'The model file is empty.' : `The model file is truncated: ${size} bytes, shorter than its ${PREFIX}-byte preamble.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  // A newer als-wasm bumps the version by one at a time: a number far beyond is damage (garbage
  // after the magic), not a file to upgrade for.
  if (version > MODEL_FORMAT_VERSION + PLAUSIBLE_NEWER_VERSIONS) {
    throw bad('corrupt', `Not a valid als-wasm model file, or a corrupt one: its format version field reads ${version}, which no als-wasm writes. Copy or download it again.`, { version });
  }
  if (version < MODEL_FORMAT_OLDEST || version > MODEL_FORMAT_VERSION) {
    throw bad(
      'version',
      version > MODEL_FORMAT_VERSION
        ? `This model file was written by a newer als-wasm (format v${version}); this build reads v${MODEL_FORMAT_VERSION}. Upgrade als-wasm to load it.`
        : `This model file has format v${version}, which this build does not read (it reads v${MODEL_FORMAT_OLDEST}–v${MODEL_FORMAT_VERSION}).`,
      { version, supported: MODEL_FORMAT_VERSION },
    );
  }
  const flags = view.getUint32(12, true);
  const jsonLength = view.getUint32(16, true);
  const dataStart = align8(PREFIX + jsonLength);
  if (dataStart + TRAILER > size) {
    throw bad('truncated', `The model file is truncated: its header alone needs ${dataStart + TRAILER} bytes, the file has ${size}.`, { expected: dataStart + TRAILER });
  }

  const stored = view.getUint32(size - TRAILER, true);
  const actual = crc32(bytes.subarray(0, size - TRAILER));
  const table = parseTable(bytes.subarray(PREFIX, PREFIX + jsonLength));
  if (stored !== actual) {
    // Tell truncation (or extra bytes) from corruption when the header still makes sense.
    const expected = typeof table === 'string' ? undefined : dataStart + table.dataLength + TRAILER;
    if (expected !== undefined && expected > size) {
      throw bad('truncated', `The model file is truncated: ${size} bytes of the ${expected} its header describes. Copy or download it again.`, { expected });
    }
    if (expected !== undefined && expected < size) {
      throw bad('trailing', `The model file has ${size - expected} unexpected bytes after its end (${expected} bytes described, ${size} found); it is corrupt or was concatenated with other data.`, { expected });
    }
    throw bad('checksum', 'The model file is corrupt: its CRC-32 checksum does not match its contents. Copy or download it again.', { stored, actual });
  }
  // The bytes are as written; anything wrong from here on was written wrongly.
  if (flags !== 0) throw bad('flags', `The model file uses features (flags 0x${flags.toString(16)}) this build of als-wasm does not know. Upgrade als-wasm to load it.`, { flags });
  if (typeof table === 'string') throw bad('json', `The model file's header is not valid: ${table}.`);
  const expected = dataStart + table.dataLength + TRAILER;
  if (expected !== size) throw bad(expected > size ? 'truncated' : 'trailing', `The model file's header describes ${expected} bytes but the file has ${size}.`, { expected });

  const blocks = new Map<string, ModelBlock>();
  for (const e of table.blocks) {
    if (blocks.has(e.name)) throw bad('block', `The model file lists block "${e.name}" twice.`, { block: e.name });
    const end = e.offset + e.length * BYTES[e.dtype];
    if (e.offset % 8 !== 0 || end > table.dataLength) {
      throw bad('block', `The model file's block "${e.name}" (${e.length} × ${e.dtype} at offset ${e.offset}) lies outside its ${table.dataLength}-byte data area or is misaligned.`, { block: e.name });
    }
    blocks.set(e.name, readBlock(bytes, view, dataStart + e.offset, e.length, e.dtype));
  }
  return { version, header: table.header, blocks };
}

/** The parsed JSON, validated in shape, or a string saying what is wrong with it. */
function parseTable(jsonBytes: Uint8Array): { blocks: BlockEntry[]; dataLength: number; header: Record<string, unknown> } | string {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes));
  } catch (e) {
    return `not UTF-8 JSON (${(e as Error).message})`;
  }
  if (!isObject(doc)) return 'not a JSON object';
  const { blocks, dataLength, header } = doc;
  if (!isObject(header)) return '"header" is missing or not an object';
  if (!isCount(dataLength)) return '"dataLength" is missing or not a byte count';
  if (!Array.isArray(blocks)) return '"blocks" is missing or not an array';
  for (const e of blocks) {
    if (!isObject(e) || typeof e.name !== 'string' || typeof e.dtype !== 'string' || !Object.hasOwn(BYTES, e.dtype) || !isCount(e.offset) || !isCount(e.length)) {
      return `malformed block entry ${JSON.stringify(e)}`;
    }
  }
  return { blocks: blocks as BlockEntry[], dataLength, header };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function dtypeOf(data: unknown): BlockDType | undefined {
  return data instanceof Float64Array ? 'f64' : data instanceof Float32Array ? 'f32' : data instanceof Int32Array ? 'i32' : undefined;
}

function writeBlock(out: Uint8Array, view: DataView, at: number, data: ModelBlock): void {
  if (littleEndianHost) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
  } else if (data instanceof Float64Array) {
    for (let j = 0; j < data.length; j++) view.setFloat64(at + 8 * j, data[j], true);
  } else if (data instanceof Float32Array) {
    for (let j = 0; j < data.length; j++) view.setFloat32(at + 4 * j, data[j], true);
  } else {
    for (let j = 0; j < data.length; j++) view.setInt32(at + 4 * j, data[j], true);
  }
}

/** Copies a block into a fresh typed array (its own buffer, so aligned whatever the input's offset). */
function readBlock(bytes: Uint8Array, view: DataView, at: number, length: number, dtype: BlockDType): ModelBlock {
  const out = dtype === 'f64' ? new Float64Array(length) : dtype === 'f32' ? new Float32Array(length) : new Int32Array(length);
  if (littleEndianHost) {
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + out.byteLength));
  } else if (out instanceof Float64Array) {
    for (let j = 0; j < length; j++) out[j] = view.getFloat64(at + 8 * j, true);
  } else if (out instanceof Float32Array) {
    for (let j = 0; j < length; j++) out[j] = view.getFloat32(at + 4 * j, true);
  } else {
    for (let j = 0; j < length; j++) out[j] = view.getInt32(at + 4 * j, true);
  }
  return out;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8; // not (n + 7) & ~7: sizes may exceed 2³¹
}
