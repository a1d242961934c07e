/**
 * The code every thread of a pool runs: claim a chunk, call its kernel, record the result.
 * The engine thread calls {@link runChunk} between its yields; helpers run {@link helperMain}.
 *
 * Both functions are SELF-CONTAINED (no imports, no module-level names; the protocol table
 * arrives as an argument): Node starts helpers from their source text (`fn.toString()`),
 * which keeps one source for Node, for the browser worker entry and for the tests.
 */
import type { HelperInit, Protocol } from './protocol.js';

/** The kernel exports a chunk needs (a subset of KernelExports, loosely typed: helpers get raw exports). */
export type ChunkKernels = Record<string, (...args: number[]) => number>;

/**
 * Solves rows [r0, r1) with the kernel of solve job `job` — the one dispatch of feedback ×
 * solver, used by the engine thread's single-thread sweep and by every pool thread.
 * @param p - the job parameters (see PROTOCOL.PARAMS for the order)
 * @param lossOut - implicit solves: where to leave the rows' share of the loss (0 = not asked)
 * @returns the kernel status: −1, or the first row whose system is not positive definite
 */
export function solveChunk(K: ChunkKernels, C: Protocol, job: number, p: ArrayLike<number>, r0: number, r1: number, scratch: number, lossOut: number): number {
  const out = p[0], other = p[1], gram = p[2], indptr = p[3], indices = p[4], values = p[5], f = p[6], lambda = p[7];
  if (job === C.JOB_IMPLICIT) return K.solveImplicitRows(out, other, gram, indptr, indices, values, f, lambda, r0, r1, scratch, lossOut);
  if (job === C.JOB_CG) return K.solveImplicitRowsCG(out, other, gram, indptr, indices, values, f, lambda, p[16], r0, r1, scratch, lossOut, p[18], p[19]);
  if (job === C.JOB_EXPLICIT) return K.solveExplicitRows(out, other, indptr, indices, values, f, lambda, p[8], p[9], p[10], p[11], r0, r1, scratch);
  if (job === C.JOB_EXPLICIT_CG) return K.solveExplicitRowsCG(out, other, indptr, indices, values, f, lambda, p[8], p[9], p[10], p[11], p[16], r0, r1, scratch);
  throw new Error(`unknown pool job ${job}`);
}

/** Index of the first non-finite value of `v`, or −1. */
export function firstNonFinite(v: Float64Array): number {
  for (let j = 0; j < v.length; j++) if (!Number.isFinite(v[j])) return j;
  return -1;
}

/**
 * Runs chunk `c` of the current job on thread `thread` and stores its result (loss, status,
 * first non-finite output) in the job's results array. Chunk results do not depend on the
 * thread that ran them: each thread has its own scratch and rows are independent.
 * @param solve - {@link solveChunk}, and `nonFinite` - {@link firstNonFinite} (passed in: this function stays self-contained)
 * @returns true when the chunk failed (a row not positive definite, or non-finite output)
 */
export function runChunk(K: ChunkKernels, memory: WebAssembly.Memory, ctl: Int32Array, params: Float64Array, C: Protocol, c: number, thread: number, solve: typeof solveChunk, nonFinite: typeof firstNonFinite): boolean {
  const job = ctl[C.JOB];
  const out = params[0], other = params[1], gram = params[2], f = params[6], bounds = params[12], results = params[13];
  if (job === C.JOB_GRAM) {
    // (Y, n, k, out) in the first four parameters; chunk c = output block row c.
    K.gramianBlocks(out, other, gram, params[3], c, c + 1);
    return false;
  }
  const i32 = new Int32Array(memory.buffer);
  const r0 = i32[(bounds >>> 2) + c];
  const r1 = i32[(bounds >>> 2) + c + 1];
  let status = -1;
  let loss = 0;
  let bad = -1;
  if (job === C.JOB_EXPLICIT_LOSS) {
    loss = K.explicitLossRows(out, other, params[3], params[4], params[5], f, params[9], params[10], params[11], r0, r1);
  } else {
    const lossOut = params[17] !== 0 ? results + c * C.RESULT_BYTES : 0;
    status = solve(K, C, job, params, r0, r1, params[14] + thread * params[15], lossOut);
    if (lossOut !== 0) loss = new Float64Array(memory.buffer, lossOut, 1)[0];
    // The check the single-thread sweep does on the engine thread, here in parallel.
    if (status < 0) bad = nonFinite(new Float64Array(memory.buffer, out + r0 * f * 8, (r1 - r0) * f));
  }
  new Float64Array(memory.buffer, results + c * C.RESULT_BYTES, 1)[0] = loss;
  const r = (results + c * C.RESULT_BYTES) >>> 2;
  i32[r + 2] = status;
  i32[r + 3] = bad;
  Atomics.add(ctl, C.ROWS_DONE, r1 - r0);
  return status >= 0 || bad >= 0;
}

