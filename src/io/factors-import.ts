import { AlsModel } from '../als/model.js';
import { MAX_FACTORS, resolveTrainOptions, type ConfidenceForm, type Feedback } from '../als/options.js';
import { createIdMap, idMapFromIds } from '../data/id-map.js';
import type { Id } from '../data/types.js';
import { AlsError, badOption, checkOptions, isAlsError } from '../errors.js';
import type { KernelVariant } from '../wasm/abi.js';
import { isParquet, isSparkModelFiles, readFactorParquet, readSparkModel, type SparkModelFiles } from './spark-model.js';

/** Bytes or text of a factor file, or the files of a Spark model directory (path → bytes). */
export type FactorSource = Uint8Array | ArrayBuffer | Blob | string | SparkModelFiles;

/**
 * Whose conventions the factors follow, for fold-in: benfred/implicit's c = α·r (`confidence:
 * 'scaled'`, λ default 0.01) or Spark MLlib's c = 1 + α·r (`confidence: 'linear'`, λ default 0.1).
 */
export type FactorConvention = 'implicit' | 'spark';

/**
 * The confidence form of each engine's convention.
 * see: implicit `AlternatingLeastSquares.recalculate_user` (user_items scaled by α, then
 * A = YᵀY + λI + Σ (c − 1)·y yᵀ, b = Σ c·y); Spark `ALS.computeFactors` (c1 = α·|r|, b += (1 + c1)·y).
 */
export const CONVENTION_CONFIDENCE: Record<FactorConvention, ConfidenceForm> = { implicit: 'scaled', spark: 'linear' };
/** Each engine's default λ, used when the file does not say. */
const CONVENTION_REGULARIZATION: Record<FactorConvention, number> = { implicit: 0.01, spark: 0.1 };

/** Options of {@link importFactors}. */
export interface ImportFactorsOptions {
  /**
   * File format. Default: detected (`npz` zip magic, `npy` magic, `parquet` PAR1 magic, JSON
   * `[`/`{`, else CSV; a file map is a Spark model directory, `spark`).
   */
  format?: 'npy' | 'npz' | 'json' | 'csv' | 'parquet' | 'spark';
  /**
   * Whose conventions to fold in with (c = α·r for `implicit`, 1 + α·r for `spark`). Default:
   * `implicit` for .npy/.npz, `spark` for Parquet, JSON, CSV and Spark model directories. The
   * model records the form as `options.confidence`.
   */
  source?: FactorConvention;
  /** Item ids for the rows of an .npy/.npz item matrix (default: the row numbers). */
  ids?: Id[];
  /** User ids for the rows of user factors in an .npz (default: the row numbers). */
  userIds?: Id[];
  /** How the factors were trained, for fold-in. Default `implicit` (a Spark model's metadata: its `implicitPrefs`). */
  feedback?: Feedback;
  /** λ used for fold-in (default: the file's — .npz `regularization`, Spark `regParam` — else the source's default, 0.01 implicit, 0.1 Spark). */
  regularization?: number;
  /** α used for fold-in (default: the file's `alpha` if it has one, else 1). */
  alpha?: number;
  /** Confidence form for fold-in. Default: the source's ({@link CONVENTION_CONFIDENCE}). */
  confidence?: ConfidenceForm;
  /** Kernel build. Default `auto`. */
  kernels?: KernelVariant | 'auto';
  /**
   * Most bytes the factors may take: the file itself, the sum of the declared uncompressed sizes
   * of the .npz entries read, and each array as f64 in memory — checked from the declared sizes
   * and shapes before anything is inflated or allocated. Default 1 GiB ({@link DEFAULT_MAX_FACTOR_BYTES}).
   */
  maxBytes?: number;
}

/** The default {@link ImportFactorsOptions.maxBytes}: 1 GiB. */
export const DEFAULT_MAX_FACTOR_BYTES = 2 ** 30;

/** Every option of {@link ImportFactorsOptions} (typed: a new option fails to compile until listed). */
const IMPORT_OPTION_NAMES = Object.keys({
  format: 1, source: 1, ids: 1, userIds: 1, feedback: 1, regularization: 1, alpha: 1, confidence: 1, kernels: 1, maxBytes: 1,
} satisfies Record<keyof ImportFactorsOptions, 1>);

