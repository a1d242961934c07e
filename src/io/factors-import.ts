import { AlsModel } from '../als/model.js';
import { resolveTrainOptions, type ConfidenceForm, type Feedback } from '../als/options.js';
import { createIdMap, idMapFromIds } from '../data/id-map.js';
import type { Id } from '../data/types.js';
import { AlsError, badOption, checkOptions } from '../errors.js';
import type { KernelVariant } from '../wasm/abi.js';

/** Bytes or text of a factor file. */
export type FactorSource = Uint8Array | ArrayBuffer | Blob | string;

/** Options of {@link importFactors}. */
export interface ImportFactorsOptions {
  /** File format. Default: detected (`npz` zip magic, `npy` magic, JSON `[`/`{`, else CSV). */
  format?: 'npy' | 'npz' | 'json' | 'csv';
  /** Item ids for the rows of an .npy/.npz item matrix (default: the row numbers). */
  ids?: Id[];
  /** User ids for the rows of user factors in an .npz (default: the row numbers). */
  userIds?: Id[];
  /** How the factors were trained, for fold-in. Default `implicit`. */
  feedback?: Feedback;
  /** λ used for fold-in (default: the file's `regularization` if it has one, else 0.01). */
  regularization?: number;
  /** α used for fold-in (default: the file's `alpha` if it has one, else 1). */
  alpha?: number;
  /** Confidence form for fold-in. Default `linear`. */
  confidence?: ConfidenceForm;
  /** Kernel build. Default `auto`. */
  kernels?: KernelVariant | 'auto';
}

/** Every option of {@link ImportFactorsOptions} (typed: a new option fails to compile until listed). */
const IMPORT_OPTION_NAMES = Object.keys({
  format: 1, ids: 1, userIds: 1, feedback: 1, regularization: 1, alpha: 1, confidence: 1, kernels: 1,
} satisfies Record<keyof ImportFactorsOptions, 1>);

/** A dense matrix read from a file. */
interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

const bad = (message: string, details: Record<string, unknown> = {}) => new AlsError('BAD_MODEL_FILE', message, details);

/**
 * Builds a servable model from factors trained elsewhere — benfred/implicit's `model.save()`
 * `.npz` (item_factors, user_factors, regularization, alpha) or a bare `.npy`, Spark MLlib
 * ALS `itemFactors` written as JSON (`{"id":…,"features":[…]}` per line or an array) or CSV
 * (`id,f1,…,fk` or `id,"[f1, …]"`). The user's history then stays on the device: fold-in,
 * recommendations for a history and similar items work at once.
 * @throws AlsError `BAD_MODEL_FILE` naming what is wrong; `BAD_OPTION`
 */
