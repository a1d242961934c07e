/**
 * The pool's control block (layout in ./protocol.ts): the one small SharedArrayBuffer through
 * which the engine thread opens a job and closes it, helpers claim its chunks, and a thread
 * that threw leaves its message. The writes here are the engine thread's side of that protocol.
 */
import { PROTOCOL as C } from './protocol.js';

/**
 * Rows of one solve job record per chunk: chunk c is rows [bounds[c], bounds[c+1]) by
 * `solveRows`, on the claiming thread's scratch. The record says which kernel; the pool does not.
 */
export interface SolveChunks {
  /** Discriminant. */
  kind: 'solve';
  /** The solve job record (src/kernels/solve-job.ts). */
  job: number;
  /** Chunk bounds: i32, count + 1 rows. */
  bounds: number;
  /** Per-chunk results (PROTOCOL.RESULT_BYTES each). */
  results: number;
  /** Thread 0's scratch; thread t's is at scratch + t·scratchStride. */
  scratch: number;
  /** Bytes between two threads' scratch. */
  scratchStride: number;
  /** Implicit kinds: each chunk also leaves its share of the loss in its result. */
  wantLoss: boolean;
  /** Chunks to run (0 … count − 1). */
  count: number;
}

/** The explicit loss's data term per chunk (`explicitLossRows` over its rows) into the results. */
export interface ExplicitLossChunks {
  /** Discriminant. */
  kind: 'explicit-loss';
  /** Factors of the rows (X), the other side (Y), the CSR of the rows, f, μ and the biases (0 = none), as `explicitLossRows` takes them. */
  X: number;
  Y: number;
  indptr: number;
  indices: number;
  values: number;
  f: number;
  mu: number;
  biasRow: number;
  biasCol: number;
  /** Chunk bounds: i32, count + 1 rows. */
  bounds: number;
  /** Per-chunk results (PROTOCOL.RESULT_BYTES each; the loss in the f64). */
  results: number;
  /** Chunks to run. */
  count: number;
}

/** YᵀY into `out` (k × k) from the n × k rows at `Y`: chunk c is output block row c (`gramianBlocks`). */
export interface GramBlocks {
  /** Discriminant. */
  kind: 'gram';
  Y: number;
  n: number;
  k: number;
  out: number;
  /** Blocks to run: ⌈k / 4⌉. */
  count: number;
}

/** One job for the pool. */
export type PoolJob = SolveChunks | ExplicitLossChunks | GramBlocks;

/** A job's code and its parameters in the slots PROTOCOL names (SOLVE, LOSS, GRAM). */
export function encodeJob(job: PoolJob): { code: number; params: number[] } {
  const params: number[] = [];
  if (job.kind === 'solve') {
    const P = C.SOLVE;
    params[P.JOB] = job.job;
    params[P.BOUNDS] = job.bounds;
    params[P.RESULTS] = job.results;
    params[P.SCRATCH] = job.scratch;
    params[P.SCRATCH_STRIDE] = job.scratchStride;
    params[P.WANT_LOSS] = job.wantLoss ? 1 : 0;
    return { code: C.JOB_SOLVE, params };
  }
  if (job.kind === 'explicit-loss') {
    const P = C.LOSS;
    params[P.X] = job.X;
    params[P.Y] = job.Y;
    params[P.INDPTR] = job.indptr;
    params[P.INDICES] = job.indices;
    params[P.VALUES] = job.values;
    params[P.F] = job.f;
    params[P.MU] = job.mu;
    params[P.BIAS_ROW] = job.biasRow;
    params[P.BIAS_COL] = job.biasCol;
    params[P.BOUNDS] = job.bounds;
    params[P.RESULTS] = job.results;
    return { code: C.JOB_EXPLICIT_LOSS, params };
  }
  const P = C.GRAM;
  params[P.Y] = job.Y;
  params[P.N] = job.n;
  params[P.K] = job.k;
  params[P.OUT] = job.out;
  return { code: C.JOB_GRAM, params };
}

/** The control buffer and its two views. */
export interface ControlBlock {
  /** The buffer itself (helpers receive it at start-up). */
  control: SharedArrayBuffer;
  /** The Int32 control entries (indices `PROTOCOL.GEN`, `PROTOCOL.JOB`, …). */
  ctl: Int32Array;
  /** The f64 job parameters. */
  params: Float64Array;
}

/** A fresh control block: no job open. */
export function createControlBlock(): ControlBlock {
  const control = new SharedArrayBuffer(C.BYTES);
  const ctl = new Int32Array(control, 0, C.CTL_INTS);
  ctl[C.OPEN] = -1;
  return { control, ctl, params: new Float64Array(control, C.PARAMS_BYTE, C.PARAMS) };
}

/**
 * Publishes `job` for `participants` threads (engine thread included): its parameters, code and
 * chunk count, with every counter cleared; when helpers take part, a new generation wakes them.
 */
export function openJob({ ctl, params }: ControlBlock, job: PoolJob, participants: number): void {
  const encoded = encodeJob(job);
  params.fill(0);
  params.set(encoded.params);
  ctl[C.JOB] = encoded.code;
  ctl[C.NEXT] = 0;
  ctl[C.COUNT] = job.count;
  ctl[C.STOP] = 0;
  ctl[C.ROWS_DONE] = 0;
  ctl[C.ERROR] = 0;
  ctl[C.PARTICIPANTS] = participants;
  if (participants > 1) {
    const gen = Atomics.add(ctl, C.GEN, 1) + 1;
    Atomics.store(ctl, C.OPEN, gen);
    Atomics.notify(ctl, C.GEN);
  }
}

/** Closes the job: helpers that have not joined yet will not; those inside finish their chunks. */
export function closeJob({ ctl }: ControlBlock): void {
  Atomics.store(ctl, C.OPEN, -1);
}

/** The message the first thread that threw left in the block (UTF-16). */
export function failureText({ control, ctl }: ControlBlock): string {
  return String.fromCharCode(...new Uint16Array(control, C.ERROR_BYTE, ctl[C.ERROR_LEN]));
}

/** Tells every helper to return: the exit job in a new generation. */
export function signalExit({ ctl }: ControlBlock): void {
  ctl[C.JOB] = C.JOB_EXIT;
  Atomics.add(ctl, C.GEN, 1);
  Atomics.notify(ctl, C.GEN);
}
