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
  for (const [path, v] of Object.entries(files)) {
    const m = /(?:^|\/)(metadata|userFactors|itemFactors)\/([^/]+)$/.exec(path.replace(/\\/g, '/'));
    // Spark also writes _SUCCESS markers and .crc checksums beside the parts.
    if (!m || m[2].startsWith('_') || m[2].startsWith('.')) continue;
    if (m[1] !== 'metadata' && !m[2].endsWith('.parquet')) continue;
    parts[m[1] as keyof typeof parts].push([path, v]);
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
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return {
    implicitPrefs: typeof p.implicitPrefs === 'boolean' ? p.implicitPrefs : undefined,
    alpha: num(p.alpha),
    regParam: num(p.regParam),
    rank: num(meta.rank) ?? num(p.rank),
    sparkVersion: meta.sparkVersion,
  };
}

/**
 * Reads one Parquet file of factors (`id` integer, `features` a list of floats or doubles).
 * @throws AlsError `BAD_FACTORS` for another schema, a row whose length differs, a non-integer id,
 *   or more than `maxBytes` of factors (checked from the row count and the first row before decoding the rest)
 */
export async function readFactorParquet(b: Uint8Array, what: string, maxBytes: number): Promise<SparkFactors> {
  if (!isParquet(b)) throw bad(`${what} is not a Parquet file (no PAR1 magic).`, what, 'not-parquet');
  const buffer = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  // Decoded where the entry point registered (see parquet-reader.ts): hyparquet is loaded on first use only.
  const read = await parquetRows(buffer);
  if (!read.ok) throw bad(read.stage === 'footer' ? `${what}: the Parquet footer cannot be read (${read.message}).` : `${what}: the Parquet data cannot be read (${read.message}).`, what, 'corrupt');
  const { names, rows, records } = read;
  if (!names.includes('id') || !names.includes('features')) throw bad(`${what} has columns ${names.slice(1).join(', ')}; Spark factors have id and features.`, what, 'schema');
  const cols = Array.isArray(records[0]?.features) ? (records[0].features as unknown[]).length : 0;
  if (rows * cols * 8 > maxBytes) throw bad(`${what} holds ${rows} × ${cols} factors, over the limit of ${maxBytes} bytes. Pass a larger maxBytes if the file is genuine.`, what, 'too-large', { maxBytes });
  const data = new Float64Array(records.length * cols);
  const ids: Id[] = [];
  records.forEach((r, j) => {
    const id = typeof r.id === 'bigint' ? Number(r.id) : r.id;
    if (typeof id !== 'number' || !Number.isInteger(id)) throw bad(`${what} row ${j}: id ${String(r.id)} is not an integer.`, what, 'record', { row: j });
    const f = r.features;
    if (!Array.isArray(f) || f.length !== cols) throw bad(`${what} row ${j} (id ${id}): ${Array.isArray(f) ? f.length : 'no'} features; the first row has ${cols}.`, what, 'record', { row: j });
    for (let a = 0; a < cols; a++) {
      const v = f[a];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${what} row ${j} (id ${id}): feature ${a + 1} is not a finite number.`, what, 'value', { row: j });
      data[j * cols + a] = v;
    }
    ids.push(id);
  });
  return { ids, rows: records.length, cols, data };
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