export async function importFactors(source: FactorSource, opts: ImportFactorsOptions = {}): Promise<AlsModel> {
  checkOptions(opts, IMPORT_OPTION_NAMES);
  const bytes = await toBytes(source);
  const format = opts.format ?? detect(bytes);
  let items: Matrix;
  let users: Matrix | undefined;
  let ids = opts.ids;
  const scalars: Record<string, number> = {};
  if (format === 'npy') {
    items = parseNpy(bytes, 'the .npy file');
  } else if (format === 'npz') {
    const entries = await readZip(bytes);
    const get = (name: string) => entries.get(name) ?? entries.get(`${name}.npy`);
    const itemBytes = get('item_factors');
    if (!itemBytes) throw bad(`The .npz has no item_factors array (it has: ${[...entries.keys()].join(', ') || 'nothing'}).`);
    items = parseNpy(itemBytes, 'item_factors');
    const userBytes = get('user_factors');
    if (userBytes) users = parseNpy(userBytes, 'user_factors');
    for (const key of ['regularization', 'alpha']) {
      const b = get(key);
      if (b) {
        const m = parseNpy(b, key, true);
        if (m.data.length === 1) scalars[key] = m.data[0];
      }
    }
  } else if (format === 'json' || format === 'csv') {
    const parsed = format === 'json' ? parseJsonFactors(new TextDecoder().decode(bytes)) : parseCsvFactors(new TextDecoder().decode(bytes));
    items = parsed.matrix;
    if (!ids) ids = parsed.ids;
  } else {
    throw badOption('format', format, '"npy", "npz", "json" or "csv"');
  }
  if (users && users.cols !== items.cols) throw bad(`user_factors has ${users.cols} columns but item_factors has ${items.cols}.`);
  const itemIds = ids ?? Array.from({ length: items.rows }, (_, i) => i);
  if (itemIds.length !== items.rows) throw badOption('ids', `${itemIds.length} ids`, `one id per item row (${items.rows})`);
  const userIds = users ? (opts.userIds ?? Array.from({ length: users.rows }, (_, i) => i)) : [];
  if (users && userIds.length !== users.rows) throw badOption('userIds', `${userIds.length} ids`, `one id per user row (${users.rows})`);
  for (const m of [items, users]) {
    if (m && !m.data.every(Number.isFinite)) throw new AlsError('NON_FINITE', 'The imported factors contain NaN or infinite values.', {});
  }
  const feedback = opts.feedback ?? 'implicit';
  const options = resolveTrainOptions(
    {
      feedback,
      factors: items.cols,
      regularization: opts.regularization ?? scalars.regularization ?? 0.01,
      // The file's α is for implicit models; a caller's α with explicit feedback is refused (it would not apply).
      alpha: opts.alpha ?? (feedback === 'implicit' ? (scalars.alpha ?? 1) : undefined),
      confidence: opts.confidence,
    },
    'implicit',
  );
  const m = users ? users.rows : 0;
  return AlsModel.create(
    {
      options,
      users: users ? idMapFromIds(userIds) : createIdMap(),
      items: idMapFromIds(itemIds),
      factors: { factors: items.cols, userFactors: users ? users.data : new Float64Array(0), itemFactors: items.data, globalMean: 0 },
      seen: { rows: m, cols: items.rows, indptr: new Int32Array(m + 1), indices: new Int32Array(0), values: new Float64Array(0) },
    },
    opts.kernels ?? 'auto',
  );
}

async function toBytes(source: FactorSource): Promise<Uint8Array> {
  if (typeof source === 'string') return new TextEncoder().encode(source);
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  throw badOption('source', typeof source, 'a Uint8Array, ArrayBuffer, Blob/File or string');
}

function detect(b: Uint8Array): 'npy' | 'npz' | 'json' | 'csv' {
  if (b[0] === 0x50 && b[1] === 0x4b) return 'npz';
  if (b[0] === 0x93 && String.fromCharCode(...b.subarray(1, 6)) === 'NUMPY') return 'npy';
  let j = 0;
  while (j < b.length && (b[j] === 32 || b[j] === 10 || b[j] === 13 || b[j] === 9 || b[j] === 0xef || b[j] === 0xbb || b[j] === 0xbf)) j++;
  return b[j] === 0x5b || b[j] === 0x7b ? 'json' : 'csv';
}

/**
 * Reads a NumPy .npy array (format v1–v3; little/big-endian f4/f8/i4/i8; C or Fortran order).
 * see: numpy.lib.format
 */
