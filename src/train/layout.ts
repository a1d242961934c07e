/**
 * The run's WASM memory: both orientations of the matrix renumbered heavy-first (see
 * locality.ts), the values as the kernels read them (checked), X, Y, YᵀY, mixed CG's f32 copy
 * of the factors, the biases, the two solve job records and one scratch per thread — laid out
 * once per run, in the order `estimateTrainingBytes` (budget.ts) counts.
 */
import { columnOffsets, maxRowNnz } from '../data/csr.js';
import type { Csr, IdMap, RatingMatrix } from '../data/types.js';
import type { KernelRuntime } from '../wasm/kernels.js';
import { SOLVE_JOB_BYTES } from '../kernels/solve-job.js';
import { f32RowBytes } from '../wasm/abi.js';
import { align } from '../wasm/arena.js';
import { PROTOCOL } from '../parallel/protocol.js';
import { autoRegularization } from './auto-regularization.js';
import { CHUNK_FLOPS, chunkRows, MIN_CHUNKS, refuseIfTooLarge, VALUE_BYTES } from './budget.js';
import { medianPositive, toConfidence } from './confidence.js';
import { heavyFirstOrder, inversePermutation, permutedIndptr } from './locality.js';
import type { ResolvedTrainOptions } from './options.js';
import { solverFor, usesF32Copy } from './solvers.js';
import { checkValues } from './values.js';

/** One orientation of the matrix laid out in WASM memory. */
export interface SideLayout {
  rows: number;
  indptr: Int32Array;
  indptrPtr: number;
  indicesPtr: number;
  valuesPtr: number;
  nnz: number;
  /** Chunk boundaries: rows [chunks[c], chunks[c+1]) form one kernel call. */
  chunks: Int32Array;
  /** Row counts as regularisation weights (ALS-WR), or null. */
  weights: Float64Array;
  /** `chunks` in WASM memory (i32), for pool threads. */
  boundsPtr: number;
  /** Per-chunk results of pool jobs (PROTOCOL.RESULT_BYTES each). */
  resultsPtr: number;
}

/** Everything a run reads and writes in WASM memory, and the numbering that maps it back. */
export interface Layout {
  /** Users, items, factors, solve dimension (f, or f + 1 with biases). */
  m: number;
  n: number;
  f: number;
  k: number;
  /** Explicit feedback with biases. */
  biases: boolean;
  /** Inside row → the caller's row, per side. */
  userOrder: Int32Array;
  itemOrder: Int32Array;
  /** The caller's row → inside row, per side. */
  userRank: Int32Array;
  itemRank: Int32Array;
  /** The two orientations. */
  users: SideLayout;
  items: SideLayout;
  /** Pointers: X (m × f), Y (n × f), the f × f Gram matrix, b_u, b_i (0 without biases), thread 0's scratch. */
  X: number;
  Y: number;
  G: number;
  /** The f32 copy of the other side's factors that mixed CG gathers from (max(m, n) rows, remade per half-step), or 0. */
  other32: number;
  bu: number;
  bi: number;
  scratch: number;
  /** Bytes between two threads' scratch regions. */
  scratchStride: number;
  /** The two solve job records (users' half-step, then items'; SOLVE_JOB_BYTES each), written by the sweep. */
  jobs: number;
  /** μ: the mean training rating with biases, else 0. */
  globalMean: number;
  /** The arena's end address once laid out (= `estimateTrainingBytes`). */
  bytes: number;
  /** The options with ε and λ resolved (measured from the data when they were `'auto'`). */
  opts: ResolvedTrainOptions;
}

/**
 * Lays a run out in `rt`'s arena (reset first).
 * @throws AlsError `OUT_OF_MEMORY` (before allocating), `NON_FINITE` / `EMPTY_DATA` (bad values)
 */
