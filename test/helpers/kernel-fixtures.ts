/**
 * Shared fixtures of the kernel tests: random sparse problems, their layout in a runtime's
 * memory with canary bytes after the scratch, and tolerance helpers.
 */
import type { KernelVariant } from '../../src/wasm/abi.js';
import { kernelVariantsAvailable, loadKernels, type KernelRuntime } from '../../src/wasm/kernels.js';
import { KernelRandom } from './kernel-random.js';

/** The factor counts every kernel is tested at (odd, < 4, around 64, > 128). */
export const KERNEL_SIZES = [1, 2, 3, 7, 16, 63, 64, 65, 128, 200];

/** The canary value written after every scratch block. */
export const CANARY = 12345.678;

/** The WebAssembly builds this engine runs. */
export async function kernelWasmVariants(): Promise<KernelVariant[]> {
  return (await kernelVariantsAvailable()).filter((v) => v !== 'reference');
}

/** One runtime per build: the reference first, then the WASM builds, then their shared-memory builds (worker pools). */
export async function kernelRuntimes(): Promise<KernelRuntime[]> {
  const wasm = await kernelWasmVariants();
  const plain = await Promise.all(['reference' as const, ...wasm].map((variant) => loadKernels({ variant })));
  const shared = await Promise.all(wasm.map((variant) => loadKernels({ variant, shared: true })));
  return [...plain, ...shared];
}

/** max |a − b| / max |b| (with a floor on the scale for all-zero expectations). */
export function kernelRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 1e-300;
  if (a.length !== b.length) return Infinity;
  for (let j = 0; j < a.length; j++) {
    const diff = Math.abs(a[j] - b[j]);
    d = Number.isNaN(diff) ? Infinity : Math.max(d, diff);
    s = Math.max(s, Math.abs(b[j]));
  }
  return d / s;
}

/** A random sparse problem: CSR rows over `cols` columns of a factor matrix Y (cols × f). */
export interface KernelProblem {
  rows: number;
  cols: number;
  f: number;
  indptr: Int32Array;
  indices: Int32Array;
  /** Signed confidences: > 0 preference 1, < 0 preference 0. */
  conf: Float64Array;
  ratings: Float64Array;
  Y: Float64Array;
  /** The other side's biases (length cols). */
  biasOther: Float64Array;
  /** The own side's biases (length rows), for the explicit loss. */
  biasRow: Float64Array;
  maxRowNnz: number;
}

/** Row lengths: empty rows, single entries, a few, ≈ f, several chunks (> 128, > 256). */
export function kernelRowCounts(f: number, cols: number): number[] {
  return [0, 1, 2, f + 3, 3 * f + 1, 5, cols, 4, 0, 9, 2 * f, 1, 130, 300].map((c) => Math.min(c, cols));
}

/**
 * Builds a problem at f factors from a seed. `negativeShare` of the confidences are negative
 * (preference 0); all have |c| ≥ 1 unless `smallConfidence` allows 0 < |c| < 1 as well.
 */
export function kernelProblem(f: number, seed: number, opts: { negativeShare?: number; smallConfidence?: boolean; counts?: number[]; cols?: number } = {}): KernelProblem {
  const rng = new KernelRandom(seed);
  const cols = opts.cols ?? Math.max(8, Math.min(320, 3 * f + 10));
  const counts = opts.counts ?? kernelRowCounts(f, cols);
  const rows = counts.length;
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  for (let r = 0; r < rows; r++) {
    idx.push(...rng.distinct(counts[r], cols));
    indptr[r + 1] = idx.length;
  }
  const nnz = idx.length;
  const neg = opts.negativeShare ?? 0.2;
  const conf = Float64Array.from({ length: nnz }, () => {
    const mag = opts.smallConfidence && rng.next() < 0.3 ? 0.2 + 0.8 * rng.next() : 1 + 20 * rng.next();
    return Math.fround(rng.next() < neg ? -mag : mag); // values are stored as f32 in WASM memory
  });
  return {
    rows,
    cols,
    f,
    indptr,
    indices: Int32Array.from(idx),
    conf,
    ratings: Float64Array.from({ length: nnz }, () => Math.fround(1 + 4 * rng.next())),
    Y: Float64Array.from({ length: cols * f }, () => rng.normal() / Math.sqrt(f)),
    biasOther: Float64Array.from({ length: cols }, () => rng.normal() * 0.3),
    biasRow: Float64Array.from({ length: rows }, () => rng.normal() * 0.3),
    maxRowNnz: Math.max(0, ...counts),
  };
}

