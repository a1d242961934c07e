// The implicit half-step by conjugate gradient, warm-started from the current factors and
// never forming the f×f system: A·v = YᵀY·v + λv + Y_uᵀ W_u (Y_u v), W_u = diag(|c_ui| − 1).
//
// Layout, and why: vectors are packed four at a time into interleaved blocks (pair q of
// vector k at block + 64q + 16k), the row's item vectors once per row and YᵀY once per call.
// One moving pointer with constant offsets then serves four vectors, and each product A·p is
// one pass over the row's panel: per block, four dots with p and, while the block is still in
// L1, the weighted sum back into A·p. The first residual b − A·x is formed in the pass that
// gathers the panel. In mixed precision (pack32.ts) that gather reads an f32 copy of the other
// side's factors made once per half-step (toF32Rows), and the panel is f32. The loops keep to
// four accumulators and pointer bounds: V8 neither folds loads into multiply-adds nor keeps more
// than that in registers without spilling; this shape measured 1.4× the throughput of eight
// accumulators, and 1.2–2.8× a row-major panel read in two phases
// (bench/experiments/cg-kernel.mjs; BENCHMARKS.md, "Conjugate-gradient kernel").
// see: Takács, Pilászy & Tikk 2011, "Applications of the conjugate gradient method for implicit
// feedback collaborative filtering"; benfred/implicit `_als.pyx` (least_squares_cg).
import { entryLoss } from './loss';
import { addBlock, cgSteps, gramTimes, packGram, packPairs, pairBytes } from './panel';
import { gatherResidual32, weight } from './gather32';
import { MIXED_F32_ACC, PRECISION_F64 } from './job-layout';
import { packGram32, quadBytes, toF32 } from './pack32';
import { gramTimes32 } from './panel32';
import { copy, scale, zero } from './vec';

/** Bytes of scratch {@link solveImplicitRowsCG} needs for f factors and rows of ≤ maxRowNnz entries. */
export function scratchBytesCG(f: i32, maxRowNnz: i32): usize {
  const vb = pairBytes(f);
  const vq = vectorBytes(f);
  const blocks = <usize>((max(maxRowNnz, 1) + 3) >> 2);
  const gramBlocks = <usize>((f + 3) >> 2);
  // x, r, p, A·p, a zero vector (whole quads), four dots, p and an accumulator in f32; packed YᵀY in f64 and f32;
  // per entry its weight, yᵀx and yᵀp (the last two for the loss); the row's panel (the f64
  // one is the larger).
  return 16 + 5 * vq + 32 + 2 * quadBytes(f) + gramBlocks * 4 * (vb + quadBytes(f)) + 3 * (blocks << 5) + blocks * 4 * vb;
}

/** Bytes of one f64 vector of the steps: f lanes rounded up to a quad (the f32 panel's unit). */
// @ts-ignore: decorator
@inline function vectorBytes(f: i32): usize {
  return <usize>((f + 3) >> 2) << 5;
}

/**
 * Packs the row's vectors y_j = Y[indices[j]], j ∈ [lo, hi), into the panel (a short last
 * block is padded with zero vectors of weight 0) and their weights |c_j| − 1 into w, and
 * adds Σ_j (c⁺_j − w_j·y_jᵀx)·y_j to r: the data part of b − A·x. x is packed (f even, or a
 * zero padding lane).
 */
