/**
 * The solve job record's layout, kind codes, precision codes and result codes: the mirror of
 * assembly/job-layout.ts (the source), constant for constant — test/kernels/job-layout.test.ts
 * fails when the two differ. Read by src/kernels/solve-job.ts (which writes records) and the
 * reference kernels (which read them); nothing else should need these numbers.
 */

/** i32: which system and method (one of the KIND_* codes). */
export const JOB_KIND = 0;
/** i32: factors f. */
export const JOB_F = 4;
/** i32: conjugate-gradient steps per row (CG kinds). */
export const JOB_STEPS = 8;
/** i32: explicit kinds: 1 = λ·|Ω_u| on the diagonal (ALS-WR), 0 = λ. */
export const JOB_WEIGHTED = 12;
/** i32: implicit CG: one of the PRECISION_* codes. */
export const JOB_PRECISION = 16;
/** Pointer: the rows solved (f64, stride f), warm start of the CG kinds, written in place. */
export const JOB_OUT = 20;
/** Pointer: the other side's factors (f64, stride f). */
export const JOB_OTHER = 24;
/** Pointer: implicit kinds: the other side's Gram matrix (f × f f64); 0 for explicit. */
export const JOB_GRAM = 28;
/** Pointer: CSR row offsets (i32, rows + 1). */
export const JOB_INDPTR = 32;
/** Pointer: CSR columns (i32): rows of the other side. */
export const JOB_INDICES = 36;
/** Pointer: CSR values (f32): confidences (implicit) or ratings (explicit). */
export const JOB_VALUES = 40;
/** Pointer: explicit with biases: the other side's biases (f64); 0 = none. */
export const JOB_BIAS_OTHER = 44;
/** Pointer: explicit with biases: the solved rows' biases (f64), written; 0 = no biases. */
export const JOB_BIAS_OUT = 48;
/** Pointer: implicit CG, mixed precision: the f32 copy of the other side (toF32Rows); 0 otherwise. */
export const JOB_OTHER32 = 52;
/** f64: λ. */
export const JOB_LAMBDA = 56;
/** f64: explicit: μ subtracted from every rating (0 without biases). */
export const JOB_MU = 64;
/** Bytes of one record. */
export const JOB_BYTES = 72;
/** Kind: implicit feedback, exact solve (Cholesky): solve-implicit.ts. */
export const KIND_IMPLICIT = 1;
/** Kind: implicit feedback, warm-started conjugate gradient: solve-cg.ts. */
export const KIND_IMPLICIT_CG = 2;
/** Kind: explicit feedback, exact solve (Cholesky), optional biases: solve-explicit.ts. */
export const KIND_EXPLICIT = 3;
/** Kind: explicit feedback, warm-started conjugate gradient: solve-cg-explicit.ts. */
export const KIND_EXPLICIT_CG = 4;
/** Precision code: the f64 panel (panel.ts). */
export const PRECISION_F64 = 0;
/** Precision code: f32 copy and panel, the residual's and the products' multiply-adds in f64. */
export const MIXED_F64_ACC = 1;
/** Precision code: f32 copy and panel, the residual and products in f32 per block, partial sums in f64 (shipped as 'mixed'). */
export const MIXED_F32_ACC = 2;
/** solveRows' result: every row solved, every output finite. */
export const ROWS_SOLVED = -1;
/** solveRows' result at or below this: row (NON_FINITE_BASE − result) has non-finite output. (A result ≥ 0 is the first row that was not positive definite.) */
export const NON_FINITE_BASE = -2;
