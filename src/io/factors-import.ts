/**
 * Factor import: {@link importFactors} turns factors trained elsewhere into a servable model.
 * It reads the source's bytes (within the size limit), picks the format, hands the bytes to that
 * format's reader (.npy, .npz, JSON/CSV, Parquet, a Spark model directory), checks what came back
 * and applies the source engine's fold-in conventions.
 */
import { AlsModel } from '../model/model.js';
import { MAX_FACTORS, resolveTrainOptions, type Feedback } from '../train/options.js';
import { createIdMap, idMapFromIds } from '../data/id-map.js';
import { decodeTextBytes } from '../data/encoding.js';
import type { Id } from '../data/types.js';
import { AlsError, badOption, checkOptions, isAlsError } from '../errors.js';
import { badFactors, formatBytes, type FactorMatrix } from './factor-reading.js';
import { parseCsvFactors, parseJsonFactors } from './factor-text-read.js';
import {
  CONVENTION_CONFIDENCE,
  CONVENTION_REGULARIZATION,
  DEFAULT_MAX_FACTOR_BYTES,
  IMPORT_OPTION_NAMES,
  type FactorSource,
  type ImportFactorsOptions,
} from './factors-import-options.js';
import { parseNpy } from './npy-read.js';
import { readNpzFactors } from './npz-read.js';
import { isParquet, isSparkModelFiles, readFactorParquet, readSparkModel, type SparkModelFiles } from './spark-model.js';

// Re-exported: these lived in this module, and the package entry and the engine import them from here.
export { CONVENTION_CONFIDENCE, DEFAULT_MAX_FACTOR_BYTES, type FactorConvention, type FactorSource, type ImportFactorsOptions } from './factors-import-options.js';
export { parseNpy } from './npy-read.js';

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
    throw badFactors(`The factor file could not be read: ${(e as Error)?.message ?? e}.`, { reason: 'unreadable' });
  }
}

/** {@link importFactors} after its options are checked. */
async function importWithin(source: FactorSource, opts: ImportFactorsOptions, maxBytes: number): Promise<AlsModel> {
  const files = isSparkModelFiles(source) ? source : undefined;
  const bytes = files ? new Uint8Array(0) : await toBytes(source as Exclude<FactorSource, SparkModelFiles>, maxBytes);
  const format = opts.format ?? (files ? 'spark' : detect(bytes));
  let items: FactorMatrix;
  let users: FactorMatrix | undefined;
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
    const npz = await readNpzFactors(bytes, maxBytes, !ids);
    items = npz.items;
    users = npz.users;
    if (!ids) ids = npz.itemIds;
    fileUserIds = npz.userIds;
    Object.assign(scalars, npz.scalars);
  } else if (format === 'json' || format === 'csv') {
    // UTF-16 by its BOM; ids in Latin-1 stay distinct (not all U+FFFD).
    const { text } = decodeTextBytes(bytes);
    const parsed = format === 'json' ? parseJsonFactors(text) : parseCsvFactors(text);
    items = parsed.matrix;
    if (!ids) ids = parsed.ids;
  } else {
    throw badOption('format', format, '"npy", "npz", "json" or "csv"');
  }
  // A model without items loads nowhere: refused here rather than written as a file nothing can read.
  if (items.rows === 0) throw badFactors('The factor file has 0 item rows; there is nothing to serve.', { entry: format === 'npz' ? 'item_factors' : null, reason: 'empty' });
  // The file's own λ and α (an .npz's, Spark metadata's): refused as the file's fault, not as an option the user never gave.
  for (const [key, ok, allowed] of [['regularization', (v: number) => Number.isFinite(v) && v >= 0, 'a finite number ≥ 0'], ['alpha', (v: number) => Number.isFinite(v) && v > 0, 'a finite number > 0']] as const) {
    const v = scalars[key];
    if (v !== undefined && opts[key] === undefined && !ok(v)) throw badFactors(`The factor file's ${key} is ${v}; it must be ${allowed}. Fix the file, or give the ${key} to use.`, { entry: key, reason: 'value', value: String(v) });
  }
  if (users && users.cols !== items.cols) throw badFactors(`user_factors has ${users.cols} columns but item_factors has ${items.cols}.`, { entry: 'user_factors', reason: 'shape' });
  if (!(items.cols >= 1 && items.cols <= MAX_FACTORS)) throw badFactors(`The factors have ${items.cols} columns; a model needs 1 … ${MAX_FACTORS}.`, { entry: null, reason: 'shape' });
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
      throw badFactors(`The factor file repeats an id: ${(e as Error).message}.`, { reason: 'duplicate-id' });
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
  if (size > maxBytes) throw badFactors(`The factor file has ${formatBytes(size)}, over the limit of ${formatBytes(maxBytes)}. Pass a larger maxBytes if the file is genuine.`, { reason: 'too-large', declaredBytes: size, maxBytes });
  if (typeof source === 'string') return new TextEncoder().encode(source);
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return new Uint8Array(await (source as Blob).arrayBuffer());
}

/** The format of a factor file, from its first bytes: ZIP, Parquet or NumPy magic, else JSON or CSV by its first character. */
function detect(b: Uint8Array): 'npy' | 'npz' | 'json' | 'csv' | 'parquet' {
  if (b[0] === 0x50 && b[1] === 0x4b) return 'npz';
  if (isParquet(b)) return 'parquet';
  if (b[0] === 0x93 && String.fromCharCode(...b.subarray(1, 6)) === 'NUMPY') return 'npy';
  let j = 0;
  while (j < b.length && (b[j] === 32 || b[j] === 10 || b[j] === 13 || b[j] === 9 || b[j] === 0xef || b[j] === 0xbb || b[j] === 0xbf)) j++;
  return b[j] === 0x5b || b[j] === 0x7b ? 'json' : 'csv';
}
