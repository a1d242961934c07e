/**
 * The solve job: the one typed description of a half-step over some rows — which system and
 * method (`kind`), where every buffer is, λ and the rest — written as a small record into linear
 * memory (layout: ./job-layout.ts, mirrored from assembly/job-layout.ts) and read there by the
 * one row-solve kernel, `solveRows(job, r0, r1, scratch, lossOut)` (./solve-rows.ts). The
 * training sweep, each pool thread, incremental update and fold-in all describe their work this
 * way; which kernel runs follows from `kind` alone.
 */
import {
  JOB_BIAS_OTHER, JOB_BIAS_OUT, JOB_BYTES, JOB_F, JOB_GRAM, JOB_INDICES, JOB_INDPTR, JOB_KIND, JOB_LAMBDA, JOB_MU,
  JOB_OTHER, JOB_OTHER32, JOB_OUT, JOB_PRECISION, JOB_STEPS, JOB_VALUES, JOB_WEIGHTED,
  KIND_EXPLICIT, KIND_EXPLICIT_CG, KIND_IMPLICIT, KIND_IMPLICIT_CG, MIXED_F32_ACC, MIXED_F64_ACC, PRECISION_F64,
} from './job-layout.js';

/** Bytes of one solve job record (allocate it 8-byte aligned; the arena gives 16). */
export const SOLVE_JOB_BYTES = JOB_BYTES;

/** The kernel code of each kind of solve. */
export const SOLVE_KINDS = {
  /** Implicit feedback (Hu, Koren & Volinsky 2008), exact solve by Cholesky. */
  implicit: KIND_IMPLICIT,
  /** Implicit feedback, warm-started conjugate gradient (reads `steps`, `precision`, `other32`). */
  'implicit-cg': KIND_IMPLICIT_CG,
  /** Explicit feedback over observed entries (ALS-WR, optional biases), exact solve by Cholesky. */
  explicit: KIND_EXPLICIT,
  /** Explicit feedback, warm-started conjugate gradient (reads `steps`). */
  'explicit-cg': KIND_EXPLICIT_CG,
} as const;

/** Which system a job solves, and how: a key of {@link SOLVE_KINDS}. */
export type SolveKind = keyof typeof SOLVE_KINDS;

/**
 * The precision codes of implicit CG, by the names of the `precision` option — the one place
 * an option value becomes a kernel code. (`mixed` is the kernel's f32-accumulating mode; its
 * f64-accumulating mode, {@link MIXED_F64_ACC}, has no option name and is used by tests and
 * experiments only.)
 */
export const PRECISION_CODES = { f64: PRECISION_F64, mixed: MIXED_F32_ACC } as const;

/** A precision code the kernel accepts. */
export type PrecisionCode = typeof PRECISION_F64 | typeof MIXED_F64_ACC | typeof MIXED_F32_ACC;

/**
 * One half-step over some rows. Every pointer is a byte offset into the kernels' memory; 0
 * means "none" where a field allows it. Fields a kind does not read are written anyway (as
 * given, usually 0) so that a record is always whole.
 */
export interface SolveJob {
  /** Which system and method. */
  kind: SolveKind;
  /** Factors f (the solve dimension is f + 1 for explicit kinds with biases). */
  f: number;
  /** The rows solved: f64, stride f, in CSR row order. The CG kinds start from them; written in place. */
  out: number;
  /** The other side's factors: f64, stride f, every row the CSR's columns name. */
  other: number;
  /** Implicit kinds: the other side's f × f Gram matrix (YᵀY, f64). 0 for explicit kinds. */
  gram: number;
  /** CSR of the rows solved: i32 offsets (rows + 1), i32 columns, f32 values (confidences or ratings). */
  indptr: number;
  /** See {@link SolveJob.indptr}. */
  indices: number;
  /** See {@link SolveJob.indptr}. */
  values: number;
  /** λ. */
  lambda: number;
  /** Explicit kinds: λ·|Ω_u| on the diagonal (ALS-WR) instead of λ. */
  weighted: boolean;
  /** Explicit kinds: μ, subtracted from every rating (0 without biases). */
  mu: number;
  /** Explicit kinds with biases: the other side's biases (f64); 0 = no biases. */
  biasOther: number;
  /** Explicit kinds with biases: the solved rows' biases (f64, written; the CG kind starts from them); 0 = no biases. */
  biasOut: number;
  /** CG kinds: steps per row. */
  steps: number;
  /** Implicit CG: the panel's precision ({@link PRECISION_CODES}). */
  precision: PrecisionCode;
  /** Implicit CG with precision ≠ f64: the f32 copy of `other` (`toF32Rows`); else 0. */
  other32: number;
}

/**
 * Writes `job` as a record at byte `at` of `memory` (little-endian, as WebAssembly reads it).
 * @throws RangeError when the record does not fit in the memory
 */
export function writeSolveJob(memory: WebAssembly.Memory, at: number, job: SolveJob): void {
  const v = new DataView(memory.buffer, at, JOB_BYTES);
  v.setInt32(JOB_KIND, SOLVE_KINDS[job.kind], true);
  v.setInt32(JOB_F, job.f, true);
  v.setInt32(JOB_STEPS, job.steps, true);
  v.setInt32(JOB_WEIGHTED, job.weighted ? 1 : 0, true);
  v.setInt32(JOB_PRECISION, job.precision, true);
  v.setUint32(JOB_OUT, job.out, true);
  v.setUint32(JOB_OTHER, job.other, true);
  v.setUint32(JOB_GRAM, job.gram, true);
  v.setUint32(JOB_INDPTR, job.indptr, true);
  v.setUint32(JOB_INDICES, job.indices, true);
  v.setUint32(JOB_VALUES, job.values, true);
  v.setUint32(JOB_BIAS_OTHER, job.biasOther, true);
  v.setUint32(JOB_BIAS_OUT, job.biasOut, true);
  v.setUint32(JOB_OTHER32, job.other32, true);
  v.setFloat64(JOB_LAMBDA, job.lambda, true);
  v.setFloat64(JOB_MU, job.mu, true);
}

/**
 * Reads the record at byte `at` of `memory` back (the reference kernels read their jobs so).
 * @throws RangeError for an unknown kind code
 */
export function readSolveJob(memory: WebAssembly.Memory, at: number): SolveJob {
  const v = new DataView(memory.buffer, at, JOB_BYTES);
  const code = v.getInt32(JOB_KIND, true);
  const kind = (Object.keys(SOLVE_KINDS) as SolveKind[]).find((k) => SOLVE_KINDS[k] === code);
  if (kind === undefined) throw new RangeError(`unknown solve kind ${code} in the job at ${at}`);
  return {
    kind,
    f: v.getInt32(JOB_F, true),
    steps: v.getInt32(JOB_STEPS, true),
    weighted: v.getInt32(JOB_WEIGHTED, true) !== 0,
    precision: v.getInt32(JOB_PRECISION, true) as PrecisionCode,
    out: v.getUint32(JOB_OUT, true),
    other: v.getUint32(JOB_OTHER, true),
    gram: v.getUint32(JOB_GRAM, true),
    indptr: v.getUint32(JOB_INDPTR, true),
    indices: v.getUint32(JOB_INDICES, true),
    values: v.getUint32(JOB_VALUES, true),
    biasOther: v.getUint32(JOB_BIAS_OTHER, true),
    biasOut: v.getUint32(JOB_BIAS_OUT, true),
    other32: v.getUint32(JOB_OTHER32, true),
    lambda: v.getFloat64(JOB_LAMBDA, true),
    mu: v.getFloat64(JOB_MU, true),
  };
}