function gatherResidual(
  r: usize, x: usize, Y: usize, indices: usize, conf: usize, lo: i32, hi: i32, f: i32,
  panel: usize, w: usize, zeroRow: usize, sv: usize,
): void {
  const fBytes = <usize>f << 3;
  const blockBytes = pairBytes(f) << 2;
  const full = f >> 1;
  let block = panel;
  for (let j = lo; j < hi; j += 4) {
    const n = min(4, hi - j);
    const ij = indices + (<usize>j << 2);
    const p0 = Y + <usize>load<i32>(ij) * fBytes;
    const p1 = n > 1 ? Y + <usize>load<i32>(ij, 4) * fBytes : zeroRow;
    const p2 = n > 2 ? Y + <usize>load<i32>(ij, 8) * fBytes : zeroRow;
    const p3 = n > 3 ? Y + <usize>load<i32>(ij, 12) * fBytes : zeroRow;
    // Pack the four vectors and take their dots with x from the same loads.
    const t = w + (<usize>(j - lo) << 3);
    let q = packPairs(block, x, p0, p1, p2, p3, full, t);
    if (f & 1) {
      // The last factor fills half a pair; the other lane is packed as 0.
      const o = <usize>full << 4;
      const xl = load<f64>(x + o);
      const y0 = load<f64>(p0 + o), y1 = load<f64>(p1 + o), y2 = load<f64>(p2 + o), y3 = load<f64>(p3 + o);
      store<f64>(q, y0); store<f64>(q, 0, 8);
      store<f64>(q, y1, 16); store<f64>(q, 0, 24);
      store<f64>(q, y2, 32); store<f64>(q, 0, 40);
      store<f64>(q, y3, 48); store<f64>(q, 0, 56);
      store<f64>(t, load<f64>(t) + y0 * xl);
      store<f64>(t, load<f64>(t, 8) + y1 * xl, 8);
      store<f64>(t, load<f64>(t, 16) + y2 * xl, 16);
      store<f64>(t, load<f64>(t, 24) + y3 * xl, 24);
    }
    const cj = conf + (<usize>j << 2);
    const c0 = <f64>load<f32>(cj);
    const c1: f64 = n > 1 ? <f64>load<f32>(cj, 4) : 1;
    const c2: f64 = n > 2 ? <f64>load<f32>(cj, 8) : 1;
    const c3: f64 = n > 3 ? <f64>load<f32>(cj, 12) : 1;
    const w0 = weight(c0), w1 = weight(c1), w2 = weight(c2), w3 = weight(c3);
    // For the loss: s_j = y_jᵀx, kept up to date by the steps (sv ≠ 0 on the item side).
    if (sv != 0) copy(sv + (<usize>(j - lo) << 3), t, 4);
    // Padding vectors are zero with c = 1: they add 0 here and have weight 0 in the steps.
    const s0 = (c0 > 0 ? c0 : 0) - w0 * load<f64>(t);
    const s1 = (n > 1 && c1 > 0 ? c1 : 0) - w1 * load<f64>(t, 8);
    const s2 = (n > 2 && c2 > 0 ? c2 : 0) - w2 * load<f64>(t, 16);
    const s3 = (n > 3 && c3 > 0 ? c3 : 0) - w3 * load<f64>(t, 24);
    store<f64>(t, w0);
    store<f64>(t, w1, 8);
    store<f64>(t, w2, 16);
    store<f64>(t, w3, 24);
    addBlock(r, block, s0, s1, s2, s3, f);
    block += blockBytes;
  }
}

/**
 * The observed entries' part of the implicit loss at the row's final x:
 * Σ_j (|c_j|(p_j − s_j)² − s_j²), p_j = [c_j > 0], from s_j = y_jᵀx kept per entry in sv (the
 * residual pass's y_jᵀx₀ plus α_k·y_jᵀp_k from each step's product: no pass over the panel).
 */
function rowLoss(sv: usize, conf: usize, lo: i32, hi: i32): f64 {
  let total: f64 = 0;
  for (let j = lo; j < hi; j++) {
    total += entryLoss(<f64>load<f32>(conf + (<usize>j << 2)), load<f64>(sv + (<usize>(j - lo) << 3)));
  }
  return total;
}

/**
 * `steps` conjugate-gradient steps per row for rows [r0, r1), starting from X[u] (the
 * previous sweep's factors) and writing the result back there. An empty row gets 0 (its
 * exact solution). Returns -1, or the first row where pᵀAp ≤ 0 (A not positive definite).
 * With lossOut ≠ 0, also stores there (f64) the observed entries' part of the implicit loss at
 * the new factors, Σ_rows Σ_j (|c|(p − s)² − s²), from the panels already in cache; adding
 * Σ_rows xᵀ·YᵀY·x gives implicitLossRows over the same rows.
 * `precision`: 0 the f64 panel gathered from Y (Y32 unused); MIXED_F64_ACC (1) or
 * MIXED_F32_ACC (2) the f32 panel of pack32.ts gathered from Y32, the f32 copy of Y
 * (pack32.ts, toF32Rows): the residual and the steps see each y_j rounded to f32, so the fixed
 * point is the solution of the system with those vectors (and the f64 YᵀY), within f32
 * rounding of the f64 one. Mode 1 takes every multiply-add in f64; mode 2 takes the residual's
 * and the steps' products (YᵀY·v too, from an f32 copy of YᵀY) in f32 within each block of
 * four entries, with f64 partial sums. x, r, p and A·p stay f64 in every mode.
 * Scratch: {@link scratchBytesCG}(f, longest row).
 */
