// The implicit-feedback half-step: one call solves rows [r0, r1).
// see: Hu, Koren & Volinsky 2008, "Collaborative Filtering for Implicit Feedback Datasets", eq. 4
// (YᵀY once per half-step, plus a correction over the row's observed items only).
import { choleskyBlocked, solveStrided } from './cholesky';
import { gramPacked, packRow } from './gram';
import { CHUNK, panelStride, strideFor } from './scratch';
import { observedLossTerms } from './loss';
import { copy, roundUp4, zero } from './vec';

/**
 * x_u = (YᵀY + Σ_{i∈Ω_u} (|c_ui| − 1) y_i y_iᵀ + λI)⁻¹ Σ_{i∈Ω_u, c_ui>0} |c_ui| y_i for u in
 * [r0, r1); an empty row gets x_u = 0. Returns -1 or the first row that was not positive definite.
 * With lossOut ≠ 0, also stores there (f64) the observed entries' part of the implicit loss at
 * the new x_u, Σ_u Σ_j (|c|(p − s)² − s²), while the row's y_i are still in cache; adding
 * Σ_u x_uᵀ·YᵀY·x_u gives implicitLossRows over the same rows.
 */
export function solveImplicitRows(
  X: usize, Y: usize, YtY: usize, indptr: usize, indices: usize, conf: usize,
  f: i32, lambda: f64, r0: i32, r1: i32, scratch: usize, lossOut: usize,
): i32 {
  const k4 = roundUp4(f);
  const s = strideFor(k4);
  const rowBytes = <usize>s << 3;
  const fBytes = <usize>f << 3;
  const panels = k4 >> 2;
  const chunk = CHUNK;
  const A = (scratch + 15) & ~(<usize>15);
  const G = A + <usize>k4 * rowBytes;
  const b = G + <usize>k4 * rowBytes;
  const P = b + (<usize>k4 << 3);

  // G = YᵀY + λI, zero-padded to k4 × k4: the starting value of every row's system, so the
  // per-row Gram starts its sums from G and writes A in one pass.
  for (let r = 0; r < k4; r++) {
    const g = G + <usize>r * rowBytes;
    if (r < f) {
      copy(g, YtY + <usize>r * fBytes, f);
      zero(g + fBytes, k4 - f);
      store<f64>(g + (<usize>r << 3), load<f64>(g + (<usize>r << 3)) + lambda);
    } else {
      zero(g, k4);
    }
  }

  let loss: f64 = 0;
  for (let u = r0; u < r1; u++) {
    const lo = load<i32>(indptr + (<usize>u << 2));
    const hi = load<i32>(indptr + (<usize>(u + 1) << 2));
    const x = X + <usize>u * fBytes;
    if (hi <= lo) {
      zero(x, f);
      continue;
    }
    zero(b, k4);
    for (let j0 = lo; j0 < hi; j0 += chunk) {
      const n = min(chunk, hi - j0);
      const panelBytes = panelStride(n);
      // With every |c| ≥ 1 (the usual 1 + α·r) the weights w = |c| − 1 are ≥ 0, and
      // Σ w y yᵀ = Σ (√w y)(√w y)ᵀ: pack √w·y once and use the symmetric (cheaper) tiles.
      let symmetric = true;
      for (let j = j0; j < j0 + n; j++) {
        if (!(Math.abs(<f64>load<f32>(conf + (<usize>j << 2))) >= 1)) {
          symmetric = false;
          break;
        }
      }
      if (symmetric) {
        for (let t = 0; t < n; t++) {
          const j = j0 + t;
          const i = load<i32>(indices + (<usize>j << 2));
          const c = <f64>load<f32>(conf + (<usize>j << 2));
          // c > 0: preference 1 with confidence c; c < 0: preference 0 with confidence |c|.
          packRow(P, P, panelBytes, t, Y + <usize>i * fBytes, f, k4, false, Math.sqrt(Math.abs(c) - 1), false, b, c > 0 ? c : 0, true);
        }
        gramPacked(A, rowBytes, panels, P, P, panelBytes, n, j0 == lo ? G : A);
      } else {
        const WP = P + <usize>panels * panelBytes;
        for (let t = 0; t < n; t++) {
          const j = j0 + t;
          const i = load<i32>(indices + (<usize>j << 2));
          const c = <f64>load<f32>(conf + (<usize>j << 2));
          packRow(P, WP, panelBytes, t, Y + <usize>i * fBytes, f, k4, false, Math.abs(c) - 1, true, b, c > 0 ? c : 0);
        }
        gramPacked(A, rowBytes, panels, WP, P, panelBytes, n, j0 == lo ? G : A);
      }
    }
    if (choleskyBlocked(A, f, s) >= 0) return u;
    solveStrided(A, f, s, b);
    copy(x, b, f);
    if (lossOut != 0) loss += observedLossTerms(x, Y, indices, conf, lo, hi, f);
  }
  if (lossOut != 0) store<f64>(lossOut, loss);
  return -1;
}
