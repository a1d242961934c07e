// The kernel ABI (see src/wasm/abi.ts): plain functions over byte pointers into an imported
// linear memory. Kernels never allocate; JavaScript lays out every buffer.
import { choleskyStrided, solveStrided } from './cholesky';
import { madd } from './vec';

export { gramian, gramAccumulate } from './gram';
export { scratchBytes, solveImplicitRows, solveExplicitRows } from './solve';
export { implicitLossRows, explicitLossRows, scoreRows } from './loss';

/** In-place Cholesky A = UᵀU of the k×k upper triangle; -1 or the first bad pivot. */
export function cholesky(A: usize, k: i32): i32 {
  return choleskyStrided(A, k, k);
}

/** Solves UᵀU x = b in place. */
export function choleskySolve(U: usize, k: i32, b: usize): void {
  solveStrided(U, k, k, b);
}

/** Register-only multiply-add loop (8 independent f64x2 chains) to measure the peak GFLOP/s. */
export function fmaPeak(iterations: i32): f64 {
  if (ASC_FEATURE_SIMD) {
    const m = f64x2.splat(0.999999);
    const c = f64x2.splat(1e-7);
    let a0 = f64x2.splat(1.0), a1 = f64x2.splat(1.1), a2 = f64x2.splat(1.2), a3 = f64x2.splat(1.3);
    let a4 = f64x2.splat(1.4), a5 = f64x2.splat(1.5), a6 = f64x2.splat(1.6), a7 = f64x2.splat(1.7);
    for (let t = 0; t < iterations; t++) {
      a0 = madd(a0, m, c); a1 = madd(a1, m, c); a2 = madd(a2, m, c); a3 = madd(a3, m, c);
      a4 = madd(a4, m, c); a5 = madd(a5, m, c); a6 = madd(a6, m, c); a7 = madd(a7, m, c);
    }
    const s = f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(f64x2.add(a4, a5), f64x2.add(a6, a7)));
    return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  } else {
    let a0: f64 = 1.0, a1: f64 = 1.1, a2: f64 = 1.2, a3: f64 = 1.3, a4: f64 = 1.4, a5: f64 = 1.5, a6: f64 = 1.6, a7: f64 = 1.7;
    for (let t = 0; t < iterations; t++) {
      a0 = a0 * 0.999999 + 1e-7; a1 = a1 * 0.999999 + 1e-7; a2 = a2 * 0.999999 + 1e-7; a3 = a3 * 0.999999 + 1e-7;
      a4 = a4 * 0.999999 + 1e-7; a5 = a5 * 0.999999 + 1e-7; a6 = a6 * 0.999999 + 1e-7; a7 = a7 * 0.999999 + 1e-7;
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
  }
}
