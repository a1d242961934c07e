/**
 * The wire between a worker pool and its helper threads: one small SharedArrayBuffer holding
 * an Int32 control block, the f64 job parameters and room for an error message, plus the job
 * codes. Everything else (factors, CSR, chunk bounds, per-chunk results, scratch) lives in the
 * shared `WebAssembly.Memory`, laid out by the engine thread.
 *
 * The helper code (./helper.ts) must be self-contained (Node runs it from its source text),
 * so it receives this table in its init message instead of importing it.
 */
import { ROWS_SOLVED } from '../kernels/job-layout.js';

/** The protocol table: control indices, parameter slots, result layout, job codes. */
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
  /** Number of f64 job parameters (each job's are named below: SOLVE, LOSS, GRAM). */
  PARAMS: 16,
  /**
   * The parameters of a solve job (JOB_SOLVE), by index: the solve job record every chunk reads
   * (src/kernels/solve-job.ts: the pool never picks a kernel), the chunk bounds (i32, COUNT + 1),
   * the results (RESULT_BYTES per chunk), thread 0's scratch and the bytes between two threads'
   * scratch, and whether each chunk also leaves its share of the loss in its result (1 or 0).
   */
  SOLVE: { JOB: 0, BOUNDS: 1, RESULTS: 2, SCRATCH: 3, SCRATCH_STRIDE: 4, WANT_LOSS: 5 },
  /** The parameters of an explicit loss job (JOB_EXPLICIT_LOSS, explicitLossRows per chunk), by index. */
  LOSS: { X: 0, Y: 1, INDPTR: 2, INDICES: 3, VALUES: 4, F: 5, MU: 6, BIAS_ROW: 7, BIAS_COL: 8, BOUNDS: 9, RESULTS: 10 },
  /** The parameters of a Gram job (JOB_GRAM, gramianBlocks: chunk c = output block row c), by index. */
  GRAM: { Y: 0, N: 1, K: 2, OUT: 3 },
  /** Byte offset of the error message (UTF-16). */
  ERROR_BYTE: 192,
  /** Maximum UTF-16 units of the error message. */
  ERROR_CHARS: 512,
  /** Total bytes of the control buffer. */
  BYTES: 192 + 2 * 512,
  /**
   * Bytes per chunk in the results array: f64 loss; i32 (index RESULT_CODE of the chunk's four)
   * the solveRows result code (−1 solved, see `rowsFailure`); i32 (index RESULT_RAN) 1 once the
   * chunk has run (the engine clears it: a 0 after a job means the job stopped before this chunk).
   */
  RESULT_BYTES: 16,
  /** i32 index, within a chunk's four, of its result code. */
  RESULT_CODE: 2,
  /** i32 index, within a chunk's four, of its "ran" flag. */
  RESULT_RAN: 3,
  /** The result code of a chunk that succeeded (ROWS_SOLVED: helpers cannot import it). */
  SOLVED: ROWS_SOLVED,
  /** Job: helpers return. */
  JOB_EXIT: 0,
  /** Job: rows of one solve job record per chunk (solveRows: every feedback and solver). */
  JOB_SOLVE: 1,
  /** Job: explicit partial losses (explicitLossRows), one per chunk. */
  JOB_EXPLICIT_LOSS: 2,
  /** Job: YᵀY, one 4-row block of the output per chunk (gramianBlocks). */
  JOB_GRAM: 3,
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
