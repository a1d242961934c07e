// Partial loss sums over rows [r0, r1), for convergence checks; the caller adds regularisation.
import { dot } from './vec';

/**
 * Implicit loss without densifying (Hu et al. 2008, eq. 3, expanded): the sum over all items of
 * (x_uᵀy_i)² is x_uᵀ·YᵀY·x_u; the observed items then correct it:
 * Σ_u [x_uᵀ YᵀY x_u + Σ_{i∈Ω_u} (|c|(p − s)² − s²)], s = x_uᵀ y_i, p = [c > 0].
 */
export function implicitLossRows(X: usize, Y: usize, YtY: usize, indptr: usize, indices: usize, conf: usize, f: i32, r0: i32, r1: i32): f64 {
  const fBytes = <usize>f << 3;
  let total: f64 = 0;
  for (let u = r0; u < r1; u++) {
    const x = X + <usize>u * fBytes;
    let quad: f64 = 0;
    for (let a = 0; a < f; a++) quad += load<f64>(x + (<usize>a << 3)) * dot(YtY + <usize>a * fBytes, x, f);
    total += quad;
    const lo = load<i32>(indptr + (<usize>u << 2));
    const hi = load<i32>(indptr + (<usize>(u + 1) << 2));
    for (let j = lo; j < hi; j++) {
      const i = load<i32>(indices + (<usize>j << 2));
      const c = <f64>load<f32>(conf + (<usize>j << 2));
      const sc = dot(x, Y + <usize>i * fBytes, f);
      const e = (c > 0 ? 1.0 : 0.0) - sc;
      total += Math.abs(c) * e * e - sc * sc;
    }
  }
  return total;
}

/** Σ_{i∈Ω_u} (r − μ − b_u − b_i − x_uᵀy_i)² over rows [r0, r1); bias pointers 0 ⇒ no biases. */
export function explicitLossRows(X: usize, Y: usize, indptr: usize, indices: usize, ratings: usize, f: i32, mu: f64, biasRow: usize, biasCol: usize, r0: i32, r1: i32): f64 {
  const fBytes = <usize>f << 3;
  let total: f64 = 0;
  for (let u = r0; u < r1; u++) {
    const x = X + <usize>u * fBytes;
    const bu: f64 = biasRow != 0 ? load<f64>(biasRow + (<usize>u << 3)) : 0;
    const lo = load<i32>(indptr + (<usize>u << 2));
    const hi = load<i32>(indptr + (<usize>(u + 1) << 2));
    for (let j = lo; j < hi; j++) {
      const i = load<i32>(indices + (<usize>j << 2));
      const bi: f64 = biasCol != 0 ? load<f64>(biasCol + (<usize>i << 3)) : 0;
      const e = <f64>load<f32>(ratings + (<usize>j << 2)) - mu - bu - bi - dot(x, Y + <usize>i * fBytes, f);
      total += e * e;
    }
  }
  return total;
}
