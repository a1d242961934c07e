/**
 * What a run costs before it starts: the WASM memory it needs (and the refusal when wasm32
 * cannot hold it, naming the largest f that fits), and how each half-step is cut into chunks.
 */
import { f32RowBytes, type KernelVariant } from '../wasm/abi.js';
import { align, formatBytes, MAX_PAGES, PAGE_BYTES } from '../wasm/arena.js';
import { AlsError } from '../errors.js';
import { SOLVE_JOB_BYTES } from '../kernels/solve-job.js';
import { PROTOCOL } from '../parallel/protocol.js';

/** Work per kernel call, in flops, per kernel build: ~5–20 ms a chunk keeps progress and cancel prompt. */
export const CHUNK_FLOPS: Record<KernelVariant, number> = { relaxed: 2e8, simd: 1.5e8, scalar: 5e7, reference: 5e6 };
/**
 * Chunks a half-step is cut into at least (down to {@link MIN_CHUNK_FLOPS}): pool threads claim
 * chunks one by one, so many small ones balance the threads. The cut depends on the data only,
 * never on the thread count: the loss's partial sums, and so its bits, are the same for any count.
 */
export const MIN_CHUNKS = 64;
/** Smallest chunk worth a kernel call and a progress event (flops; ≈ 0.2 ms): small problems are not cut finer. */
export const MIN_CHUNK_FLOPS = 4e6;

/** Bytes per stored interaction value in WASM memory: f32 (see the kernel ABI). */
export const VALUE_BYTES = 4;

/**
 * The WASM memory a run needs, in bytes: the end address of the arena after laying out both
 * orientations (indptr, indices, f32 values, chunk bounds and results), X, Y, YᵀY, the f32 copy
 * of the factors that implicit CG gathers from in `precision: 'mixed'` (`layout.f32Copy`: one
 * buffer of max(m, n) rows, 4 bytes per factor rounded up to 4 factors), the biases, the two
 * solve job records and one scratch per thread, in the order and with the alignment {@link trainFactors}
 * allocates them. Given the run's chunk and thread counts (`layout`) it equals the arena's
 * high-water mark (tested; `report.memoryBytes`); without them it assumes one chunk per row
 * and one thread, an upper bound for planning.
 * @param m - users
 * @param n - items
 * @param nnz - stored interactions
 * @param k - solve dimension (f, or f+1 with biases)
 * @param scratchBytes - the kernels' scratch for the longest row
 * @param biases - explicit feedback with biases (then f = k − 1 and b_u, b_i are allocated)
 * @param base - the arena's first byte (above the module's static data)
 * @param layout - chunks per side and threads of the run, when known; `f32Copy`: whether the run
 *   is implicit CG with `precision: 'mixed'` (the default precision of implicit CG); unset, the
 *   copy is counted (an upper bound: pass `false` for explicit, Cholesky or f64 runs)
 * @returns bytes of linear memory from address 0
 * @example
 * estimateTrainingBytes(138_493, 26_744, 20_000_263, 64, 1 << 20); // ≈ 0.4 GiB (MovieLens-20M, f = 64)
 */
export function estimateTrainingBytes(
  m: number,
  n: number,
  nnz: number,
  k: number,
  scratchBytes: number,
  biases = false,
  base = PAGE_BYTES,
  layout: { userChunks?: number; itemChunks?: number; threads?: number; f32Copy?: boolean } = {},
): number {
  const f = biases ? k - 1 : k;
  // Per side: indptr, indices, values, chunk bounds, per-chunk results (at most one chunk per row).
  const side = (rows: number, chunks: number): [number, number][] => [
    [4 * (rows + 1), 16],
    [4 * nnz, 16],
    [VALUE_BYTES * nnz, 16],
    [4 * (chunks + 1), 16],
    [PROTOCOL.RESULT_BYTES * (chunks + 1), 16],
  ];
  const sizes: [number, number][] = [
    ...side(m, layout.userChunks ?? m),
    ...side(n, layout.itemChunks ?? n),
    [8 * m * f, 16],
    [8 * n * f, 16],
    [8 * f * f, 16],
    // Unknown (planning): counted, so the figure stays an upper bound for the default implicit CG run.
    ...((layout.f32Copy ?? true) ? ([[f32RowBytes(f) * Math.max(m, n), 16]] as [number, number][]) : []),
    ...(biases ? ([[8 * m, 16], [8 * n, 16]] as [number, number][]) : []),
    // The two half-steps' solve job records.
    [2 * SOLVE_JOB_BYTES, 16],
    // One scratch region per thread, each a whole number of cache lines.
    [align(scratchBytes, 64) * (layout.threads ?? 1), 64],
  ];
  let top = align(base, 16);
  for (const [size, alignment] of sizes) top = align(top, alignment) + size;
  return top;
}