export function parseNpy(b: Uint8Array, what: string, allowScalar = false): Matrix {
  if (!(b[0] === 0x93 && String.fromCharCode(...b.subarray(1, 6)) === 'NUMPY')) throw bad(`${what} is not a NumPy .npy array.`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const major = b[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(b.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([<>|=])([fi])(\d)'/.exec(header);
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeMatch = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shapeMatch) throw bad(`${what}: unsupported .npy header ${JSON.stringify(header.trim())}.`);
  const shape = shapeMatch[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!(shape.length === 2 || (allowScalar && shape.length <= 1))) throw bad(`${what} must be a 2-D array (rows × factors); its shape is (${shape.join(', ')}).`);
  const [rows, cols] = shape.length === 2 ? shape : [1, shape[0] ?? 1];
  const little = descr[1] !== '>';
  const kind = descr[2];
  const size = Number(descr[3]);
  if (!((kind === 'f' && (size === 4 || size === 8)) || (kind === 'i' && (size === 4 || size === 8)))) throw bad(`${what}: unsupported dtype ${descr[0].slice(9)}; use float32 or float64.`);
  const dataStart = start + headerLen;
  const count = rows * cols;
  if (dataStart + count * size > b.length) throw bad(`${what} is truncated: the header promises ${count} values.`);
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

/** Reads the entries of a ZIP archive (stored or deflated), as written by numpy.savez(_compressed). */
async function readZip(b: Uint8Array): Promise<Map<string, Uint8Array>> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let j = b.length - 22; j >= Math.max(0, b.length - 22 - 65535); j--) {
    if (view.getUint32(j, true) === 0x06054b50) {
      eocd = j;
      break;
    }
  }
  if (eocd < 0) throw bad('The .npz file is not a complete ZIP archive (no end-of-directory record).');
  const entries = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const out = new Map<string, Uint8Array>();
  for (let e = 0; e < entries; e++) {
    if (at + 46 > b.length || view.getUint32(at, true) !== 0x02014b50) throw bad('The .npz central directory is corrupt.');
    const method = view.getUint16(at + 10, true);
    const compressed = view.getUint32(at + 20, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(b.subarray(at + 46, at + 46 + nameLen));
    if (compressed === 0xffffffff || local === 0xffffffff) throw bad('ZIP64 .npz archives are not supported; save with numpy.savez on arrays under 4 GiB.');
    if (view.getUint32(local, true) !== 0x04034b50) throw bad(`The .npz entry ${name} is corrupt.`);
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = b.subarray(dataAt, dataAt + compressed);
    if (raw.length !== compressed) throw bad(`The .npz entry ${name} is truncated.`);
    out.set(name.replace(/\.npy$/, ''), method === 0 ? raw : method === 8 ? await inflateRaw(raw) : (() => { throw bad(`The .npz entry ${name} uses ZIP method ${method}; only stored and deflate are supported.`); })());
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

async function inflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Spark-style JSON: `[{"id":1,"features":[…]},…]`, or one such object per line. */
function parseJsonFactors(text: string): { ids: Id[]; matrix: Matrix } {
  const t = text.trim();
  let records: unknown[];
  try {
    records = t.startsWith('[') ? JSON.parse(t) : t.split(/\r?\n/).filter((l) => l.trim()).map((l) => JSON.parse(l));
  } catch (e) {
    throw bad(`The factor JSON is not valid: ${(e as Error).message}.`);
  }
  return fromRows(records.map((r, j) => {
    const o = r as { id?: Id; features?: unknown };
    if (typeof o !== 'object' || o === null || o.id === undefined || !Array.isArray(o.features)) throw bad(`Factor record ${j} needs "id" and "features" (an array of numbers).`, { record: j });
    return { id: o.id, features: o.features as number[], where: `record ${j}` };
  }));
}

/** CSV: `id,f1,…,fk` or `id,"[f1, …, fk]"`, with an optional header line. */
function parseCsvFactors(text: string): { ids: Id[]; matrix: Matrix } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: { id: Id; features: number[]; where: string }[] = [];
  lines.forEach((line, j) => {
    if (!line.trim()) return;
    const comma = line.indexOf(',');
    if (comma < 0) throw bad(`Factor CSV line ${j + 1}: expected "id,f1,…".`, { line: j + 1 });
    const id = line.slice(0, comma).trim().replace(/^"|"$/g, '');
    const rest = line.slice(comma + 1).trim().replace(/^"|"$/g, '').replace(/^\[|\]$/g, '');
    const features = rest.split(',').map((s) => Number(s.trim()));
    if (rows.length === 0 && j === 0 && features.some((v) => Number.isNaN(v))) return; // header
    rows.push({ id, features, where: `line ${j + 1}` });
  });
  return fromRows(rows);
}

function fromRows(rows: { id: Id; features: number[]; where: string }[]): { ids: Id[]; matrix: Matrix } {
  if (rows.length === 0) throw bad('The factor file has no rows.');
  const cols = rows[0].features.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.features.length !== cols) throw bad(`Factor ${r.where} has ${r.features.length} values; the first row has ${cols}.`);
    r.features.forEach((v, a) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`Factor ${r.where}: value ${a + 1} is not a finite number.`);
      data[i * cols + a] = v;
    });
  });
  return { ids: rows.map((r) => r.id), matrix: { rows: rows.length, cols, data } };
}