/** A dense matrix read from a file. */
interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A factor file that cannot be imported: `details.entry` (the .npz entry, or null) and `details.reason`. */
const bad = (message: string, details: { entry?: string | null; reason: string } & Record<string, unknown>) => new AlsError('BAD_FACTORS', message, { entry: null, ...details });

/**
 * Builds a servable model from factors trained elsewhere — benfred/implicit's `model.save()`
 * `.npz` (item_factors, user_factors, regularization, alpha) or a bare `.npy`, Spark MLlib
 * ALS `itemFactors` written as JSON (`{"id":…,"features":[…]}` per line or an array) or CSV
 * (`id,f1,…,fk` or `id,"[f1, …]"`). The user's history then stays on the device: fold-in,
 * recommendations for a history and similar items work at once.
 * @throws AlsError `BAD_FACTORS` naming what is wrong (`details: { entry, reason }`; `too-large` over
 *   `maxBytes`), `NON_FINITE`, `BAD_OPTION` — never another error
 */
export async function importFactors(source: FactorSource, opts: ImportFactorsOptions = {}): Promise<AlsModel> {
  checkOptions(opts, IMPORT_OPTION_NAMES);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_FACTOR_BYTES;
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 1) throw badOption('maxBytes', maxBytes, 'a positive integer (bytes)');
  try {
    return await importWithin(source, opts, maxBytes);
  } catch (e) {
    if (isAlsError(e) || (e as Error)?.name === 'AbortError') throw e;
    // Whatever a malformed file still manages to break is reported as such, never as a RangeError.
    throw bad(`The factor file could not be read: ${(e as Error)?.message ?? e}.`, { reason: 'unreadable' });
  }
}

