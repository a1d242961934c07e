/**
 * Decoding a Parquet file of factors with hyparquet (snappy included, as Spark writes by
 * default): its column names, row count and `id` / `features` rows. The one module that loads
 * hyparquet — by dynamic `import()`, so it is a chunk of its own wherever it is bundled.
 */

/** What a Parquet file of factors holds, or which part of it could not be read (and why). */
export type ParquetRows = { ok: true; names: string[]; rows: number; records: Record<string, unknown>[] } | { ok: false; stage: 'footer' | 'data'; message: string };

/**
 * Reads the schema names, the row count and the `id` and `features` columns of a Parquet file.
 * @param buffer - the whole file
 * @returns the rows, or `ok: false` naming the stage that failed (never throws on a bad file)
 */
export async function readParquetRows(buffer: ArrayBuffer): Promise<ParquetRows> {
  const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
  let names: string[];
  let rows: number;
  try {
    const md = parquetMetadata(buffer);
    names = md.schema.map((s) => s.name);
    rows = Number(md.num_rows);
  } catch (e) {
    return { ok: false, stage: 'footer', message: (e as Error).message };
  }
  if (!names.includes('id') || !names.includes('features')) return { ok: true, names, rows, records: [] };
  try {
    return { ok: true, names, rows, records: (await parquetReadObjects({ file: buffer, columns: ['id', 'features'] })) as Record<string, unknown>[] };
  } catch (e) {
    return { ok: false, stage: 'data', message: (e as Error).message };
  }
}