/** The sizes of a run, for {@link refuseIfTooLarge}. */
export interface RunSize {
  /** Users. */
  m: number;
  /** Items. */
  n: number;
  /** Stored interactions. */
  nnz: number;
  /** Factors. */
  f: number;
  /** Explicit with biases (solve dimension f + 1). */
  biases: boolean;
  /** The kernels' scratch for the longest row. */
  scratchBytes: number;
  /** The arena's first byte. */
  base: number;
  /** Chunks per side and threads; whether the run keeps an f32 copy of the factors (mixed CG). */
  layout: { userChunks: number; itemChunks: number; threads: number; f32Copy: boolean };
}

/**
 * The bytes a run needs ({@link estimateTrainingBytes}), or `OUT_OF_MEMORY` before allocating
 * anything when wasm32 cannot hold them.
 * @throws AlsError `OUT_OF_MEMORY` with the numbers and the largest factor count that fits
 */
export function refuseIfTooLarge(s: RunSize): number {
  const { m, n, nnz, f, biases, scratchBytes, base, layout } = s;
  const need = estimateTrainingBytes(m, n, nnz, biases ? f + 1 : f, scratchBytes, biases, base, layout);
  if (need <= MAX_PAGES * PAGE_BYTES) return need;
  // Largest f that would fit, so the message can say what to do.
  let fits = f - 1;
  while (fits >= 1 && estimateTrainingBytes(m, n, nnz, biases ? fits + 1 : fits, scratchBytes, biases, base, layout) > MAX_PAGES * PAGE_BYTES) fits--;
  throw new AlsError(
    'OUT_OF_MEMORY',
    `Training ${m} users × ${n} items with ${nnz} interactions and ${f} factors needs ${formatBytes(need)} of WebAssembly memory ` +
      `(factors ${formatBytes(8 * (m + n) * f)}, interactions ${formatBytes(2 * (4 + VALUE_BYTES) * nnz)}); wasm32 allows at most ${formatBytes(MAX_PAGES * PAGE_BYTES)}. ` +
      (fits >= 1 ? `Use at most ${fits} factors, or less data.` : 'Use less data: even 1 factor does not fit.'),
    { neededBytes: need, limitBytes: MAX_PAGES * PAGE_BYTES, users: m, items: n, interactions: nnz, factors: f, maxFactorsThatFit: Math.max(0, fits) },
  );
}

/**
 * Splits rows into consecutive ranges of about `target` flops each, where a row costs
 * nnz·k² (Gram) + k³/3 (Cholesky).
 * @param indptr - CSR offsets
 * @param k - solve dimension
 * @param target - flops per chunk
 * @param cost - flops of a row with `nnzRow` entries (default: the Cholesky solve's)
 * @param minChunks - cut smaller chunks (not below {@link MIN_CHUNK_FLOPS}) to reach this many
 * @returns chunk boundaries, starting at 0 and ending at the row count
 */
export function chunkRows(indptr: Int32Array, k: number, target: number, cost?: (nnzRow: number) => number, minChunks = 1): Int32Array {
  const rows = indptr.length - 1;
  const bounds: number[] = [0];
  let acc = 0;
  const fixed = (k * k * k) / 3 + 2 * k * k;
  if (minChunks > 1) {
    let total = 0;
    for (let r = 0; r < rows; r++) total += cost ? cost(indptr[r + 1] - indptr[r]) : (indptr[r + 1] - indptr[r]) * k * (k + 1) + fixed;
    target = Math.max(Math.min(target, MIN_CHUNK_FLOPS), Math.min(target, total / minChunks));
  }
  for (let r = 0; r < rows; r++) {
    acc += cost ? cost(indptr[r + 1] - indptr[r]) : (indptr[r + 1] - indptr[r]) * k * (k + 1) + fixed;
    if (acc >= target && r + 1 < rows) {
      bounds.push(r + 1);
      acc = 0;
    }
  }
  if (rows > 0) bounds.push(rows);
  return Int32Array.from(bounds);
}

