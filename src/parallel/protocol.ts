/**
 * The wire between a worker pool and its helper threads: one small SharedArrayBuffer holding
 * an Int32 control block, the f64 job parameters and room for an error message, plus the job
 * codes. Everything else (factors, CSR, chunk bounds, per-chunk results, scratch) lives in the
 * shared `WebAssembly.Memory`, laid out by the engine thread.
 *
 * The helper code (./helper.ts) must be self-contained (Node runs it from its source text),
 * so it receives this table in its init message instead of importing it.
 */
export const PROTOCOL = {
  /** ctl index: job generation; helpers `Atomics.wait` on it and run one job per change. */
  GEN: 0,
  /** ctl index: the job code of the current generation. */
  JOB: 1,
  /** ctl index: next chunk to claim (`Atomics.add`): chunks are claimed strictly in order. */
  NEXT: 2,
  /** ctl index: chunks in the job. */
  COUNT: 3,
  /** ctl index: helpers inside the job (joined, not yet left); the last to leave notifies. */
  ACTIVE: 4,
  /** ctl index: 1 = claim no more chunks (a chunk failed, the run was cancelled, or a thread threw). */
  STOP: 5,
  /** ctl index: rows finished so far (progress). */
  ROWS_DONE: 6,
  /** ctl index: 0, or 1 + the index of the first thread that threw. */
  ERROR: 7,
  /** ctl index: threads taking part (engine thread = 0, helpers 1 … PARTICIPANTS − 1). */
  PARTICIPANTS: 8,
  /** ctl index: UTF-16 length of the error message. */
  ERROR_LEN: 9,
  /**
   * ctl index: the generation of the job helpers may still join, or −1 once the engine thread
   * has run out of chunks. A helper joins by incrementing ACTIVE and then checking OPEN, so the
   * engine waits only for helpers that really took part, never for one that is still waking up.
   */
  OPEN: 10,
  /** Int32 entries of the control block. */
  CTL_INTS: 16,
  /** Byte offset of the f64 job parameters. */
  PARAMS_BYTE: 64,
  /**
   * Number of f64 job parameters. Solve and loss jobs, by index: 0 out/X, 1 other/Y, 2 YᵀY,
   * 3 indptr, 4 indices, 5 values, 6 f, 7 λ, 8 weighted (explicit: ALS-WR), 9 μ (explicit),
   * 10 biasOther | biasRow, 11 biasOut | biasCol, 12 chunk bounds (i32, COUNT + 1), 13 results
   * (RESULT_BYTES per chunk), 14 scratch, 15 scratch bytes per thread, 16 CG steps, 17 whether
   * an implicit solve also leaves each chunk's share of the loss in its result (1 or 0), 18 the
   * implicit CG panel's precision code (PRECISION_CODES: 0 f64, 2 mixed), 19 the f32 copy of
   * `other` that mixed CG gathers from (toF32Rows; 0 for the f64 path).
   * Gram: Y, n, k, out.
   */
  PARAMS: 20,
  /** Byte offset of the error message (UTF-16). */
  ERROR_BYTE: 224,
  /** Maximum UTF-16 units of the error message. */
  ERROR_CHARS: 512,
  /** Total bytes of the control buffer. */
  BYTES: 224 + 2 * 512,
  /** Bytes per chunk in the results array: f64 loss, i32 status (−1 or the failing row), i32 first non-finite offset (−1 none, −2 not run). */
  RESULT_BYTES: 16,
  /** Job: helpers return. */
  JOB_EXIT: 0,
  /** Job: implicit Cholesky half-step (solveImplicitRows). */
  JOB_IMPLICIT: 1,
  /** Job: implicit conjugate-gradient half-step (solveImplicitRowsCG). */
  JOB_CG: 2,
  /** Job: explicit half-step (solveExplicitRows). */
  JOB_EXPLICIT: 3,
  /** Job: explicit partial losses (explicitLossRows), one per chunk. */
  JOB_EXPLICIT_LOSS: 5,
  /** Job: YᵀY, one 4-row block of the output per chunk (gramianBlocks). */
  JOB_GRAM: 6,
  /** Job: explicit conjugate-gradient half-step (solveExplicitRowsCG). */
  JOB_EXPLICIT_CG: 7,
} as const;

/** The protocol table's type (what helpers receive). */
export type Protocol = typeof PROTOCOL;

/** What a pool helper receives once, at start-up. */
export interface HelperInit {
  /** The compiled shared-memory kernel build. */
  module: WebAssembly.Module;
  /** The one shared memory. */
  memory: WebAssembly.Memory;
  /** The control buffer (see {@link PROTOCOL}). */
  control: SharedArrayBuffer;
  /** The protocol table. */
  protocol: Protocol;
  /** This helper's thread index (1 …); the engine thread is 0. */
  index: number;
}
