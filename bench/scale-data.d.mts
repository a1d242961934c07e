/** MovieLens-20M's shape. */
export declare const ML20M: { users: number; items: number; interactions: number };
/** TSV chunks of a synthetic problem of the given shape (see scale-data.mjs). */
export declare function tsvChunks(opts?: { users?: number; items?: number; interactions?: number; seed?: number; linesPerChunk?: number }): Generator<string>;
