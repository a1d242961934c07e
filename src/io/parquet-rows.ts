/**
 * Decoding a Parquet file of factors (`id` integer, `features` a list of numbers) with hyparquet,
 * bounded: the size is decided from the footer before any data is decoded (the row count times
 * the first row's width as f64, and the transient cost of decoding the largest row group), then
 * the file is decoded one row group at a time into the matrix. It runs wherever the entry point
 * registered the reader (parquet-reader.ts): a nested worker in the browser, in-thread elsewhere,
 * so its answer is plain data — a failure is described, and the caller raises the error.
 */
import { formatBytes } from './factor-reading.js';

/**
 * JavaScript bytes hyparquet takes per factor value while it decodes a row group into row
 * objects (measured: about 39 B per value for 1 M rows × 10 features, objects included).
 */
export const PARQUET_DECODE_BYTES_PER_VALUE = 48;

/** Why a Parquet file of factors was refused (the reason codes of `BAD_FACTORS`). */
export type ParquetFailure = { ok: false; reason: 'corrupt' | 'schema' | 'too-large' | 'record' | 'value'; message: string; details?: Record<string, unknown> };

/** The factors of a Parquet file, or why it was refused. */
export type ParquetRows = { ok: true; ids: number[]; rows: number; cols: number; data: Float64Array } | ParquetFailure;

/**
 * Reads the factor rows of one Parquet file within `maxBytes`.
 * @param buffer - the file's bytes
 * @param maxBytes - the limit on the f64 matrix and on one row group's decoding
 * @param what - the file's name, for messages
 */
export async function readParquetRows(buffer: ArrayBuffer, maxBytes: number, what: string): Promise<ParquetRows> {
  const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
  const fail = (reason: ParquetFailure['reason'], message: string, details?: Record<string, unknown>): ParquetFailure => ({ ok: false, reason, message, ...(details && { details }) });
  let md: ReturnType<typeof parquetMetadata>;
  try {
    md = parquetMetadata(buffer);
  } catch (e) {
    return fail('corrupt', `${what}: the Parquet footer cannot be read (${(e as Error).message}).`);
  }
  const names = md.schema.map((s) => s.name);
  if (!names.includes('id') || !names.includes('features')) return fail('schema', `${what} has columns ${names.slice(1).join(', ')}; Spark factors have id and features.`);
  const rows = Number(md.num_rows);
  if (!Number.isSafeInteger(rows) || rows < 0) return fail('corrupt', `${what}: the footer declares ${String(md.num_rows)} rows.`);
  const decode = async (rowStart: number, rowEnd: number) => (await parquetReadObjects({ file: buffer, metadata: md, columns: ['id', 'features'], rowStart, rowEnd })) as Record<string, unknown>[];
  try {
    const first = rows > 0 ? await decode(0, 1) : [];
    const cols = Array.isArray(first[0]?.features) ? (first[0].features as unknown[]).length : 0;
    const groups = md.row_groups.map((g) => Number(g.num_rows));
    const largest = Math.max(0, ...groups);
    const tooLarge = (why: string) => fail('too-large', `${what} ${why}, over the limit of ${formatBytes(maxBytes)}; nothing was decoded. Pass a larger maxBytes if the file is genuine${largest < rows ? '' : ', or write it with smaller row groups'}.`, { maxBytes, rows, cols, rowGroupRows: largest });
    if (rows * cols * 8 > maxBytes) return tooLarge(`holds ${rows} × ${cols} factors (${formatBytes(rows * cols * 8)} as f64)`);
    if (largest * cols * PARQUET_DECODE_BYTES_PER_VALUE > maxBytes) return tooLarge(`has a row group of ${largest} rows that takes about ${formatBytes(largest * cols * PARQUET_DECODE_BYTES_PER_VALUE)} to decode`);
    const data = new Float64Array(rows * cols);
    const ids: number[] = [];
    let j = 0;
    for (let g = 0, start = 0; g < groups.length; start += groups[g], g++) {
      if (groups[g] === 0) continue;
      for (const r of await decode(start, start + groups[g])) {
        if (j >= rows) return fail('corrupt', `${what} holds more rows than its footer declares (${rows}).`);
        const id = typeof r.id === 'bigint' ? Number(r.id) : r.id;
        if (typeof id !== 'number' || !Number.isInteger(id)) return fail('record', `${what} row ${j}: id ${String(r.id)} is not an integer.`, { row: j });
        const f = r.features;
        if (!Array.isArray(f) || f.length !== cols) return fail('record', `${what} row ${j} (id ${id}): ${Array.isArray(f) ? f.length : 'no'} features; the first row has ${cols}.`, { row: j });
        for (let a = 0; a < cols; a++) {
          const v = f[a];
          if (typeof v !== 'number' || !Number.isFinite(v)) return fail('value', `${what} row ${j} (id ${id}): feature ${a + 1} is not a finite number.`, { row: j });
          data[j * cols + a] = v;
        }
        ids.push(id);
        j++;
      }
    }
    if (j !== rows) return fail('corrupt', `${what} holds ${j} rows but its footer declares ${rows}.`);
    return { ok: true, ids, rows, cols, data };
  } catch (e) {
    return fail('corrupt', `${what}: the Parquet data cannot be read (${(e as Error).message}).`);
  }
}
