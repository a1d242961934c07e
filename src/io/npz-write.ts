/**
 * Writes NumPy `.npy` arrays and `.npz` archives (a ZIP of stored `.npy` entries, as
 * `numpy.savez` writes them), for models that travel to Python.
 * see: numpy.lib.format (format version 1.0); PKWARE APPNOTE 4.3 (local header, central directory)
 */
import { crc32 } from './checksum.js';

/** One array for {@link npy}: its dtype (`<f4`, `<f8`, `<i8`, `|b1`, or `<U` for strings), shape and values. */
export type NpyArray =
  | { dtype: '<f4' | '<f8'; shape: number[]; data: ArrayLike<number> }
  | { dtype: '<i8'; shape: number[]; data: ArrayLike<number> }
  | { dtype: '|b1'; shape: number[]; data: ArrayLike<boolean> }
  | { dtype: '<U'; shape: number[]; data: readonly string[] };

/**
 * Encodes one array as `.npy` bytes (C order; a shape of `[]` is a 0-d scalar, read back by
 * NumPy as `v.item()`).
 * @param a - the array
 * @returns the file's bytes
 */
export function npy(a: NpyArray): Uint8Array {
  const count = a.shape.reduce((p, d) => p * d, 1);
  if (a.data.length !== count) throw new RangeError(`npy: ${a.data.length} values for shape (${a.shape.join(', ')})`);
  // Unicode arrays are fixed width: the longest string in UTF-32 code points.
  // (a loop, not Math.max(...spread): 138 k ids would overflow the call stack)
  let width = 0;
  if (a.dtype === '<U') for (const s of a.data) width = Math.max(width, [...s].length);
  width = Math.max(1, width);
  const descr = a.dtype === '<U' ? `<U${width}` : a.dtype;
  const itemSize = a.dtype === '<U' ? 4 * width : a.dtype === '|b1' ? 1 : a.dtype === '<f4' ? 4 : 8;
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // The preamble (10 bytes) plus the header, padded with spaces and ended by \n, is a multiple of 64.
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + count * itemSize);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let j = 0; j < header.length; j++) out[10 + j] = header.charCodeAt(j);
  const at = 10 + header.length;
  for (let j = 0; j < count; j++) {
    const p = at + j * itemSize;
    if (a.dtype === '<f4') view.setFloat32(p, a.data[j], true);
    else if (a.dtype === '<f8') view.setFloat64(p, a.data[j], true);
    else if (a.dtype === '<i8') view.setBigInt64(p, BigInt(a.data[j]), true);
    else if (a.dtype === '|b1') out[p] = a.data[j] ? 1 : 0;
    else [...(a.data[j] as string)].forEach((c, k) => view.setUint32(p + 4 * k, c.codePointAt(0)!, true));
  }
  return out;
}

/**
 * A ZIP archive of stored (uncompressed) entries with their CRC-32, as `numpy.savez` writes
 * (Python's zipfile checks the CRC on reading).
 * @param entries - file name → bytes, in order
 * @returns the archive's bytes
 * @throws RangeError over 4 GiB (ZIP64 is not written)
 */
export function zipStored(entries: [string, Uint8Array][]): Uint8Array {
  const names = entries.map(([name]) => new TextEncoder().encode(name));
  const size = entries.reduce((s, [, b], j) => s + 30 + names[j].length + b.length + 46 + names[j].length, 22);
  if (size >= 2 ** 32) throw new RangeError('zipStored: the archive would need ZIP64 (over 4 GiB)');
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const offsets: number[] = [];
  const crcs = entries.map(([, b]) => crc32(b));
  let at = 0;
  // Local headers and data; then the central directory; then its end record.
  entries.forEach(([, b], j) => {
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, 20, true); // version needed: 2.0
    view.setUint16(at + 8, 0, true); // method: stored
    view.setUint16(at + 12, 0x21, true); // date: 1980-01-01
    view.setUint32(at + 14, crcs[j], true);
    view.setUint32(at + 18, b.length, true);
    view.setUint32(at + 22, b.length, true);
    view.setUint16(at + 26, names[j].length, true);
    out.set(names[j], at + 30);
    out.set(b, at + 30 + names[j].length);
    at += 30 + names[j].length + b.length;
  });
  const directory = at;
  entries.forEach(([, b], j) => {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, 20, true);
    view.setUint16(at + 6, 20, true);
    view.setUint16(at + 14, 0x21, true);
    view.setUint32(at + 16, crcs[j], true);
    view.setUint32(at + 20, b.length, true);
    view.setUint32(at + 24, b.length, true);
    view.setUint16(at + 28, names[j].length, true);
    view.setUint32(at + 42, offsets[j], true);
    out.set(names[j], at + 46);
    at += 46 + names[j].length;
  });
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - directory, true);
  view.setUint32(at + 16, directory, true);
  return out;
}
