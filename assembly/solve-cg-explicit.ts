// The explicit half-step by conjugate gradient, warm-started from the current factors (and
// biases) and never forming the k×k system: A·v = λ_u·v + Ỹ_uᵀ(Ỹ_u v), over the row's observed
// entries only, ỹ_i = [y_i; 1] and x̃_u = [x_u; b_u] with biases (k = f + 1), else k = f.
//
// Per interaction a step costs 2 passes of k multiply-adds (the dot, then the weighted sum)
// against the Gram's ≈ k²/2, and there is no YᵀY term: the implicit kernel's panel layout and
// primitives (panel.ts) serve unchanged, with weight 1 for every entry.
// see: Takács, Pilászy & Tikk 2011 (CG for ALS); Zhou et al. 2008 (ALS-WR: λ·n_u).
import { addBlock, cgSteps, packPairs, pairBytes } from './panel';
import { copy, scale, zero } from './vec';

/**
 * Packs the row's ỹ_j into the panel (the bias lane 1 for real entries; a short last block is
 * padded with zero vectors of weight 0), writes the weights (1, or 0 for padding) into w, and
 * adds Σ_j (t_j − ỹ_jᵀx̃)·ỹ_j to r, t_j = r_j − μ − b_i: the data part of b − A·x̃.
 * x̃ is packed with k lanes and a zero padding lane.
 */
function gatherExplicit(
  r: usize, x: usize, Y: usize, indices: usize, ratings: usize, lo: i32, hi: i32, f: i32,
  withBias: bool, mu: f64, biasOther: usize, panel: usize, w: usize, zeroRow: usize,
): void {
  const k = withBias ? f + 1 : f;
  const fBytes = <usize>f << 3;
  const blockBytes = pairBytes(k) << 2;
  const full = f >> 1;
  // Lanes past the f factors' whole pairs: y's odd last factor and/or the bias lane.
  const tail = (f & 1) != 0 || withBias;
  const xa: f64 = tail ? load<f64>(x + (<usize>full << 4)) : 0;
  const xb: f64 = tail ? load<f64>(x + (<usize>full << 4), 8) : 0;
  let block = panel;
  for (let j = lo; j < hi; j += 4) {
    const n = min(4, hi - j);
    const ij = indices + (<usize>j << 2);
    const i0 = load<i32>(ij);
    const i1 = n > 1 ? load<i32>(ij, 4) : -1;
    const i2 = n > 2 ? load<i32>(ij, 8) : -1;
    const i3 = n > 3 ? load<i32>(ij, 12) : -1;
    const p0 = Y + <usize>i0 * fBytes;
    const p1 = i1 >= 0 ? Y + <usize>i1 * fBytes : zeroRow;
    const p2 = i2 >= 0 ? Y + <usize>i2 * fBytes : zeroRow;
    const p3 = i3 >= 0 ? Y + <usize>i3 * fBytes : zeroRow;
    const t = w + (<usize>(j - lo) << 3);
    const q = packPairs(block, x, p0, p1, p2, p3, full, t);
    if (tail) {
      // One more pair per vector: (y_{f−1}, bias lane) for odd f, else (bias lane, 0).
      const o = <usize>full << 4;
      const one: f64 = withBias ? 1 : 0;
      const b1: f64 = n > 1 ? one : 0, b2: f64 = n > 2 ? one : 0, b3: f64 = n > 3 ? one : 0;
      let a0 = one, a1 = b1, a2 = b2, a3 = b3;
      let c0: f64 = 0, c1: f64 = 0, c2: f64 = 0, c3: f64 = 0;
      if (f & 1) {
        a0 = load<f64>(p0 + o); a1 = load<f64>(p1 + o); a2 = load<f64>(p2 + o); a3 = load<f64>(p3 + o);
        c0 = one; c1 = b1; c2 = b2; c3 = b3;
      }
      store<f64>(q, a0); store<f64>(q, c0, 8);
      store<f64>(q, a1, 16); store<f64>(q, c1, 24);
      store<f64>(q, a2, 32); store<f64>(q, c2, 40);
      store<f64>(q, a3, 48); store<f64>(q, c3, 56);
      store<f64>(t, load<f64>(t) + a0 * xa + c0 * xb);
      store<f64>(t, load<f64>(t, 8) + a1 * xa + c1 * xb, 8);
      store<f64>(t, load<f64>(t, 16) + a2 * xa + c2 * xb, 16);
      store<f64>(t, load<f64>(t, 24) + a3 * xa + c3 * xb, 24);
    }
    const s0 = target(ratings, j, i0, mu, biasOther) - load<f64>(t);
    const s1 = i1 >= 0 ? target(ratings, j + 1, i1, mu, biasOther) - load<f64>(t, 8) : 0;
    const s2 = i2 >= 0 ? target(ratings, j + 2, i2, mu, biasOther) - load<f64>(t, 16) : 0;
    const s3 = i3 >= 0 ? target(ratings, j + 3, i3, mu, biasOther) - load<f64>(t, 24) : 0;
    store<f64>(t, 1);
    store<f64>(t, i1 >= 0 ? 1 : 0, 8);
    store<f64>(t, i2 >= 0 ? 1 : 0, 16);
    store<f64>(t, i3 >= 0 ? 1 : 0, 24);
    addBlock(r, block, s0, s1, s2, s3, k);
    block += blockBytes;
  }
}

