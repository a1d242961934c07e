/**
 * Top-k for many queries at once through the `topKRows` kernel: the bridge between the model's
 * serving calls (recommendMany, usersForItem, the evaluator) and the kernel's buffers.
 */
import type { Csr } from '../data/types.js';
import type { KernelRuntime } from '../wasm/kernels.js';

/** Where the scored rows live: a matrix already in the kernels' memory. */
export interface TargetRows {
  /** Byte pointer of the n×f row-major matrix. */
  ptr: number;
  /** Rows n. */
  rows: number;
  /** Factors f. */
  f: number;
  /** Byte pointer of the per-row biases (0: none; then no constant is added either). */
  biasPtr: number;
}

/** What to leave out and what to rank, per block of queries. */
export interface BatchSelection {
  /** How many per query (an integer ≥ 0). */
  k: number;
  /** Per query, the rows to leave out: row `excludeRows[q]` of this matrix (its indices ascending). */
  exclude?: { matrix: Csr; rows: Int32Array };
  /** Rows left out for every query, ascending and distinct. */
  common?: Int32Array;
  /** Rank only these rows, ascending and distinct. */
  candidates?: Int32Array;
  /** Also return every score (b×n, row-major). */
  withScores?: boolean;
}

/** The k best rows of each query: query q's are `indices[q·k … q·k + counts[q])`, best first. */
export interface TopKBatch {
  /** The cut-off used as the stride. */
  k: number;
  /** Row numbers, b×k (entries past a query's count are unspecified). */
  indices: Int32Array;
  /** Their scores, b×k. */
  scores: Float64Array;
  /** How many rows each query got (≤ k). */
  counts: Int32Array;
  /** With `withScores`: every score, b×n. */
  all?: Float64Array;
}

/**
 * Ranks the rows of `target` for the b query vectors `queries` (b×f, row-major) in one kernel
 * call, using the arena above its current mark and releasing it afterwards.
 * @param rt - the kernels and the memory holding `target`
 * @param target - the rows to score
 * @param queries - the query vectors
 * @param qConst - per query, the constant added with the row biases (used only when target has biases)
 * @param sel - k, exclusions, candidates, whether to return every score
 */
export function topKBatch(rt: KernelRuntime, target: TargetRows, queries: Float64Array, qConst: Float64Array | undefined, sel: BatchSelection): TopKBatch {
  const { arena, exports: K } = rt;
  const { f, rows: n } = target;
  const b = f > 0 ? queries.length / f : 0;
  const k = sel.k;
  const mark = arena.mark();
  try {
    const qP = arena.putF64(queries);
    const cP = target.biasPtr && qConst ? arena.putF64(qConst) : 0;
    let exPtr = 0;
    let exIdx = 0;
    if (sel.exclude) {
      const { matrix, rows } = sel.exclude;
      const ptr = new Int32Array(b + 1);
      for (let q = 0; q < b; q++) ptr[q + 1] = ptr[q] + matrix.indptr[rows[q] + 1] - matrix.indptr[rows[q]];
      exPtr = arena.putI32(ptr);
      exIdx = arena.alloc(4 * Math.max(1, ptr[b]));
      const dst = arena.i32(exIdx, ptr[b]);
      for (let q = 0; q < b; q++) {
        const row = matrix.indices.subarray(matrix.indptr[rows[q]], matrix.indptr[rows[q] + 1]);
        dst.set(row, ptr[q]);
        // The kernel binary-searches each list: an out-of-order row (a foreign file) is sorted here.
        if (!isAscending(row)) dst.subarray(ptr[q], ptr[q + 1]).sort();
      }
    }
    const common = sel.common && sel.common.length > 0 ? arena.putI32(sel.common) : 0;
    const list = sel.candidates ? arena.putI32(sel.candidates) : 0;
    const m = sel.candidates ? sel.candidates.length : n;
    const idxP = arena.alloc(4 * Math.max(1, b * k));
    const valP = arena.alloc(8 * Math.max(1, b * k), 8);
    const cntP = arena.alloc(4 * Math.max(1, b));
    const allP = sel.withScores ? arena.alloc(8 * Math.max(1, b * n), 8) : 0;
    K.topKRows(qP, b, target.ptr, f, list, m, cP, target.biasPtr, exPtr, exIdx, common, common ? sel.common!.length : 0, k, idxP, valP, cntP, allP, n);
    return {
      k,
      indices: arena.i32(idxP, b * k).slice(),
      scores: arena.f64(valP, b * k).slice(),
      counts: arena.i32(cntP, b).slice(),
      ...(allP ? { all: arena.f64(allP, b * n).slice() } : {}),
    };
  } finally {
    arena.release(mark);
  }
}

/** Ascending, distinct row numbers of a list (for candidates and common exclusions). */
export function sortedDistinct(rows: Iterable<number>): Int32Array {
  const a = Int32Array.from(new Set(rows)).sort();
  return a;
}

function isAscending(a: Int32Array): boolean {
  for (let j = 1; j < a.length; j++) if (a[j] < a[j - 1]) return false;
  return true;
}
