/**
 * Reading interactions: delimited text (whole or streamed), records, or any source. This
 * module is the entry point; the work is in text-parser.ts and delimited-parser.ts (lines → columns), detect.ts
 * (format, header, roles), fields.ts (splitting, numbers), records.ts and source.ts.
 */
export { parseText, parseChunks, type ChunkSource } from './text-parser.js';
export { fromRecords, type RecordOptions } from './records.js';
export { loadInteractions, type InteractionSource } from './source.js';
export type { ParseOptions, ParseProgress, ColumnSpec, TextFormat } from './parse-options.js';
