/**
 * The kernel ABI: the functions every kernel build exports (scalar, SIMD, relaxed-SIMD WASM
 * builds and the plain TypeScript reference). Every pointer is a byte offset into the one
 * linear memory the kernels were instantiated with; f64 arrays are 8-byte aligned (the arena
 * gives 16), i32 arrays 4-byte aligned. Matrices are dense, row-major, f64.
 *
 * CSR convention for the row solvers: `indptr` is an i32 array of `rows + 1` absolute offsets,
 * `indices` (i32) and `values` (**f32**: `conf`/`ratings`, read and widened to f64 in the kernels —
 * ratings, counts and 1 + α·r confidences lose nothing measurable, and 20 M of them take 80 MB
 * instead of 160 MB per orientation) hold, for row r, entries `indptr[r] .. indptr[r+1]-1`;
 * `indices` are row numbers of the *other* factor matrix. The user half-step passes
 * (X, Y, CSR by user); the item half-step passes (Y, X, CSR by item) — the same kernel.
 *
 * Row solves: one entry, {@link KernelExports.solveRows}, reads a solve job record (one layout
 * for TypeScript and AssemblyScript: src/kernels/job-layout.ts) instead of positional lists.
 * Status codes of the {@link RowSolvers}: -1 on success, else the (absolute, not r0-relative)
 * index of the first row whose system was not positive definite (that row's output is left
 * unspecified; rows before it are solved, rows after it are untouched).
 */
export interface KernelExports {
  /**
   * Bytes of scratch one row-solver call needs, for solve dimension `k` and rows of at most
   * `maxRowNnz` entries. `k` is `f` for the implicit solver and for explicit without biases,
   * `f + 1` for explicit with biases; the result never decreases as `k` or `maxRowNnz` grow.
   * The scratch needs 8-byte alignment (like every f64 array) and no initial content.
   */
  scratchBytes(k: number, maxRowNnz: number): number;

  /** Bytes of scratch one {@link KernelExports.solveRows} call of an `implicit-cg` job needs (f factors, rows of ≤ maxRowNnz entries); also of an `explicit-cg` job with f = its solve dimension k. */
  scratchBytesCG(f: number, maxRowNnz: number): number;

  /** `out` (k×k, full symmetric, row-major) = Σ_{i<n} yᵢ yᵢᵀ over the n rows of `Y` (stride k). */
  gramian(Y: number, n: number, k: number, out: number): void;

  /**
   * Block rows [b0, b1) of {@link KernelExports.gramian} (output rows 4·b0 … 4·b1 − 1, both
   * triangles): calls over disjoint ranges covering [0, ⌈k/4⌉) give exactly the bits of one
   * `gramian` call, so threads can share it.
   */
  gramianBlocks(Y: number, n: number, k: number, out: number, b0: number, b1: number): void;

  /**
   * Upper triangle of `A` (k×k row-major) += Σ_j w_j r_j r_jᵀ over `count` contiguous rows
   * `r_j` of length k starting at `rows`; `weights` = 0 means every w_j = 1.
   */
  gramAccumulate(A: number, k: number, rows: number, count: number, weights: number): void;

  /**
   * In-place Cholesky of the symmetric matrix whose upper triangle is stored in `A` (k×k):
   * overwrites the upper triangle with U such that A = UᵀU. Returns -1 on success, else the
   * first pivot index that was not positive.
   */
  cholesky(A: number, k: number): number;

  /** Solves UᵀU x = b in place in `b` (length k), with U from {@link KernelExports.cholesky}. */
  choleskySolve(U: number, k: number, b: number): void;

  /**
   * The one row solver: rows [r0, r1) of the half-step described by the solve job record at
   * `job` (layout: src/kernels/job-layout.ts, written by `writeSolveJob`), by the method its
   * kind names — each kind computes what the {@link RowSolvers} function of the same name says.
   * `scratch`: {@link KernelExports.scratchBytes} (Cholesky kinds) or
   * {@link KernelExports.scratchBytesCG} (CG kinds) bytes for the job's solve dimension and
   * longest row, one region per concurrent call. Implicit kinds with `lossOut` ≠ 0 also store
   * there (f64) the rows' observed share of the loss. Returns −1 (every row solved, every output
   * finite); a row ≥ 0, the first whose system was not positive definite (rows after it are
   * untouched); or −2 − r for the first row r whose factors or bias came out non-finite. Read
   * the result with `rowsFailure` (src/kernels/solve-rows.ts).
   */
  solveRows(job: number, r0: number, r1: number, scratch: number, lossOut: number): number;

