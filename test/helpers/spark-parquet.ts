/** Spark factor files for tests: the Parquet schema Spark's `ALSModel.save()` writes. */
import { parquetWriteBuffer } from 'hyparquet-writer';

/**
 * A Parquet file of factors in the schema Spark writes: `required int32 id`,
 * `optional group features (LIST) { repeated group list { required float element } }`.
 * @param ids - the rows' ids
 * @param row - the features of the row with this id (at index r)
 * @param rowGroupSize - rows per row group (default: the writer's)
 */
export function sparkParquet(ids: number[], row: (id: number, r: number) => number[], rowGroupSize?: number): Uint8Array {
  return new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: 'id', data: Int32Array.from(ids) },
      { name: 'features', data: ids.map((id, r) => row(id, r)) },
    ],
    schema: [
      { name: 'spark_schema', num_children: 2 },
      { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
      { name: 'features', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
    ],
    ...(rowGroupSize ? { rowGroupSize } : {}),
  }));
}
