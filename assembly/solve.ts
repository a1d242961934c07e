// The per-row ALS solvers: one call solves rows [r0, r1) of a half-step.
import { gramPacked, packRow } from './gram';
import { choleskyStrided, solveStrided } from './cholesky';
import { axpy, roundUp4 } from './vec';

/**
 * Scratch layout for solve dimension k, k4 = k rounded up to 4:
 *   A  k4×k4 f64 | b k4 f64 | P maxCount·k4 f64 (packed rows) | WP maxCount·k4 f64 (weighted).
 */
export function scratchBytes(k: i32, maxRowNnz: i32): usize {
  const k4 = <usize>roundUp4(k);
  const count = <usize>max(maxRowNnz, 1);
  return ((k4 * k4 + k4 + 2 * count * k4) << 3) + 16;
}

/**
 * Implicit half-step (Hu, Koren & Volinsky 2008, eq. 4):
 * x_u = (YᵀY + Σ_{i∈Ω_u} (|c|−1) y_i y_iᵀ + λI)⁻¹ Σ_{c>0} c·y_i.
 */
export function solveImplicitRows(
  X: usize, Y: usize, YtY: usize, indptr: usize, indices: usize, conf: usize,
  f: i32, lambda: f64, r0: i32, r1: i32, scratch: usize,
): i32 {
  const k4 = roundUp4(f);
  const rowBytes = <usize>k4 << 3;
  const fBytes = <usize>f << 3;
  const A = (scratch + 15) & ~(<usize>15);
  const b = A + <usize>k4 * rowBytes;
  const P = b + rowBytes;
  for (let u = r0; u < r1; u++) {
    const lo = load<i32>(indptr + (<usize>u << 2));
    const hi = load<i32>(indptr + (<usize>(u + 1) << 2));
    const count = hi - lo;
    const WP = P + <usize>count * rowBytes;
    memory.fill(b, 0, fBytes);
    for (let t = 0; t < count; t++) {
      const j = lo + t;
      const i = load<i32>(indices + (<usize>j << 2));
      const c = load<f64>(conf + (<usize>j << 3));
      const y = Y + <usize>i * fBytes;
      packRow(P, WP, count, t, y, f, false, k4, Math.abs(c) - 1);
      if (c > 0) axpy(b, c, y, f);
    }
    // A = YᵀY (upper rows), then the low-rank correction, then λ on the diagonal.
    for (let r = 0; r < f; r++) {
      memory.copy(A + <usize>r * rowBytes + (<usize>r << 3), YtY + <usize>r * fBytes + (<usize>r << 3), <usize>(f - r) << 3);
    }
    gramPacked(A, k4, WP, P, count);
    for (let r = 0; r < f; r++) {
      const d = A + <usize>r * rowBytes + (<usize>r << 3);
      store<f64>(d, load<f64>(d) + lambda);
    }
    if (choleskyStrided(A, f, k4) >= 0) return u;
    solveStrided(A, f, k4, b);
    memory.copy(X + <usize>u * fBytes, b, fBytes);
  }
  return -1;
}

/**
 * Explicit half-step over observed entries, optionally with biases (ỹ = [y; 1], x̃ = [x; b_u]):
 * x̃_u = (Σ ỹ ỹᵀ + λ·w_u·I)⁻¹ Σ (r − μ − b_i) ỹ, w_u = |Ω_u| (ALS-WR) or 1.
 * see: Zhou et al. 2008 (ALS-WR).
 */
export function solveExplicitRows(
  X: usize, Y: usize, indptr: usize, indices: usize, ratings: usize,
  f: i32, lambda: f64, weighted: i32, mu: f64, biasOther: usize, biasOut: usize,
  r0: i32, r1: i32, scratch: usize,
): i32 {
  const withBias = biasOut != 0;
  const k = withBias ? f + 1 : f;
  const k4 = roundUp4(k);
  const rowBytes = <usize>k4 << 3;
  const fBytes = <usize>f << 3;
  const A = (scratch + 15) & ~(<usize>15);
  const b = A + <usize>k4 * rowBytes;
  const P = b + rowBytes;
  for (let u = r0; u < r1; u++) {
    const lo = load<i32>(indptr + (<usize>u << 2));
    const hi = load<i32>(indptr + (<usize>(u + 1) << 2));
    const count = hi - lo;
    if (count == 0) {
      memory.fill(X + <usize>u * fBytes, 0, fBytes);
      if (withBias) store<f64>(biasOut + (<usize>u << 3), 0);
      continue;
    }
    memory.fill(b, 0, <usize>k << 3);
    for (let t = 0; t < count; t++) {
      const j = lo + t;
      const i = load<i32>(indices + (<usize>j << 2));
      let target = load<f64>(ratings + (<usize>j << 3)) - mu;
      if (biasOther != 0) target -= load<f64>(biasOther + (<usize>i << 3));
      const y = Y + <usize>i * fBytes;
      packRow(P, P, count, t, y, f, withBias, k4, 1);
      axpy(b, target, y, f);
      if (withBias) store<f64>(b + fBytes, load<f64>(b + fBytes) + target);
    }
    for (let r = 0; r < k; r++) memory.fill(A + <usize>r * rowBytes + (<usize>r << 3), 0, <usize>(k4 - r) << 3);
    gramPacked(A, k4, P, P, count);
    const reg = lambda * (weighted != 0 ? <f64>count : 1.0);
    for (let r = 0; r < k; r++) {
      const d = A + <usize>r * rowBytes + (<usize>r << 3);
      store<f64>(d, load<f64>(d) + reg);
    }
    if (choleskyStrided(A, k, k4) >= 0) return u;
    solveStrided(A, k, k4, b);
    memory.copy(X + <usize>u * fBytes, b, fBytes);
    if (withBias) store<f64>(biasOut + (<usize>u << 3), load<f64>(b + fBytes));
  }
  return -1;
}
