// The explicit-feedback half-step over observed entries only, optionally with biases.
// see: Zhou, Wilkinson, Schreiber & Pan 2008, "Large-scale parallel collaborative filtering for
// the Netflix prize" (ALS-WR: λ·n_u on the diagonal); biases solved in the same system by
// augmenting ỹ = [y; 1], x̃ = [x; b_u].
import { choleskyBlocked, solveStrided } from './cholesky';
import { gramPacked, packRow } from './gram';
import { CHUNK, panelStride, strideFor } from './scratch';
import { copy, roundUp4, zero } from './vec';

/**
 * x̃_u = (Σ_{i∈Ω_u} ỹ_i ỹ_iᵀ + λ·w_u·I)⁻¹ Σ_{i∈Ω_u} (r_ui − μ − b_i) ỹ_i for u in [r0, r1),
 * w_u = |Ω_u| if weighted else 1; an empty row gets zeros. Returns -1 or the first bad row.
 */
export function solveExplicitRows(
  X: usize, Y: usize, indptr: usize, indices: usize, ratings: usize,
  f: i32, lambda: f64, weighted: i32, mu: f64, biasOther: usize, biasOut: usize,
  r0: i32, r1: i32, scratch: usize,
): i32 {
  const withBias = biasOut != 0;
  const k = withBias ? f + 1 : f;
  const k4 = roundUp4(k);
  const s = strideFor(k4);
  const rowBytes = <usize>s << 3;
  const fBytes = <usize>f << 3;
  const panels = k4 >> 2;
  const chunk = CHUNK;
  const A = (scratch + 15) & ~(<usize>15);
  const b = A + <usize>(2 * k4) * rowBytes; // same layout as the implicit solver (G unused)
  const P = b + (<usize>k4 << 3);

  for (let u = r0; u < r1; u++) {
    const lo = load<i32>(indptr + (<usize>u << 2));
    const hi = load<i32>(indptr + (<usize>(u + 1) << 2));
    const x = X + <usize>u * fBytes;
    if (hi <= lo) {
      zero(x, f);
      if (withBias) store<f64>(biasOut + (<usize>u << 3), 0);
      continue;
    }
    zero(b, k4);
    let bLast: f64 = 0; // Σ target: the bias row of the right-hand side
    for (let j0 = lo; j0 < hi; j0 += chunk) {
      const n = min(chunk, hi - j0);
      const panelBytes = panelStride(n);
      for (let t = 0; t < n; t++) {
        const j = j0 + t;
        const i = load<i32>(indices + (<usize>j << 2));
        let target = <f64>load<f32>(ratings + (<usize>j << 2)) - mu;
        if (biasOther != 0) target -= load<f64>(biasOther + (<usize>i << 3));
        bLast += target;
        packRow(P, P, panelBytes, t, Y + <usize>i * fBytes, f, k4, withBias, 1, false, b, target);
      }
      gramPacked(A, rowBytes, panels, P, P, panelBytes, n, j0 == lo ? 0 : A);
    }
    if (withBias) store<f64>(b + fBytes, bLast);
    const reg = lambda * (weighted != 0 ? <f64>(hi - lo) : 1.0);
    for (let r = 0; r < k; r++) {
      const d = A + <usize>r * rowBytes + (<usize>r << 3);
      store<f64>(d, load<f64>(d) + reg);
    }
    if (choleskyBlocked(A, k, s) >= 0) return u;
    solveStrided(A, k, s, b);
    copy(x, b, f);
    if (withBias) store<f64>(biasOut + (<usize>u << 3), load<f64>(b + fBytes));
  }
  return -1;
}