export function layOut(rt: KernelRuntime, matrix: RatingMatrix, opts: ResolvedTrainOptions, threads: number, names: { users?: IdMap; items?: IdMap }): Layout {
  rt.arena.reset();
  // Only the user orientation is read: the item side is transposed from its WASM copy below
  // (matrix.byItem, built lazily by buildMatrix, is never needed for training).
  const { byUser } = matrix;
  const m = byUser.rows;
  const n = byUser.cols;
  const itemCounts = columnOffsets(byUser);
  const f = opts.factors;
  const explicit = opts.feedback === 'explicit';
  const biases = explicit && opts.biases;
  const k = biases ? f + 1 : f;
  const K = rt.exports;
  const longest = Math.max(maxRowNnz(byUser), maxRowNnz({ indptr: itemCounts, rows: n }));
  // Explicit CG solves in dimension k (the bias lane), implicit CG in f ≤ k: one size serves both.
  const scratchBytes = Math.max(K.scratchBytes(k, longest), K.scratchBytesCG(k, longest));
  // One scratch region per thread, cache-line aligned so threads never share a line.
  const scratchStride = align(scratchBytes, 64);
  // Inside, rows are numbered by descending interaction count (see locality.ts).
  const userOrder = heavyFirstOrder(byUser.indptr, m);
  const itemOrder = heavyFirstOrder(itemCounts, n);
  const userRank = inversePermutation(userOrder);
  const itemRank = inversePermutation(itemOrder);
  const userIndptr = permutedIndptr(byUser.indptr, userOrder);
  const itemIndptr = permutedIndptr(itemCounts, itemOrder);
  const cost = solverFor(opts).chunkCost(f, k, opts.cgSteps);
  const userChunks = chunkRows(userIndptr, k, CHUNK_FLOPS[rt.variant], cost, MIN_CHUNKS);
  const itemChunks = chunkRows(itemIndptr, k, CHUNK_FLOPS[rt.variant], cost, MIN_CHUNKS);
  const f32Copy = usesF32Copy(opts);
  const layout = { userChunks: userChunks.length - 1, itemChunks: itemChunks.length - 1, threads, f32Copy };
  const bytes = refuseIfTooLarge({ m, n, nnz: matrix.nnz, f, biases, scratchBytes, base: rt.arena.start, layout });

  // ε: 'auto' is the median of the positive values, so a typical pair gets c = 1 + α·ln 2 whatever the unit.
  if (!explicit && opts.autoEpsilon && !(opts.epsilon > 0)) opts = { ...opts, epsilon: medianPositive(byUser.values) };
  // Values the kernels read: signed confidences (implicit) or ratings (explicit).
  const globalMean = biases ? mean(byUser.values) : 0;
  // Written straight into WASM memory as f32, row by row: no JS-side copy of the confidences.
  const toValues = (raw: Float64Array, out: Float32Array) => (explicit ? out.set(raw) : toConfidence(raw, opts.confidence, opts.alpha, opts.epsilon, out));
  const users = layoutSide(rt, byUser, toValues, userOrder, itemRank, userIndptr, userChunks);
  {
    // Checked (and λ measured) on the values as the kernels will read them; the views are
    // used before the next allocation can grow (and detach) the memory.
    const userValues = rt.arena.f32(users.valuesPtr, users.nnz);
    checkValues(users, userValues, byUser, userOrder, explicit, names, (r) => (explicit ? r : toConfidence(Float64Array.of(r), opts.confidence, opts.alpha, opts.epsilon)[0]));
    // 'auto' λ is measured on this training matrix (see auto-regularization.ts); σ₁ does not
    // depend on the numbering, so the renumbered layout serves as it is.
    const inside = { rows: m, indptr: userIndptr, indices: rt.arena.i32(users.indicesPtr, users.nnz) };
    // (`train` measures it on held-out pairs first: then it arrives as a number.)
    if (opts.autoRegularization && !Number.isFinite(opts.regularization)) opts = { ...opts, regularization: autoRegularization(inside, n, userValues) };
  }
  const items = transposeSide(rt, users, n, itemIndptr, itemChunks);
  const X = rt.arena.alloc(8 * m * f);
  const Y = rt.arena.alloc(8 * n * f);
  const G = rt.arena.alloc(8 * f * f);
  const other32 = f32Copy ? rt.arena.alloc(f32RowBytes(f) * Math.max(m, n)) : 0;
  const bu = biases ? rt.arena.alloc(8 * m) : 0;
  const bi = biases ? rt.arena.alloc(8 * n) : 0;
  const jobs = rt.arena.alloc(2 * SOLVE_JOB_BYTES);
  const scratch = rt.arena.alloc(scratchStride * threads, 64);
  return { m, n, f, k, biases, userOrder, itemOrder, userRank, itemRank, users, items, X, Y, G, other32, bu, bi, scratch, scratchStride, jobs, globalMean, bytes, opts };
}