  /**
   * The f32 copy of the n×f f64 matrix `Y` that mixed-precision CG gathers from: row i rounded
   * to f32 at `Y32` + i·{@link f32RowBytes}(f), its lanes past f set to 0.
   */
  toF32Rows(Y: number, n: number, f: number, Y32: number): void;

  /**
   * Partial implicit loss for rows [r0, r1) without densifying:
   * Σ_u [ x_uᵀ·YtY·x_u + Σ_{i∈Ω_u} ( |c_ui| (p_ui − s_ui)² − s_ui² ) ], s_ui = x_uᵀ y_i.
   * (Regularisation is added by the caller.)
   */
  implicitLossRows(
    X: number, Y: number, YtY: number, indptr: number, indices: number, conf: number,
    f: number, r0: number, r1: number,
  ): number;

  /**
   * Partial explicit squared error for rows [r0, r1):
   * Σ_{i∈Ω_u} (r_ui − μ − b_u − b_i − x_uᵀ y_i)²; `biasRow` / `biasCol` = 0 means no biases.
   */
  explicitLossRows(
    X: number, Y: number, indptr: number, indices: number, ratings: number,
    f: number, mu: number, biasRow: number, biasCol: number, r0: number, r1: number,
  ): number;

  /** `out[i]` = y_iᵀ x for the n rows of `Y` (stride f). */
  scoreRows(Y: number, n: number, f: number, x: number, out: number): void;

  /**
   * Batch scoring with top-k selection. For each of the `b` query vectors of `Q` (stride f),
   * the `k` rows t of `T` (stride f) with the highest s = qᵀt — plus `qConst[q] + tBias[t]`
   * (added as s + (qConst[q] + tBias[t])) when `tBias` ≠ 0 — best first, ties by lower row,
   * into `outIdx[q·k …]` (i32), `outVal[q·k …]` (f64) and `outCount[q]` (i32, ≤ k: fewer when
   * fewer rows qualify). NaN scores are never returned. Rows scanned: the `m` ascending,
   * distinct i32 rows at `list`, or rows 0 … m − 1 when `list` = 0. Rows left out: per query
   * the ascending i32 rows `exIdx[exPtr[q] … exPtr[q+1])` (`exPtr` = 0: none) and, for every
   * query, the ascending `common[0 … nCommon)`. With `scores` ≠ 0 every scanned score is also
   * stored at `scores[q·n + t]` (f64; excluded rows too). Each s is summed in the same order
   * as {@link KernelExports.scoreRows}, so the scores are the same bits.
   */
  topKRows(
    Q: number, b: number, T: number, f: number, list: number, m: number,
    qConst: number, tBias: number, exPtr: number, exIdx: number, common: number, nCommon: number,
    k: number, outIdx: number, outVal: number, outCount: number, scores: number, n: number,
  ): void;
}

/**
 * What each kind of {@link KernelExports.solveRows} computes, as the positional functions the
 * kinds dispatch to (`implicit` → solveImplicitRows, `implicit-cg` → solveImplicitRowsCG,
 * `explicit` → solveExplicitRows, `explicit-cg` → solveExplicitRowsCG). They are not exported
 * by the WebAssembly builds — callers describe a job instead — but the reference kernels
 * implement them, and their documentation is the maths of the job's fields.
 */
export interface RowSolvers {
  /**
   * Implicit-feedback half-step (Hu, Koren & Volinsky 2008, eq. 4) for rows [r0, r1):
   * X[u] = (YtY + Σ_{i∈Ω_u} (|c_ui| − 1) y_i y_iᵀ + λI)⁻¹ Σ_{i∈Ω_u, c_ui>0} |c_ui| y_i.
   * `conf` holds the confidence c_ui with its sign as the preference: c > 0 → p = 1,
   * c < 0 → p = 0 with confidence |c|. A row with no entries gets (YtY + λI)⁻¹·0 = 0, written
   * without factoring anything (so an empty row is never reported as failing).
   * `YtY` is the full f×f Gram of Y. With `lossOut` ≠ 0, also stores there (f64) the observed
   * entries' part of the implicit loss at the new factors (as {@link RowSolvers.solveImplicitRowsCG}).
   * Returns -1 or the failing row.
   */
  solveImplicitRows(
    X: number, Y: number, YtY: number, indptr: number, indices: number, conf: number,
    f: number, lambda: number, r0: number, r1: number, scratch: number, lossOut: number,
  ): number;

