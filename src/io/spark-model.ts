/**
 * Reads what Spark MLlib writes for an ALS model: `ALSModel.save(path)` makes a directory with
 * `metadata/part-00000` (one JSON line: class, sparkVersion, paramMap, defaultParamMap, rank) and
 * `userFactors/` and `itemFactors/` (Parquet part files, schema `id: int, features: array<float>`);
 * `itemFactors.write.parquet(path)` writes one such Parquet directory alone. Parquet is read by
 * hyparquet (snappy included, as Spark writes by default).
 * see: Spark `ml/recommendation/ALS.scala` (ALSModelWriter), `DefaultParamsWriter.saveMetadata`
 */
import type { Id } from '../data/types.js';
import { AlsError } from '../errors.js';
import { parquetRows } from './parquet-reader.js';

/** The files of a Spark model directory, by path inside it (`metadata/part-00000`, `itemFactors/part-….parquet`, …; a leading folder is ignored). */
export type SparkModelFiles = Record<string, Uint8Array | ArrayBuffer | Blob>;

/** Factor rows read from Parquet: ids and a dense row-major matrix. */
export interface SparkFactors {
  ids: Id[];
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A Spark ALS model: its factors and the training parameters fold-in needs. */
export interface SparkModel {
  users?: SparkFactors;
  items: SparkFactors;
  /** From the metadata (absent without `metadata/`). */
  params: { implicitPrefs?: boolean; alpha?: number; regParam?: number; rank?: number; sparkVersion?: string };
}

const bad = (message: string, entry: string | null, reason: string, more: Record<string, unknown> = {}) => new AlsError('BAD_FACTORS', message, { entry, reason, ...more });

/** Whether a source is a file map (not bytes, text or a Blob). */
export function isSparkModelFiles(source: unknown): source is SparkModelFiles {
  if (typeof source !== 'object' || source === null || source instanceof Uint8Array || source instanceof ArrayBuffer) return false;
  return !(typeof Blob !== 'undefined' && source instanceof Blob);
}

/** Whether bytes start with Parquet's magic `PAR1`. */
export function isParquet(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x50 && b[1] === 0x41 && b[2] === 0x52 && b[3] === 0x31;
}

async function bytesOf(v: Uint8Array | ArrayBuffer | Blob): Promise<Uint8Array> {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return new Uint8Array(await v.arrayBuffer());
}

/**
 * Reads a Spark ALS model directory given as its files.
 * @param files - path → contents; `metadata/`, `userFactors/` and `itemFactors/` are found at any depth
 * @param maxBytes - most bytes the factors may take as f64 (checked from the Parquet row counts before reading)
 * @throws AlsError `BAD_FACTORS` naming the file (`details.entry`) and `details.reason`
 */
export async function readSparkModel(files: SparkModelFiles, maxBytes: number): Promise<SparkModel> {
  const parts: Record<'metadata' | 'userFactors' | 'itemFactors', [string, Uint8Array | ArrayBuffer | Blob][]> = { metadata: [], userFactors: [], itemFactors: [] };
  const models = new Set<string>();
  for (const [path, v] of Object.entries(files)) {
    const m = /^(.*?)(?:^|\/)(metadata|userFactors|itemFactors)\/([^/]+)$/.exec(path.replace(/\\/g, '/'));
    // Spark also writes _SUCCESS markers and .crc checksums beside the parts.
    if (!m || m[3].startsWith('_') || m[3].startsWith('.')) continue;
    if (m[2] !== 'metadata' && !m[3].endsWith('.parquet')) continue;
    models.add(m[1]);
    parts[m[2] as keyof typeof parts].push([path, v]);
  }
  // Two model directories under one parent would be merged into one matrix of both: refused.
  if (models.size > 1) {
    const names = [...models].map((d) => d || '.').sort();
    throw bad(`The directory holds ${models.size} Spark models (${names.slice(0, 4).join(', ')}); import one model's own directory.`, null, 'ambiguous', { models: names });
  }
  if (parts.itemFactors.length === 0) throw bad(`The Spark model has no itemFactors/*.parquet (files given: ${Object.keys(files).slice(0, 8).join(', ') || 'none'}).`, 'itemFactors', 'missing');
  const params: SparkModel['params'] = {};
  const meta = parts.metadata.find(([p]) => /part-/.test(p)) ?? parts.metadata[0];
  if (meta) Object.assign(params, parseMetadata(new TextDecoder().decode(await bytesOf(meta[1])), meta[0]));
  const read = async (list: [string, Uint8Array | ArrayBuffer | Blob][]) => {
    list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const all: SparkFactors[] = [];
    let budget = maxBytes;
    for (const [path, v] of list) {
      const f = await readFactorParquet(await bytesOf(v), path, budget);
      budget -= f.data.byteLength;
      all.push(f);
    }
    return concat(all, list.map(([p]) => p));
  };
  const items = await read(parts.itemFactors);
  const users = parts.userFactors.length > 0 ? await read(parts.userFactors) : undefined;
  if (params.rank !== undefined && items.cols !== params.rank) throw bad(`itemFactors have ${items.cols} features but the metadata says rank ${params.rank}.`, 'itemFactors', 'shape');
  if (users && users.cols !== items.cols) throw bad(`userFactors have ${users.cols} features but itemFactors have ${items.cols}.`, 'userFactors', 'shape');
  return { users, items, params };
}

/** The ALS parameters in Spark's metadata JSON (`paramMap` over `defaultParamMap`). */
function parseMetadata(text: string, path: string): SparkModel['params'] {
  let meta: { class?: string; sparkVersion?: string; rank?: number; paramMap?: Record<string, unknown>; defaultParamMap?: Record<string, unknown> };
  try {
    meta = JSON.parse(text.trim().split('\n')[0]);
  } catch (e) {
    throw bad(`${path} is not Spark metadata JSON: ${(e as Error).message}.`, path, 'json');
  }
  if (typeof meta.class === 'string' && !/ALSModel$/.test(meta.class)) throw bad(`${path} describes a ${meta.class}, not an ALSModel.`, path, 'class');
  const p = { ...(meta.defaultParamMap ?? {}), ...(meta.paramMap ?? {}) };
  // Spark writes numbers and booleans; anything else ("40", "NaN", null) was edited by hand and
  // is refused rather than silently replaced by a default.
  const num = (v: unknown, key: string) => {
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    throw bad(`${path}: ${key} is ${JSON.stringify(v)}; Spark writes a finite number there. Fix the metadata file.`, path, 'metadata', { param: key, value: String(v) });
  };
  if (p.implicitPrefs !== undefined && typeof p.implicitPrefs !== 'boolean') {
    throw bad(`${path}: implicitPrefs is ${JSON.stringify(p.implicitPrefs)}; Spark writes true or false. Fix the metadata file.`, path, 'metadata', { param: 'implicitPrefs', value: String(p.implicitPrefs) });
  }
  return {
    implicitPrefs: p.implicitPrefs as boolean | undefined,
    alpha: num(p.alpha, 'alpha'),
    regParam: num(p.regParam, 'regParam'),
    rank: num(meta.rank, 'rank') ?? num(p.rank, 'rank'),
    sparkVersion: meta.sparkVersion,
  };
}

export { PARQUET_DECODE_BYTES_PER_VALUE } from './parquet-rows.js';

/**
 * Reads one Parquet file of factors (`id` integer, `features` a list of floats or doubles).
 * The size is decided from the footer before the data is decoded, then the file is decoded one
 * row group at a time (parquet-rows.ts), where the entry point registered the reader.
 * @throws AlsError `BAD_FACTORS` for another schema, a row whose length differs, a non-integer id,
 *   or more than `maxBytes` (`too-large`, before decoding)
 */
export async function readFactorParquet(b: Uint8Array, what: string, maxBytes: number): Promise<SparkFactors> {
  if (!isParquet(b)) throw bad(`${what} is not a Parquet file (no PAR1 magic).`, what, 'not-parquet');
  const buffer = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  const read = await parquetRows(buffer, maxBytes, what);
  if (!read.ok) throw bad(read.message, what, read.reason, read.details);
  return { ids: read.ids, rows: read.rows, cols: read.cols, data: read.data };
}

/** Joins the part files of one factor directory. */
function concat(all: SparkFactors[], paths: string[]): SparkFactors {
  const cols = all.find((f) => f.rows > 0)?.cols ?? 0;
  all.forEach((f, j) => {
    if (f.rows > 0 && f.cols !== cols) throw bad(`${paths[j]} has ${f.cols} features; ${paths[0]} has ${cols}.`, paths[j], 'shape');
  });
  const rows = all.reduce((s, f) => s + f.rows, 0);
  if (rows === 0) throw bad(`${paths[0]} holds no factor rows.`, paths[0], 'empty');
  const data = new Float64Array(rows * cols);
  let at = 0;
  for (const f of all) {
    data.set(f.data, at);
    at += f.data.length;
  }
  return { ids: all.flatMap((f) => f.ids), rows, cols, data };
}