/**
 * Copies one orientation into WASM memory renumbered: row i is the caller's row order[i], and
 * column c becomes colRank[c] (see locality.ts); `toValues` writes each row's f32 values (its
 * entries keep their order), `indptr` are the renumbered offsets, `chunks` cut from them.
 */
function layoutSide(rt: KernelRuntime, csr: Csr, toValues: (raw: Float64Array, out: Float32Array) => void, order: Int32Array, colRank: Int32Array, indptr: Int32Array, chunks: Int32Array): SideLayout {
  const nnz = indptr[csr.rows];
  const indptrPtr = rt.arena.putI32(indptr);
  const indicesPtr = rt.arena.alloc(4 * nnz);
  const valuesPtr = rt.arena.alloc(VALUE_BYTES * nnz);
  // Views after both allocations (a growing memory detaches earlier views).
  const idx = rt.arena.i32(indicesPtr, nnz);
  const val = rt.arena.f32(valuesPtr, nnz);
  const { indptr: from, indices, values } = csr;
  for (let i = 0; i < csr.rows; i++) {
    const a = from[order[i]];
    const b = from[order[i] + 1];
    const shift = indptr[i] - a;
    for (let j = a; j < b; j++) idx[j + shift] = colRank[indices[j]];
    toValues(values.subarray(a, b), val.subarray(a + shift, b + shift));
  }
  return finishSide(rt, csr.rows, indptr, indptrPtr, indicesPtr, valuesPtr, chunks);
}

/** The rest of a {@link SideLayout} once its arrays are in WASM memory: row weights, chunk bounds, results. */
function finishSide(rt: KernelRuntime, rows: number, indptr: Int32Array, indptrPtr: number, indicesPtr: number, valuesPtr: number, chunks: Int32Array): SideLayout {
  const weights = new Float64Array(rows);
  for (let r = 0; r < rows; r++) weights[r] = indptr[r + 1] - indptr[r];
  return {
    rows,
    indptr,
    indptrPtr,
    indicesPtr,
    valuesPtr,
    nnz: indptr[rows],
    chunks,
    weights,
    boundsPtr: rt.arena.putI32(chunks),
    resultsPtr: rt.arena.alloc(PROTOCOL.RESULT_BYTES * chunks.length, 16),
  };
}

/**
 * The other orientation, transposed from a side already in WASM memory (inside numbering both
 * ways): row c lists the rows of `side` that have column c, in their order, with the same f32
 * values. One counting-sort pass; no JS copy of the transpose. `indptr` are its offsets.
 */
function transposeSide(rt: KernelRuntime, side: SideLayout, rows: number, indptr: Int32Array, chunks: Int32Array): SideLayout {
  const nnz = indptr[rows];
  const indptrPtr = rt.arena.putI32(indptr);
  const indicesPtr = rt.arena.alloc(4 * nnz);
  const valuesPtr = rt.arena.alloc(VALUE_BYTES * nnz);
  // Views after the allocations (a growing memory detaches earlier views).
  const fromIdx = rt.arena.i32(side.indicesPtr, side.nnz);
  const fromVal = rt.arena.f32(side.valuesPtr, side.nnz);
  const idx = rt.arena.i32(indicesPtr, nnz);
  const val = rt.arena.f32(valuesPtr, nnz);
  const next = indptr.slice(0, rows);
  for (let r = 0; r < side.rows; r++) {
    for (let k = side.indptr[r]; k < side.indptr[r + 1]; k++) {
      const d = next[fromIdx[k]]++;
      idx[d] = r;
      val[d] = fromVal[k];
    }
  }
  return finishSide(rt, rows, indptr, indptrPtr, indicesPtr, valuesPtr, chunks);
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j];
  return v.length > 0 ? s / v.length : 0;
}

