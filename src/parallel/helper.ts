/**
 * The code every thread of a pool runs: claim a chunk, run it (`solveRows` for a solve job),
 * record the result. The engine thread calls {@link runChunk} between its yields; helpers run {@link helperMain}.
 *
 * Both functions are SELF-CONTAINED (type imports only, no module-level names; the protocol table
 * arrives as an argument): Node starts helpers from their source text (`fn.toString()`),
 * which keeps one source for Node, for the browser worker entry and for the tests.
 */
import type { SolveRowsKernel, solveRows } from '../kernels/solve-rows.js';
import type { HelperInit, Protocol } from './protocol.js';

/** The kernel exports a chunk needs (raw exports: helpers instantiate the module themselves). */
export interface ChunkKernels extends SolveRowsKernel {
  /** See `KernelExports.gramianBlocks`. */
  gramianBlocks(Y: number, n: number, k: number, out: number, b0: number, b1: number): void;
  /** See `KernelExports.explicitLossRows`. */
  explicitLossRows(X: number, Y: number, indptr: number, indices: number, ratings: number, f: number, mu: number, biasRow: number, biasCol: number, r0: number, r1: number): number;
}

/**
 * Runs chunk `c` of the current job on thread `thread` and stores its result (loss, result
 * code, "ran") in the job's results array. Chunk results do not depend on the thread that ran
 * them: each thread has its own scratch and rows are independent.
 * @param solve - `solveRows` (src/kernels/solve-rows.ts; passed in: this function stays self-contained)
 * @returns true when the chunk failed (a row not positive definite, or non-finite output)
 */
export function runChunk(K: ChunkKernels, memory: WebAssembly.Memory, ctl: Int32Array, params: Float64Array, C: Protocol, c: number, thread: number, solve: typeof solveRows): boolean {
  const job = ctl[C.JOB];
  if (job === C.JOB_GRAM) {
    K.gramianBlocks(params[C.GRAM.Y], params[C.GRAM.N], params[C.GRAM.K], params[C.GRAM.OUT], c, c + 1);
    return false;
  }
  const solving = job === C.JOB_SOLVE;
  const results = params[solving ? C.SOLVE.RESULTS : C.LOSS.RESULTS];
  const bounds = params[solving ? C.SOLVE.BOUNDS : C.LOSS.BOUNDS];
  const i32 = new Int32Array(memory.buffer);
  const r0 = i32[(bounds >>> 2) + c];
  const r1 = i32[(bounds >>> 2) + c + 1];
  const slot = results + c * C.RESULT_BYTES;
  let code: number = C.SOLVED;
  let loss = 0;
  if (solving) {
    const P = C.SOLVE;
    const lossOut = params[P.WANT_LOSS] !== 0 ? slot : 0;
    code = solve(K, params[P.JOB], r0, r1, params[P.SCRATCH] + thread * params[P.SCRATCH_STRIDE], lossOut);
    if (lossOut !== 0) loss = new Float64Array(memory.buffer, lossOut, 1)[0];
  } else {
    const P = C.LOSS;
    loss = K.explicitLossRows(params[P.X], params[P.Y], params[P.INDPTR], params[P.INDICES], params[P.VALUES], params[P.F], params[P.MU], params[P.BIAS_ROW], params[P.BIAS_COL], r0, r1);
  }
  new Float64Array(memory.buffer, slot, 1)[0] = loss;
  i32[(slot >>> 2) + C.RESULT_CODE] = code;
  i32[(slot >>> 2) + C.RESULT_RAN] = 1;
  Atomics.add(ctl, C.ROWS_DONE, r1 - r0);
  return code !== C.SOLVED;
}

/**
 * A helper thread's whole life: instantiate the shared build on the shared memory, report
 * ready, then sleep on the job generation and claim chunks until a job says exit. Errors are
 * written to the control buffer (first thread wins) and stop the job; they never hang it.
 * @param init - module, memory, control buffer, protocol, thread index
 * @param post - sends `{ ready }` or `{ fatal }` to the engine thread
 * @param run - {@link runChunk}, `solve` - `solveRows` (passed in, so that this function stays self-contained)
 */
export function helperMain(init: HelperInit, post: (message: unknown) => void, run: typeof runChunk, solve: typeof solveRows): void {
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
        if (run(K, memory, ctl, params, C, c, index, solve)) Atomics.store(ctl, C.STOP, 1);
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