  /**
   * Implicit half-step by `steps` conjugate-gradient steps per row, warm-started from the
   * current rows of X (written back in place); A·p = YtY·p + λp + Σ (|c|−1)(y_iᵀp) y_i is
   * applied without forming A. An empty row gets 0. Scratch: {@link KernelExports.scratchBytesCG}.
   * With `lossOut` ≠ 0, also stores there (f64) the observed entries' part of the implicit loss
   * at the new factors, Σ_rows Σ_j (|c|(p − s)² − s²), s = x·y_j; plus Σ_rows x·YtY·x it is
   * {@link KernelExports.implicitLossRows} over the same rows. Returns -1 or the first row where pᵀAp ≤ 0.
   * `precision`: 0 every product over an f64 panel gathered from Y (`Y32` unused); otherwise the
   * row's vectors are gathered from `Y32`, the f32 copy of Y made by {@link KernelExports.toF32Rows}
   * (the caller keeps it current), into an f32 panel, and the residual b − A·x and every product
   * take y_j as rounded to f32: 1 the multiply-adds in f64; 2 in f32 within each block of four
   * entries, the blocks' partial sums in f64 (x, r, p and YtY stay f64 in every mode). So the
   * mixed steps head for the solution of the system with Y rounded to f32.
   */
  solveImplicitRowsCG(
    X: number, Y: number, YtY: number, indptr: number, indices: number, conf: number,
    f: number, lambda: number, steps: number, r0: number, r1: number, scratch: number, lossOut: number, precision: number, Y32: number,
  ): number;

  /**
   * Explicit-feedback half-step for rows [r0, r1), over observed entries only:
   * x̃_u = (Σ_{i∈Ω_u} ỹ_i ỹ_iᵀ + λ w_u I)⁻¹ Σ_{i∈Ω_u} (r_ui − μ − b_i) ỹ_i,
   * w_u = |Ω_u| when `weighted` ≠ 0 (ALS-WR) else 1. Without biases (`biasOut` = 0) ỹ_i = y_i,
   * x̃_u = x_u, and μ, b_i are 0 unless given. With biases (`biasOut` ≠ 0, `biasOther` ≠ 0),
   * ỹ_i = [y_i; 1], x̃_u = [x_u; b_u]: the solve has dimension f+1 and its last element is
   * written to `biasOut[u]`; `biasOther[i]` is subtracted from the target. A row with no
   * entries gets zeros (and bias 0). Returns -1 or the failing row.
   */
  solveExplicitRows(
    X: number, Y: number, indptr: number, indices: number, ratings: number,
    f: number, lambda: number, weighted: number, mu: number, biasOther: number, biasOut: number,
    r0: number, r1: number, scratch: number,
  ): number;

  /**
   * Explicit half-step by `steps` conjugate-gradient steps per row on the system
   * {@link RowSolvers.solveExplicitRows} solves exactly, warm-started from the current rows
   * of X (and `biasOut`, with biases) and written back in place; A·v = Σ ỹ_i(ỹ_iᵀv) + λ w_u v
   * is applied without forming A. An empty row gets zeros (and bias 0). Scratch:
   * {@link KernelExports.scratchBytesCG}(k, longest row), k = f + 1 with biases, else f.
   * Returns -1 or the first row where pᵀAp ≤ 0.
   */
  solveExplicitRowsCG(
    X: number, Y: number, indptr: number, indices: number, ratings: number,
    f: number, lambda: number, weighted: number, mu: number, biasOther: number, biasOut: number,
    steps: number, r0: number, r1: number, scratch: number,
  ): number;
}

/** Bytes of one row of the f32 copy made by {@link KernelExports.toF32Rows}: f rounded up to 4 lanes. */
export function f32RowBytes(f: number): number {
  return 4 * ((f + 3) & ~3);
}

/** Which implementation of the kernels is running. */
export type KernelVariant = 'relaxed' | 'simd' | 'scalar' | 'reference';