/** Pointers of a problem laid out in a runtime's memory. */
export interface KernelLayout {
  indptr: number;
  indices: number;
  conf: number;
  ratings: number;
  Y: number;
  YtY: number;
  biasOther: number;
  biasRow: number;
  X: number;
  biasOut: number;
  scores: number;
  scratch: number;
  /** 64 bytes of {@link CANARY} right after `scratchBytes` bytes of scratch. */
  canary: number;
}

/**
 * Lays a problem out (resetting the arena), with exactly `scratchBytes(k, maxRowNnz)` bytes of
 * scratch (`scratchBytesCG` for `cg`) followed by canaries. YtY is filled by the runtime's own
 * `gramian`. For `cg` the outputs are also the warm start: X and biasOut get fixed values.
 */
export function kernelLayout(rt: KernelRuntime, p: KernelProblem, k: number, solver: 'cholesky' | 'cg' = 'cholesky'): KernelLayout {
  const a = rt.arena;
  a.reset();
  const q = {
    indptr: a.putI32(p.indptr),
    indices: a.putI32(p.indices),
    conf: a.putF32(p.conf),
    ratings: a.putF32(p.ratings),
    Y: a.putF64(p.Y),
    YtY: a.alloc(8 * p.f * p.f),
    biasOther: a.putF64(p.biasOther),
    biasRow: a.putF64(p.biasRow),
    X: a.alloc(8 * p.rows * p.f),
    biasOut: a.alloc(8 * p.rows),
    scores: a.alloc(8 * p.cols),
    scratch: 0,
    canary: 0,
  };
  // Garbage in the outputs, so that a kernel that skips a row is caught.
  a.f64(q.X, p.rows * p.f).fill(Number.NaN);
  a.f64(q.biasOut, p.rows).fill(Number.NaN);
  if (solver === 'cg') {
    a.f64(q.X, p.rows * p.f).forEach((_, j, X) => (X[j] = 0.1 * Math.sin(j + 1)));
    a.f64(q.biasOut, p.rows).forEach((_, r, b) => (b[r] = 0.05 * Math.cos(r)));
  }
  rt.exports.gramian(q.Y, p.cols, p.f, q.YtY);
  const bytes = solver === 'cg' ? rt.exports.scratchBytesCG(k, p.maxRowNnz) : rt.exports.scratchBytes(k, p.maxRowNnz);
  q.scratch = a.alloc(bytes + 64, 16);
  // The scratch may start anywhere 16-aligned; the canary follows its last byte directly.
  q.canary = q.scratch + bytes;
  const c = new DataView(rt.memory.buffer, q.canary, 64);
  for (let j = 0; j < 64; j += 8) c.setFloat64(j, CANARY, true);
  // Garbage in the scratch too: kernels must not rely on zeroed scratch.
  new Uint8Array(rt.memory.buffer, q.scratch, bytes).fill(0xff);
  return q;
}

/** True when the 64 canary bytes after the scratch are untouched. */
export function kernelCanaryIntact(rt: KernelRuntime, q: KernelLayout): boolean {
  const c = new DataView(rt.memory.buffer, q.canary, 64);
  for (let j = 0; j < 64; j += 8) if (c.getFloat64(j, true) !== CANARY) return false;
  return true;
}