export function solveImplicitRowsCG(
  X: usize, Y: usize, YtY: usize, indptr: usize, indices: usize, conf: usize,
  f: i32, lambda: f64, steps: i32, r0: i32, r1: i32, scratch: usize, lossOut: usize, precision: i32, Y32: usize,
): i32 {
  const fBytes = <usize>f << 3;
  const vb = pairBytes(f);
  const vq = vectorBytes(f);
  const xv = (scratch + 15) & ~(<usize>15);
  const r = xv + vq;
  const p = r + vq;
  const Ap = p + vq;
  const zeroRow = Ap + vq;
  const t = zeroRow + vq;
  const v32 = t + 32;
  const G4 = v32 + 2 * quadBytes(f);
  const G32 = G4 + <usize>((f + 3) >> 2) * (vb << 2);
  const w = G32 + <usize>((f + 3) >> 2) * (quadBytes(f) << 2);
  const mixed = precision != PRECISION_F64;
  // Padding lanes (f not a multiple of 4) of the vectors meet the panels' zero padding: keep them 0.
  const lanes = (f + 3) & ~3;
  zero(xv, lanes);
  zero(p, lanes);
  zero(Ap, lanes);
  zero(zeroRow, lanes);
  zero(r, lanes);
  // Mode 2 takes every YᵀY·v from its f32 copy; the others from the f64 one.
  if (precision == MIXED_F32_ACC) packGram32(G32, YtY, f);
  else packGram(G4, YtY, f);
  let loss: f64 = 0;
  for (let u = r0; u < r1; u++) {
    const lo = load<i32>(indptr + (<usize>u << 2));
    const hi = load<i32>(indptr + (<usize>(u + 1) << 2));
    const x = X + <usize>u * fBytes;
    if (hi <= lo) {
      zero(x, f);
      continue;
    }
    const blocks = (hi - lo + 3) >> 2;
    const sv = lossOut != 0 ? w + (<usize>blocks << 5) : 0;
    const dk = lossOut != 0 ? w + (<usize>blocks << 6) : 0;
    const panel = w + 3 * (<usize>blocks << 5);
    copy(xv, x, f);
    // r = b − A·x = −(YᵀY + λI)x + Σ_j (c⁺_j − w_j·y_jᵀx)·y_j, packing the panel as it goes.
    if (mixed) {
      // x in f32 for the f32 products, in v32 (which the steps reuse for p).
      toF32(v32, xv, (f + 3) >> 2);
      if (precision == MIXED_F32_ACC) gramTimes32(r, G32, v32, xv, f, lambda, t);
      else gramTimes(r, G4, xv, f, lambda, t);
      scale(r, -1, f);
      gatherResidual32(r, xv, v32, Y32, indices, conf, lo, hi, f, panel, w, zeroRow, sv, v32 + quadBytes(f), precision == MIXED_F32_ACC);
    } else {
      gramTimes(r, G4, xv, f, lambda, t);
      scale(r, -1, f);
      gatherResidual(r, xv, Y, indices, conf, lo, hi, f, panel, w, zeroRow, sv);
    }
    // y_jᵀx follows x through the steps (dk, sv ≠ 0 on the item side, for the loss).
    if (!cgSteps(x, r, p, Ap, t, G4, lambda, panel, w, blocks, f, steps, dk, sv, hi - lo, precision, v32, precision == MIXED_F32_ACC ? G32 : 0)) return u;
    if (lossOut != 0) loss += rowLoss(sv, conf, lo, hi);
  }
  if (lossOut != 0) store<f64>(lossOut, loss);
  return -1;
}