/**
 * A helper thread's whole life: instantiate the shared build on the shared memory, report
 * ready, then sleep on the job generation and claim chunks until a job says exit. Errors are
 * written to the control buffer (first thread wins) and stop the job; they never hang it.
 * @param init - module, memory, control buffer, protocol, thread index
 * @param post - sends `{ ready }` or `{ fatal }` to the engine thread
 * @param run - {@link runChunk}, `solve` - {@link solveChunk}, `nonFinite` - {@link firstNonFinite}
 *   (passed in, so that this function stays self-contained)
 */
export function helperMain(init: HelperInit, post: (message: unknown) => void, run: typeof runChunk, solve: typeof solveChunk, nonFinite: typeof firstNonFinite): void {
  const { module, memory, control, protocol: C, index } = init;
  const ctl = new Int32Array(control, 0, C.CTL_INTS);
  const params = new Float64Array(control, C.PARAMS_BYTE, C.PARAMS);
  let K: ChunkKernels;
  try {
    K = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as ChunkKernels;
  } catch (e) {
    post({ fatal: String((e as Error)?.message ?? e) });
    return;
  }
  let seen = Atomics.load(ctl, C.GEN);
  post({ ready: index });
  for (;;) {
    Atomics.wait(ctl, C.GEN, seen);
    seen = Atomics.load(ctl, C.GEN);
    if (ctl[C.JOB] === C.JOB_EXIT) return;
    if (index >= ctl[C.PARTICIPANTS]) continue;
    // Join, then check the job is still open (see PROTOCOL.OPEN): if the engine thread already
    // closed it, leave without reading anything of it (it may be writing the next job).
    Atomics.add(ctl, C.ACTIVE, 1);
    if (Atomics.load(ctl, C.OPEN) !== seen) {
      if (Atomics.sub(ctl, C.ACTIVE, 1) === 1) Atomics.notify(ctl, C.ACTIVE);
      continue;
    }
    try {
      const count = ctl[C.COUNT];
      for (;;) {
        // Check before claiming, never after: a claimed chunk is always run, so every chunk
        // before a failed one has a result (the first failure in row order is then known).
        if (Atomics.load(ctl, C.STOP) !== 0) break;
        const c = Atomics.add(ctl, C.NEXT, 1);
        if (c >= count) break;
        if (run(K, memory, ctl, params, C, c, index, solve, nonFinite)) Atomics.store(ctl, C.STOP, 1);
      }
    } catch (e) {
      Atomics.store(ctl, C.STOP, 1);
      if (Atomics.compareExchange(ctl, C.ERROR, 0, index + 1) === 0) {
        const text = `pool worker ${index}: ${String((e as Error)?.message ?? e)}`.slice(0, C.ERROR_CHARS);
        const chars = new Uint16Array(control, C.ERROR_BYTE, C.ERROR_CHARS);
        for (let j = 0; j < text.length; j++) chars[j] = text.charCodeAt(j);
        ctl[C.ERROR_LEN] = text.length;
      }
    }
    if (Atomics.sub(ctl, C.ACTIVE, 1) === 1) Atomics.notify(ctl, C.ACTIVE);
  }
}