/** {@link importFactors} after its options are checked. */
async function importWithin(source: FactorSource, opts: ImportFactorsOptions, maxBytes: number): Promise<AlsModel> {
  const files = isSparkModelFiles(source) ? source : undefined;
  const bytes = files ? new Uint8Array(0) : await toBytes(source as Exclude<FactorSource, SparkModelFiles>, maxBytes);
  const format = opts.format ?? (files ? 'spark' : detect(bytes));
  let items: Matrix;
  let users: Matrix | undefined;
  let ids = opts.ids;
  let fileUserIds: Id[] | undefined;
  let fileFeedback: Feedback | undefined;
  const scalars: Record<string, number> = {};
  if (format === 'spark') {
    if (!files) throw badOption('format', format, 'a Spark model directory given as its files (path → bytes)');
    const spark = await readSparkModel(files, maxBytes);
    items = spark.items;
    users = spark.users;
    ids ??= spark.items.ids;
    fileUserIds = spark.users?.ids;
    if (spark.params.regParam !== undefined) scalars.regularization = spark.params.regParam;
    if (spark.params.alpha !== undefined) scalars.alpha = spark.params.alpha;
    if (spark.params.implicitPrefs !== undefined) fileFeedback = spark.params.implicitPrefs ? 'implicit' : 'explicit';
  } else if (format === 'parquet') {
    const read = await readFactorParquet(bytes, 'the Parquet file', maxBytes);
    items = read;
    ids ??= read.ids;
  } else if (format === 'npy') {
    items = parseNpy(bytes, 'the .npy file', false, maxBytes);
  } else if (format === 'npz') {
    const entries = readZipDirectory(bytes);
    const itemEntry = entries.get('item_factors');
    if (!itemEntry) throw bad(`The .npz has no item_factors array (it has: ${[...entries.keys()].join(', ') || 'nothing'}).`, { entry: 'item_factors', reason: 'missing' });
    // Only the arrays used are inflated; their declared sizes together must fit the limit first.
    const used = (['item_factors', 'user_factors', 'regularization', 'alpha', 'item_ids', 'user_ids'] as const).filter((name) => entries.has(name));
    const declared = used.reduce((sum, name) => sum + entries.get(name)!.size, 0);
    if (declared > maxBytes) {
      const largest = used.reduce((a, name) => (entries.get(name)!.size > entries.get(a)!.size ? name : a));
      throw bad(`The .npz declares ${formatBytes(declared)} of arrays once decompressed (${largest}: ${formatBytes(entries.get(largest)!.size)}), over the limit of ${formatBytes(maxBytes)}. Pass a larger maxBytes if the file is genuine.`, { entry: entries.get(largest)!.name, reason: 'too-large', declaredBytes: declared, maxBytes });
    }
    items = parseNpy(await readZipEntry(bytes, itemEntry), itemEntry.name, false, maxBytes);
    const userEntry = entries.get('user_factors');
    if (userEntry) users = parseNpy(await readZipEntry(bytes, userEntry), userEntry.name, false, maxBytes);
    // Ids saved beside the factors (by exportFactors; implicit itself keeps row numbers).
    const idEntry = entries.get('item_ids');
    if (idEntry && !ids) ids = parseNpyStrings(await readZipEntry(bytes, idEntry), idEntry.name, items.rows);
    const userIdEntry = entries.get('user_ids');
    if (userIdEntry && users) fileUserIds = parseNpyStrings(await readZipEntry(bytes, userIdEntry), userIdEntry.name, users.rows);
    for (const key of ['regularization', 'alpha']) {
      const entry = entries.get(key);
      if (entry) {
        const m = parseNpy(await readZipEntry(bytes, entry), entry.name, true, maxBytes);
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
  if (users && users.cols !== items.cols) throw bad(`user_factors has ${users.cols} columns but item_factors has ${items.cols}.`, { entry: 'user_factors', reason: 'shape' });
  if (!(items.cols >= 1 && items.cols <= MAX_FACTORS)) throw bad(`The factors have ${items.cols} columns; a model needs 1 … ${MAX_FACTORS}.`, { entry: null, reason: 'shape' });
  const itemIds = ids ?? Array.from({ length: items.rows }, (_, i) => i);
  if (itemIds.length !== items.rows) throw badOption('ids', `${itemIds.length} ids`, `one id per item row (${items.rows})`);
  const userIds = users ? (opts.userIds ?? fileUserIds ?? Array.from({ length: users.rows }, (_, i) => i)) : [];
  if (users && userIds.length !== users.rows) throw badOption('userIds', `${userIds.length} ids`, `one id per user row (${users.rows})`);
  for (const m of [items, users]) {
    if (m && !m.data.every(Number.isFinite)) throw new AlsError('NON_FINITE', 'The imported factors contain NaN or infinite values.', {});
  }
  const feedback = opts.feedback ?? fileFeedback ?? 'implicit';
  const convention = opts.source ?? (format === 'npy' || format === 'npz' ? 'implicit' : 'spark');
  if (convention !== 'implicit' && convention !== 'spark') throw badOption('source', convention, '"implicit" or "spark"');
  const options = resolveTrainOptions(
    {
      feedback,
      factors: items.cols,
      regularization: opts.regularization ?? scalars.regularization ?? CONVENTION_REGULARIZATION[convention],
      // The file's α is for implicit models; a caller's α with explicit feedback is refused (it would not apply).
      alpha: opts.alpha ?? (feedback === 'implicit' ? (scalars.alpha ?? 1) : undefined),
      // The source's confidence convention, so fold-in here solves the system the source would.
      confidence: opts.confidence ?? (feedback === 'implicit' ? CONVENTION_CONFIDENCE[convention] : undefined),
    },
    'implicit',
  );
  // Spark solves every implicit row with λ·n₊ (its ALS-WR); implicit with plain λ.
  if (convention === 'spark' && feedback === 'implicit') options.regularizationPerPositive = true;
  const m = users ? users.rows : 0;
  // Repeated ids: the caller's (`ids`, `userIds`) are a bad option, the file's (JSON/CSV) a bad file.
  const idMap = (list: Id[], option: 'ids' | 'userIds') => {
    try {
      return idMapFromIds(list);
    } catch (e) {
      const given = option === 'ids' ? opts.ids !== undefined : opts.userIds !== undefined;
      if (given) throw badOption(option, (e as Error).message, 'distinct ids');
      throw bad(`The factor file repeats an id: ${(e as Error).message}.`, { reason: 'duplicate-id' });
    }
  };
  return AlsModel.create(
    {
      options,
      users: users ? idMap(userIds, 'userIds') : createIdMap(),
      items: idMap(itemIds, 'ids'),
      factors: { factors: items.cols, userFactors: users ? users.data : new Float64Array(0), itemFactors: items.data, globalMean: 0 },
      seen: { rows: m, cols: items.rows, indptr: new Int32Array(m + 1), indices: new Int32Array(0), values: new Float64Array(0) },
    },
    opts.kernels ?? 'auto',
  );
}

/** The source's bytes; a source larger than `maxBytes` is refused before it is read. */
async function toBytes(source: FactorSource, maxBytes: number): Promise<Uint8Array> {
  const size = typeof source === 'string' ? source.length : source instanceof Uint8Array || source instanceof ArrayBuffer ? source.byteLength : typeof Blob !== 'undefined' && source instanceof Blob ? source.size : undefined;
  if (size === undefined) throw badOption('source', typeof source, 'a Uint8Array, ArrayBuffer, Blob/File or string');
  if (size > maxBytes) throw bad(`The factor file has ${formatBytes(size)}, over the limit of ${formatBytes(maxBytes)}. Pass a larger maxBytes if the file is genuine.`, { reason: 'too-large', declaredBytes: size, maxBytes });
  if (typeof source === 'string') return new TextEncoder().encode(source);
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return new Uint8Array(await (source as Blob).arrayBuffer());
}

function detect(b: Uint8Array): 'npy' | 'npz' | 'json' | 'csv' | 'parquet' {
  if (b[0] === 0x50 && b[1] === 0x4b) return 'npz';
  if (isParquet(b)) return 'parquet';
  if (b[0] === 0x93 && String.fromCharCode(...b.subarray(1, 6)) === 'NUMPY') return 'npy';
  let j = 0;
  while (j < b.length && (b[j] === 32 || b[j] === 10 || b[j] === 13 || b[j] === 9 || b[j] === 0xef || b[j] === 0xbb || b[j] === 0xbf)) j++;
  return b[j] === 0x5b || b[j] === 0x7b ? 'json' : 'csv';
}

/** Largest element count a shape may declare before any byte is read (guards the arithmetic). */
const MAX_ELEMENTS = 2 ** 40;

/**
 * Reads a NumPy .npy array (format v1–v3; little/big-endian f4/f8/i4/i8; C or Fortran order).
 * The declared shape × dtype size is checked against `maxBytes` and against the bytes present
 * before anything is allocated.
 * see: numpy.lib.format
 * @throws AlsError `BAD_FACTORS` with `details: { entry, reason }`
 */
export function parseNpy(b: Uint8Array, what: string, allowScalar = false, maxBytes = DEFAULT_MAX_FACTOR_BYTES): Matrix {
  const fail = (reason: string, message: string, more: Record<string, unknown> = {}) => bad(message, { entry: what, reason, ...more });
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
function parseNpyStrings(b: Uint8Array, what: string, rows: number): Id[] {
  const fail = (message: string) => bad(`${what}: ${message}`, { entry: what, reason: 'ids' });
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

/** One entry of a ZIP central directory: where its bytes are and what it declares. */
interface ZipEntry {
  name: string;
  method: number;
  /** Offset of the compressed bytes in the archive. */
  dataAt: number;
  compressedSize: number;
  /** The uncompressed size the directory declares (checked while inflating). */
  size: number;
}

/**
 * Reads the central directory of a ZIP archive (stored or deflated entries, as written by
 * numpy.savez / savez_compressed) without inflating anything; entries are keyed by name
 * without `.npy`. Every offset is checked against the archive's length.
 */
function readZipDirectory(b: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let j = b.length - 22; j >= Math.max(0, b.length - 22 - 65535); j--) {
    if (view.getUint32(j, true) === 0x06054b50) {
      eocd = j;
      break;
    }
  }
  if (eocd < 0) throw bad('The .npz file is not a complete ZIP archive (no end-of-directory record).', { entry: null, reason: 'not-zip' });
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const out = new Map<string, ZipEntry>();
  for (let e = 0; e < count; e++) {
    if (at + 46 > b.length || view.getUint32(at, true) !== 0x02014b50) throw bad('The .npz central directory is corrupt.', { entry: null, reason: 'corrupt' });
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    if (at + 46 + nameLen > b.length) throw bad('The .npz central directory is corrupt.', { entry: null, reason: 'corrupt' });
    const name = new TextDecoder().decode(b.subarray(at + 46, at + 46 + nameLen));
    if (compressedSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) {
      throw bad(`The .npz entry ${name} needs ZIP64 (over 4 GiB), which is not supported; save arrays under 4 GiB with numpy.savez.`, { entry: name, reason: 'zip64' });
    }
    if (local + 30 > b.length || view.getUint32(local, true) !== 0x04034b50) throw bad(`The .npz entry ${name} is corrupt (no local header at offset ${local}).`, { entry: name, reason: 'corrupt' });
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataAt + compressedSize > b.length) throw bad(`The .npz entry ${name} is truncated.`, { entry: name, reason: 'truncated' });
    if (method !== 0 && method !== 8) throw bad(`The .npz entry ${name} uses ZIP method ${method}; only stored and deflate are supported.`, { entry: name, reason: 'method' });
    if (method === 0 && compressedSize !== size) throw bad(`The .npz entry ${name} is stored but declares ${size} bytes for ${compressedSize}.`, { entry: name, reason: 'size-mismatch' });
    out.set(name.replace(/\.npy$/, ''), { name, method, dataAt, compressedSize, size });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/**
 * The uncompressed bytes of one entry. A deflated entry is inflated as a stream into a buffer
 * of its declared size: output beyond that size (a deflate bomb whose directory lies) stops
 * the inflation at once, so memory never exceeds the declared size, itself capped by the caller.
 */
async function readZipEntry(b: Uint8Array, entry: ZipEntry): Promise<Uint8Array> {
  const raw = b.subarray(entry.dataAt, entry.dataAt + entry.compressedSize);
  if (entry.method === 0) return raw;
  const fail = (reason: string, message: string) => bad(`The .npz entry ${entry.name} ${message}`, { entry: entry.name, reason });
  if (typeof DecompressionStream !== 'function') throw fail('unsupported', 'is compressed and this runtime has no DecompressionStream; save it with numpy.savez (uncompressed) instead.');
  const out = new Uint8Array(entry.size);
  let filled = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  } catch (e) {
    throw fail('unsupported', `cannot be inflated here (${(e as Error)?.message ?? e}); save it with numpy.savez (uncompressed) instead.`);
  }
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      throw fail('inflate', `is not valid deflate data (${(e as Error)?.message ?? e}).`);
    }
    if (chunk.done) break;
    if (filled + chunk.value.length > entry.size) {
      await reader.cancel().catch(() => undefined);
      throw fail('size-mismatch', `inflates to more than the ${entry.size} bytes its directory declares: refused (a corrupt file or a decompression bomb).`);
    }
    out.set(chunk.value, filled);
    filled += chunk.value.length;
  }
  if (filled !== entry.size) throw fail('size-mismatch', `inflates to ${filled} bytes but its directory declares ${entry.size}.`);
  return out;
}

function formatBytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${n} bytes`;
}

/** Spark-style JSON: `[{"id":1,"features":[…]},…]`, or one such object per line. */
function parseJsonFactors(text: string): { ids: Id[]; matrix: Matrix } {
  const t = text.trim();
  let records: unknown[];
  try {
    records = t.startsWith('[') ? JSON.parse(t) : t.split(/\r?\n/).filter((l) => l.trim()).map((l) => JSON.parse(l));
  } catch (e) {
    throw bad(`The factor JSON is not valid: ${(e as Error).message}.`, { reason: 'json' });
  }
  return fromRows(records.map((r, j) => {
    const o = r as { id?: Id; features?: unknown };
    if (typeof o !== 'object' || o === null || o.id === undefined || !Array.isArray(o.features)) throw bad(`Factor record ${j} needs "id" and "features" (an array of numbers).`, { reason: 'record', record: j });
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
    if (comma < 0) throw bad(`Factor CSV line ${j + 1}: expected "id,f1,…".`, { reason: 'record', line: j + 1 });
    const id = line.slice(0, comma).trim().replace(/^"|"$/g, '');
    const rest = line.slice(comma + 1).trim().replace(/^"|"$/g, '').replace(/^\[|\]$/g, '');
    const features = rest.split(',').map((s) => Number(s.trim()));
    if (rows.length === 0 && j === 0 && features.some((v) => Number.isNaN(v))) return; // header
    rows.push({ id, features, where: `line ${j + 1}` });
  });
  return fromRows(rows);
}

function fromRows(rows: { id: Id; features: number[]; where: string }[]): { ids: Id[]; matrix: Matrix } {
  if (rows.length === 0) throw bad('The factor file has no rows.', { reason: 'empty' });
  const cols = rows[0].features.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.features.length !== cols) throw bad(`Factor ${r.where} has ${r.features.length} values; the first row has ${cols}.`, { reason: 'record', where: r.where });
    r.features.forEach((v, a) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`Factor ${r.where}: value ${a + 1} is not a finite number.`, { reason: 'value', where: r.where });
      data[i * cols + a] = v;
    });
  });
  return { ids: rows.map((r) => r.id), matrix: { rows: rows.length, cols, data } };
}
