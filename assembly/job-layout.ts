// The solve job record: the one description of a half-step that every row solve reads
// (solve-rows.ts), written by the engine into linear memory, read here by pointer. This file
// is the layout's source: src/kernels/job-layout.ts mirrors every constant of it, name for name,
// and test/kernels/job-layout.test.ts holds the two together. Change both, or the test fails.
//
// Byte offsets from the record's start (8-byte aligned: two f64 fields close it):
//   0 KIND i32   4 F i32   8 STEPS i32   12 WEIGHTED i32   16 PRECISION i32
//   20 OUT   24 OTHER   28 GRAM   32 INDPTR   36 INDICES   40 VALUES
//   44 BIAS_OTHER   48 BIAS_OUT   52 OTHER32   (pointers: u32 byte offsets, 0 = none)
//   56 LAMBDA f64   64 MU f64                  → 72 bytes

/** i32: which system and method (one of the KIND_* codes). */
export const JOB_KIND: i32 = 0;
/** i32: factors f. */
export const JOB_F: i32 = 4;
/** i32: conjugate-gradient steps per row (CG kinds). */
export const JOB_STEPS: i32 = 8;
/** i32: explicit kinds: 1 = λ·|Ω_u| on the diagonal (ALS-WR), 0 = λ. */
export const JOB_WEIGHTED: i32 = 12;
/** i32: implicit CG: one of the PRECISION_* codes. */
export const JOB_PRECISION: i32 = 16;
/** Pointer: the rows solved (f64, stride f), warm start of the CG kinds, written in place. */
export const JOB_OUT: i32 = 20;
/** Pointer: the other side's factors (f64, stride f). */
export const JOB_OTHER: i32 = 24;
/** Pointer: implicit kinds: the other side's Gram matrix (f × f f64); 0 for explicit. */
export const JOB_GRAM: i32 = 28;
/** Pointer: CSR row offsets (i32, rows + 1). */
export const JOB_INDPTR: i32 = 32;
/** Pointer: CSR columns (i32): rows of the other side. */
export const JOB_INDICES: i32 = 36;
/** Pointer: CSR values (f32): confidences (implicit) or ratings (explicit). */
export const JOB_VALUES: i32 = 40;
/** Pointer: explicit with biases: the other side's biases (f64); 0 = none. */
export const JOB_BIAS_OTHER: i32 = 44;
/** Pointer: explicit with biases: the solved rows' biases (f64), written; 0 = no biases. */
export const JOB_BIAS_OUT: i32 = 48;
/** Pointer: implicit CG, mixed precision: the f32 copy of the other side (toF32Rows); 0 otherwise. */
export const JOB_OTHER32: i32 = 52;
/** f64: λ. */
export const JOB_LAMBDA: i32 = 56;
/** f64: explicit: μ subtracted from every rating (0 without biases). */
export const JOB_MU: i32 = 64;
/** Bytes of one record. */
export const JOB_BYTES: i32 = 72;

/** Kind: implicit feedback, exact solve (Cholesky): solve-implicit.ts. */
export const KIND_IMPLICIT: i32 = 1;
/** Kind: implicit feedback, warm-started conjugate gradient: solve-cg.ts. */
export const KIND_IMPLICIT_CG: i32 = 2;
/** Kind: explicit feedback, exact solve (Cholesky), optional biases: solve-explicit.ts. */
export const KIND_EXPLICIT: i32 = 3;
/** Kind: explicit feedback, warm-started conjugate gradient: solve-cg-explicit.ts. */
export const KIND_EXPLICIT_CG: i32 = 4;

/** Precision code: the f64 panel (panel.ts). */
export const PRECISION_F64: i32 = 0;
/** Precision code: f32 copy and panel, the residual's and the products' multiply-adds in f64. */
export const MIXED_F64_ACC: i32 = 1;
/** Precision code: f32 copy and panel, the residual and products in f32 per block, partial sums in f64 (shipped as 'mixed'). */
export const MIXED_F32_ACC: i32 = 2;

/** solveRows' result: every row solved, every output finite. */
export const ROWS_SOLVED: i32 = -1;
/** solveRows' result at or below this: row (NON_FINITE_BASE − result) has non-finite output. (A result ≥ 0 is the first row that was not positive definite.) */
export const NON_FINITE_BASE: i32 = -2;
