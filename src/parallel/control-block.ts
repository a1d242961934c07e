/**
 * The pool's control block (layout in ./protocol.ts): the one small SharedArrayBuffer through
 * which the engine thread opens a job and closes it, helpers claim its chunks, and a thread
 * that threw leaves its message. The writes here are the engine thread's side of that protocol.
 */
import { PROTOCOL as C } from './protocol.js';

/** One job for the pool: its code, its parameters (see `P` in ./protocol.ts) and its chunk count. */
export interface PoolJob {
  /** One of the `JOB_*` codes. */
  kind: number;
  /** Up to 16 numbers. */
  params: number[];
  /** Chunks to run (0 … count − 1). */
  count: number;
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
  params.fill(0);
  params.set(job.params);
  ctl[C.JOB] = job.kind;
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
