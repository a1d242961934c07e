/** The data layer: parsing, id maps and sparse matrices. Re-exports only. */
export type { Id, IdMap, InteractionRecord, Interactions, SkippedRows, Csr, RatingMatrix } from './types.js';
export { createIdMap, idMapFromIds, DenseIdMap } from './id-map.js';
export { parseText, parseChunks, fromRecords, loadInteractions } from './parse.js';
export type { ChunkSource, RecordOptions, InteractionSource, ParseOptions, ParseProgress, ColumnSpec, TextFormat } from './parse.js';
export { buildMatrix, csrFromTriplets, transpose, maxRowNnz, type BuildMatrixOptions, type Duplicates } from './csr.js';