/** The regression target of entry j (item i): r_j − μ − b_i (b_i only when biasOther ≠ 0). */
// @ts-ignore: decorator
@inline function target(ratings: usize, j: i32, i: i32, mu: f64, biasOther: usize): f64 {
  const t = <f64>load<f32>(ratings + (<usize>j << 2)) - mu;
  return biasOther != 0 ? t - load<f64>(biasOther + (<usize>i << 3)) : t;
}

/**
 * `steps` conjugate-gradient steps per row for rows [r0, r1) of the explicit system that
 * solveExplicitRows solves exactly, x̃_u = (Σ_{i∈Ω_u} ỹ_i ỹ_iᵀ + λ·w_u·I)⁻¹ Σ (r_ui − μ − b_i) ỹ_i
 * with w_u = |Ω_u| if weighted else 1, starting from X[u] (and biasOut[u] with biases) and
 * writing the result back there. An empty row gets zeros (and bias 0), as in the exact solver.
 * Returns -1, or the first row where pᵀAp ≤ 0. Scratch: scratchBytesCG(k, longest row),
 * k = f + 1 with biases (biasOut ≠ 0), else f.
 */
export function solveExplicitRowsCG(
  X: usize, Y: usize, indptr: usize, indices: usize, ratings: usize,
  f: i32, lambda: f64, weighted: i32, mu: f64, biasOther: usize, biasOut: usize,
  steps: i32, r0: i32, r1: i32, scratch: usize,
): i32 {
  const withBias = biasOut != 0;
  const k = withBias ? f + 1 : f;
  const lanes = (k + 1) & ~1;
  const fBytes = <usize>f << 3;
  const vb = pairBytes(k);
  const xv = (scratch + 15) & ~(<usize>15);
  const r = xv + vb;
  const p = r + vb;
  const Ap = p + vb;
  const zeroRow = Ap + vb;
  const t = zeroRow + vb;
  const w = t + 32;
  // The padding lane (odd k) of x̃ and p meets the panel's zero padding: keep it 0.
  zero(xv, lanes);
  zero(p, lanes);
  zero(zeroRow, lanes);
  for (let u = r0; u < r1; u++) {
    const lo = load<i32>(indptr + (<usize>u << 2));
    const hi = load<i32>(indptr + (<usize>(u + 1) << 2));
    const x = X + <usize>u * fBytes;
    if (hi <= lo) {
      zero(x, f);
      if (withBias) store<f64>(biasOut + (<usize>u << 3), 0);
      continue;
    }
    const blocks = (hi - lo + 3) >> 2;
    const panel = w + (<usize>blocks << 5);
    copy(xv, x, f);
    if (withBias) store<f64>(xv + fBytes, load<f64>(biasOut + (<usize>u << 3)));
    const reg = lambda * (weighted != 0 ? <f64>(hi - lo) : 1.0);
    // r = b − A·x̃ = −λ_u·x̃ + Σ_j (t_j − ỹ_jᵀx̃)·ỹ_j, packing the panel as it goes.
    copy(r, xv, k);
    scale(r, -reg, k);
    gatherExplicit(r, xv, Y, indices, ratings, lo, hi, f, withBias, mu, biasOther, panel, w, zeroRow);
    if (!cgSteps(xv, r, p, Ap, t, 0, reg, panel, w, blocks, k, steps, 0, 0, 0, 0, 0, 0)) return u;
    copy(x, xv, f);
    if (withBias) store<f64>(biasOut + (<usize>u << 3), load<f64>(xv + fBytes));
  }
  return -1;
}
