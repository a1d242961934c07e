// Partial loss sums over rows [r0, r1), for convergence checks; the caller adds regularisation.
import { dot, madd } from './vec';

/**
 * Σ_{j∈[lo,hi)} (|c_j|(p_j − s_j)² − s_j²), s_j = xᵀ·Y[indices[j]], p_j = [c_j > 0]: the observed
 * entries' correction to a row's implicit loss. Four entries at a time, so x is loaded once
 * per four rows of Y.
 */
export function observedLossTerms(x: usize, Y: usize, indices: usize, conf: usize, lo: i32, hi: i32, f: i32): f64 {
  const fBytes = <usize>f << 3;
  let total: f64 = 0;
  let j = lo;
  if (ASC_FEATURE_SIMD) {
    const pairsEnd = x + (<usize>(f >> 1) << 4);
    for (; j + 4 <= hi; j += 4) {
      const ij = indices + (<usize>j << 2);
      let p0 = Y + <usize>load<i32>(ij) * fBytes;
      let p1 = Y + <usize>load<i32>(ij, 4) * fBytes;
      let p2 = Y + <usize>load<i32>(ij, 8) * fBytes;
      let p3 = Y + <usize>load<i32>(ij, 12) * fBytes;
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      let o = x;
      for (; o < pairsEnd; o += 16) {
        const xv = v128.load(o);
        a0 = madd(v128.load(p0), xv, a0);
        a1 = madd(v128.load(p1), xv, a1);
        a2 = madd(v128.load(p2), xv, a2);
        a3 = madd(v128.load(p3), xv, a3);
        p0 += 16;
        p1 += 16;
        p2 += 16;
        p3 += 16;
      }
      let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
      let s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
      let s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
      let s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
      if (f & 1) {
        const xl = load<f64>(o);
        s0 += load<f64>(p0) * xl;
        s1 += load<f64>(p1) * xl;
        s2 += load<f64>(p2) * xl;
        s3 += load<f64>(p3) * xl;
      }
      const cj = conf + (<usize>j << 2);
      total += entryLoss(<f64>load<f32>(cj), s0) + entryLoss(<f64>load<f32>(cj, 4), s1) + entryLoss(<f64>load<f32>(cj, 8), s2) + entryLoss(<f64>load<f32>(cj, 12), s3);
    }
  }
  for (; j < hi; j++) {
    const sc = dot(x, Y + <usize>load<i32>(indices + (<usize>j << 2)) * fBytes, f);
    total += entryLoss(<f64>load<f32>(conf + (<usize>j << 2)), sc);
  }
  return total;
}

/** One observed entry's correction |c|(p − s)² − s² (c < 0: preference 0 with confidence |c|). */
// @ts-ignore: decorator
@inline export function entryLoss(c: f64, s: f64): f64 {
  const e = (c > 0 ? 1.0 : 0.0) - s;
  return Math.abs(c) * e * e - s * s;
}

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
    total += observedLossTerms(x, Y, indices, conf, lo, hi, f);
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
