/**
 * Reads NumPy `.npy` arrays: the factor matrices (and scalars) benfred/implicit saves, and the
 * unicode id arrays {@link exportFactors} writes beside them. Every declared size is checked
 * against the limit and the bytes present before anything is allocated.
 * see: numpy.lib.format
 */
import type { Id } from '../data/types.js';
import { badFactors, formatBytes, type FactorMatrix } from './factor-reading.js';
import { DEFAULT_MAX_FACTOR_BYTES } from './factors-import-options.js';

/** Largest element count a shape may declare before any byte is read (guards the arithmetic). */
const MAX_ELEMENTS = 2 ** 40;

/**
 * Reads a NumPy .npy array (format v1–v3; little/big-endian f4/f8/i4/i8; C or Fortran order).
 * The declared shape × dtype size is checked against `maxBytes` and against the bytes present
 * before anything is allocated.
 * see: numpy.lib.format
 * @throws AlsError `BAD_FACTORS` with `details: { entry, reason }`
 */
export function parseNpy(b: Uint8Array, what: string, allowScalar = false, maxBytes = DEFAULT_MAX_FACTOR_BYTES): FactorMatrix {
  const fail = (reason: string, message: string, more: Record<string, unknown> = {}) => badFactors(message, { entry: what, reason, ...more });
  if (!(b.length >= 10 && b[0] === 0x93 && String.fromCharCode(...b.subarray(1, 6)) === 'NUMPY')) throw fail('not-npy', `${what} is not a NumPy .npy array.`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const major = b[6];
  if (major < 1 || major > 3) throw fail('version', `${what}: .npy format version ${major} is not supported (1–3 are).`);
  const start = major === 1 ? 10 : 12;
  if (b.length < start) throw fail('truncated', `${what} is truncated inside its header.`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + headerLen > b.length) throw fail('truncated', `${what} is truncated: its header says ${headerLen} bytes, the file has ${b.length - start} after the preamble.`);
  const header = new TextDecoder().decode(b.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([<>|=])([fi])(\d)'/.exec(header);
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeMatch = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shapeMatch) throw fail('header', `${what}: unsupported .npy header ${JSON.stringify(header.trim().slice(0, 200))}.`);
  const dims = shapeMatch[1].split(',').map((s) => s.trim()).filter(Boolean);
  const shape = dims.map((s) => (/^\d+L?$/.test(s) ? Number(s.replace('L', '')) : NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) throw fail('shape', `${what}: the shape (${dims.join(', ')}) is not a list of non-negative integers.`);
  if (!(shape.length === 2 || (allowScalar && shape.length <= 1))) throw fail('shape', `${what} must be a 2-D array (rows × factors); its shape is (${shape.join(', ')}).`, { shape });
  const [rows, cols] = shape.length === 2 ? shape : [1, shape[0] ?? 1];
  const little = descr[1] !== '>';
  const kind = descr[2];
  const size = Number(descr[3]);
  if (!((kind === 'f' && (size === 4 || size === 8)) || (kind === 'i' && (size === 4 || size === 8)))) throw fail('dtype', `${what}: unsupported dtype ${descr[0].slice(9)}; use float32 or float64.`);
  const dataStart = start + headerLen;
  const count = rows * cols;
  // Sizes from the declared shape, before allocating: the values as read, and as f64 in memory.
  const declaredBytes = count * size;
  if (count > MAX_ELEMENTS || declaredBytes > maxBytes || count * 8 > maxBytes) {
    throw fail('too-large', `${what} declares ${rows} × ${cols} values (${formatBytes(Math.max(declaredBytes, count * 8))}), over the limit of ${formatBytes(maxBytes)}. Pass a larger maxBytes if the file is genuine.`, { declaredBytes, maxBytes });
  }
  if (dataStart + declaredBytes > b.length) throw fail('truncated', `${what} is truncated: the header promises ${count} values (${declaredBytes} bytes), ${Math.max(0, b.length - dataStart)} bytes follow.`, { declaredBytes });
  const data = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    const at = dataStart + j * size;
    const v = kind === 'f' ? (size === 4 ? view.getFloat32(at, little) : view.getFloat64(at, little)) : size === 4 ? view.getInt32(at, little) : Number(view.getBigInt64(at, little));
    // Fortran order stores columns first: element j is (j % rows, j / rows).
    const dst = fortran ? (j % rows) * cols + Math.floor(j / rows) : j;
    data[dst] = v;
  }
  return { rows, cols, data };
}

/**
 * Reads a 1-D NumPy unicode array (`<U…`) of `rows` strings — the ids {@link exportFactors} saves.
 * @throws AlsError `BAD_FACTORS` for another dtype or length
 */
export function parseNpyStrings(b: Uint8Array, what: string, rows: number): Id[] {
  const fail = (message: string) => badFactors(`${what}: ${message}`, { entry: what, reason: 'ids' });
  if (!(b.length >= 10 && b[0] === 0x93)) throw fail('not a .npy array');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const start = b[6] === 1 ? 10 : 12;
  const headerLen = b[6] === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const header = new TextDecoder().decode(b.subarray(start, start + headerLen));
  const m = /'descr':\s*'<U(\d+)'.*'shape':\s*\((\d+),?\)/.exec(header);
  if (!m || Number(m[2]) !== rows) throw fail(`expected ${rows} unicode ids, the header is ${JSON.stringify(header.trim())}`);
  const width = Number(m[1]);
  if (start + headerLen + rows * width * 4 > b.length) throw fail('truncated');
  const out: Id[] = [];
  for (let r = 0; r < rows; r++) {
    let s = '';
    for (let k = 0; k < width; k++) {
      const c = view.getUint32(start + headerLen + (r * width + k) * 4, true);
      if (c === 0) break;
      s += String.fromCodePoint(c);
    }
    out.push(s);
  }
  return out;
}
