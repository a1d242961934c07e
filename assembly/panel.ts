// The packed-panel primitives of the conjugate-gradient solvers (solve-cg.ts, implicit;
// solve-cg-explicit.ts, explicit), and the CG steps they share: vectors of f lanes are packed four at a time into
// interleaved blocks, pair q of vector k at block + 64q + 16k, so that one moving pointer with
// constant offsets serves four vectors. The loops keep to four accumulators and pointer bounds:
// V8 neither folds loads into multiply-adds nor keeps more than that in registers without
// spilling (bench/experiments/cg-kernel.mjs; BENCHMARKS.md, "Conjugate-gradient kernel").
import { MIXED_F64_ACC, MIXED_F32_ACC } from './job-layout';
import { toF32 } from './pack32';
import { gramTimes32, panelProduct32 } from './panel32';
import { axpy, copy, dot, madd, scale } from './vec';

/** Bytes of one packed vector: f rounded up to a whole f64 pair. */
// @ts-ignore: decorator
@inline export function pairBytes(f: i32): usize {
  return <usize>((f + 1) >> 1) << 4;
}

/** t[k] = the sum of the two lanes of a_k, for k < 4 (four dots' partial sums). */
// @ts-ignore: decorator
@inline export function storeLaneSums(t: usize, a0: v128, a1: v128, a2: v128, a3: v128): void {
  store<f64>(t, f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1));
  store<f64>(t, f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1), 8);
  store<f64>(t, f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1), 16);
  store<f64>(t, f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1), 24);
}

/**
 * The four dots of v with the packed vectors of one block, stored at t[0..3]. v has a whole
 * number of pairs (for odd f its padding lane is 0, as is the block's).
 */
// @ts-ignore: decorator
@inline export function blockDots(t: usize, v: usize, block: usize, pairs: i32): void {
  let q = block;
  const end = v + (<usize>pairs << 4);
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (let o = v; o < end; o += 16) {
      const vv = v128.load(o);
      a0 = madd(v128.load(q), vv, a0);
      a1 = madd(v128.load(q, 16), vv, a1);
      a2 = madd(v128.load(q, 32), vv, a2);
      a3 = madd(v128.load(q, 48), vv, a3);
      q += 64;
    }
    storeLaneSums(t, a0, a1, a2, a3);
  } else {
    let d0: f64 = 0, d1: f64 = 0, d2: f64 = 0, d3: f64 = 0;
    for (let o = v; o < end; o += 16) {
      const x0 = load<f64>(o), x1 = load<f64>(o, 8);
      d0 += load<f64>(q) * x0 + load<f64>(q, 8) * x1;
      d1 += load<f64>(q, 16) * x0 + load<f64>(q, 24) * x1;
      d2 += load<f64>(q, 32) * x0 + load<f64>(q, 40) * x1;
      d3 += load<f64>(q, 48) * x0 + load<f64>(q, 56) * x1;
      q += 64;
    }
    store<f64>(t, d0);
    store<f64>(t, d1, 8);
    store<f64>(t, d2, 16);
    store<f64>(t, d3, 24);
  }
}

/** out += s0·y0 + s1·y1 + s2·y2 + s3·y3 for the four packed vectors of one block (f lanes of out). */
// @ts-ignore: decorator
@inline export function addBlock(out: usize, block: usize, s0: f64, s1: f64, s2: f64, s3: f64, f: i32): void {
  let q = block;
  const end = out + (<usize>(f >> 1) << 4);
  let o = out;
  if (ASC_FEATURE_SIMD) {
    const w0 = f64x2.splat(s0), w1 = f64x2.splat(s1), w2 = f64x2.splat(s2), w3 = f64x2.splat(s3);
    for (; o < end; o += 16) {
      let acc = v128.load(o);
      acc = madd(w0, v128.load(q), acc);
      acc = madd(w1, v128.load(q, 16), acc);
      acc = madd(w2, v128.load(q, 32), acc);
      acc = madd(w3, v128.load(q, 48), acc);
      v128.store(o, acc);
      q += 64;
    }
  } else {
    for (; o < end; o += 16) {
      store<f64>(o, load<f64>(o) + s0 * load<f64>(q) + s1 * load<f64>(q, 16) + s2 * load<f64>(q, 32) + s3 * load<f64>(q, 48));
      store<f64>(o, load<f64>(o, 8) + s0 * load<f64>(q, 8) + s1 * load<f64>(q, 24) + s2 * load<f64>(q, 40) + s3 * load<f64>(q, 56), 8);
      q += 64;
    }
  }
  if (f & 1) {
    // Odd f: the last lane alone (out has no room for a whole pair).
    store<f64>(o, load<f64>(o) + s0 * load<f64>(q) + s1 * load<f64>(q, 16) + s2 * load<f64>(q, 32) + s3 * load<f64>(q, 48));
  }
}

/**
 * Packs the first `full` pairs of the four vectors p0…p3 into one block (pair a of vector k
 * at block + 64a + 16k) and stores their dots with x over those pairs at t[0..3], from the
 * same loads. Returns the address of the block's next pair (where a caller packs a tail).
 */
// @ts-ignore: decorator
@inline export function packPairs(block: usize, x: usize, p0: usize, p1: usize, p2: usize, p3: usize, full: i32, t: usize): usize {
  let q = block;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (let a = 0; a < full; a++) {
      const o = <usize>a << 4;
      const xv = v128.load(x + o);
      const y0 = v128.load(p0 + o), y1 = v128.load(p1 + o), y2 = v128.load(p2 + o), y3 = v128.load(p3 + o);
      v128.store(q, y0);
      v128.store(q, y1, 16);
      v128.store(q, y2, 32);
      v128.store(q, y3, 48);
      a0 = madd(y0, xv, a0);
      a1 = madd(y1, xv, a1);
      a2 = madd(y2, xv, a2);
      a3 = madd(y3, xv, a3);
      q += 64;
    }
    storeLaneSums(t, a0, a1, a2, a3);
  } else {
    let d0: f64 = 0, d1: f64 = 0, d2: f64 = 0, d3: f64 = 0;
    for (let a = 0; a < full; a++) {
      const o = <usize>a << 4;
      const x0 = load<f64>(x + o), x1 = load<f64>(x + o, 8);
      const y00 = load<f64>(p0 + o), y01 = load<f64>(p0 + o, 8);
      const y10 = load<f64>(p1 + o), y11 = load<f64>(p1 + o, 8);
      const y20 = load<f64>(p2 + o), y21 = load<f64>(p2 + o, 8);
      const y30 = load<f64>(p3 + o), y31 = load<f64>(p3 + o, 8);
      store<f64>(q, y00); store<f64>(q, y01, 8);
      store<f64>(q, y10, 16); store<f64>(q, y11, 24);
      store<f64>(q, y20, 32); store<f64>(q, y21, 40);
      store<f64>(q, y30, 48); store<f64>(q, y31, 56);
      d0 += y00 * x0 + y01 * x1;
      d1 += y10 * x0 + y11 * x1;
      d2 += y20 * x0 + y21 * x1;
      d3 += y30 * x0 + y31 * x1;
      q += 64;
    }
    store<f64>(t, d0);
    store<f64>(t, d1, 8);
    store<f64>(t, d2, 16);
    store<f64>(t, d3, 24);
  }
  return q;
}

/**
 * out += Σ_j w_j·(y_jᵀv)·y_j over the `blocks` blocks of the panel; v is packed; t: four f64.
 * With dk ≠ 0 the dots y_jᵀv are kept there (one f64 per entry), for the loss.
 */
export function panelProduct(out: usize, v: usize, panel: usize, w: usize, blocks: i32, f: i32, t: usize, dk: usize): void {
  const pairs = (f + 1) >> 1;
  const blockBytes = pairBytes(f) << 2;
  let block = panel;
  let wo = w;
  for (let b = 0; b < blocks; b++) {
    const d = dk != 0 ? dk + (<usize>b << 5) : t;
    blockDots(d, v, block, pairs);
    addBlock(out, block, load<f64>(wo) * load<f64>(d), load<f64>(wo, 8) * load<f64>(d, 8), load<f64>(wo, 16) * load<f64>(d, 16), load<f64>(wo, 24) * load<f64>(d, 24), f);
    block += blockBytes;
    wo += 32;
  }
}

/** Packs the f×f row-major YᵀY into ⌈f/4⌉ interleaved blocks of four rows (padding rows and lanes 0). */
export function packGram(G4: usize, YtY: usize, f: i32): void {
  const fBytes = <usize>f << 3;
  const vb = pairBytes(f);
  const pairs = (f + 1) >> 1;
  for (let r = 0; r < ((f + 3) & ~3); r++) {
    const block = G4 + <usize>(r >> 2) * (vb << 2) + (<usize>(r & 3) << 4);
    const row = YtY + <usize>r * fBytes;
    for (let q = 0; q < pairs; q++) {
      const d = block + (<usize>q << 6);
      const a = q << 1;
      store<f64>(d, r < f ? load<f64>(row + (<usize>a << 3)) : 0);
      store<f64>(d, r < f && a + 1 < f ? load<f64>(row + (<usize>(a + 1) << 3)) : 0, 8);
    }
  }
}

/** out = YᵀY·v + λv from the packed YᵀY; t holds four f64 of scratch. */
export function gramTimes(out: usize, G4: usize, v: usize, f: i32, lambda: f64, t: usize): void {
  const pairs = (f + 1) >> 1;
  const blockBytes = pairBytes(f) << 2;
  let block = G4;
  for (let r = 0; r < f; r += 4) {
    blockDots(t, v, block, pairs);
    const n = min(4, f - r);
    for (let k = 0; k < n; k++) {
      const o = <usize>(r + k) << 3;
      store<f64>(out + o, load<f64>(t + (<usize>k << 3)) + lambda * load<f64>(v + o));
    }
    block += blockBytes;
  }
}

/**
 * Up to `steps` conjugate-gradient steps on A·x = b, with r = b − A·x on entry (r and x are
 * updated; p and Ap are scratch; t: four f64): A·v = λv + Σ_j w_j·(y_jᵀv)·y_j over the row's
 * `blocks` panel blocks, plus YᵀY·v from the packed G4 when G4 ≠ 0 (implicit feedback).
 * x, r, p, Ap have k lanes (p and Ap packed: a whole number of pairs, the padding lane 0).
 * With dk ≠ 0 each product's dots y_jᵀp are kept there, and sv (y_jᵀx of the `entries`
 * entries) follows x. With mode MIXED_F64_ACC or MIXED_F32_ACC the panel is the f32 one of
 * pack32.ts (p and Ap then have whole quads of lanes; v32: quadBytes(k) of scratch); with
 * MIXED_F32_ACC and G32 ≠ 0, YᵀY·p comes from that f32 copy of YᵀY (packGram32) instead of G4.
 * Returns false when pᵀAp ≤ 0 (A is not positive definite).
 */
export function cgSteps(
  x: usize, r: usize, p: usize, Ap: usize, t: usize, G4: usize, lambda: f64, panel: usize,
  w: usize, blocks: i32, k: i32, steps: i32, dk: usize, sv: usize, entries: i32, mode: i32, v32: usize, G32: usize,
): bool {
  copy(p, r, k);
  let rsold = dot(r, r, k);
  for (let it = 0; it < steps; it++) {
    if (rsold < 1e-20) break; // converged: further steps would divide by ~0
    if (mode == MIXED_F32_ACC) toF32(v32, p, (k + 3) >> 2);
    if (G32 != 0 && mode == MIXED_F32_ACC) {
      gramTimes32(Ap, G32, v32, p, k, lambda, t);
    } else if (G4 != 0) {
      gramTimes(Ap, G4, p, k, lambda, t);
    } else {
      copy(Ap, p, k);
      scale(Ap, lambda, k);
    }
    if (mode == MIXED_F64_ACC || mode == MIXED_F32_ACC) panelProduct32(Ap, p, v32, panel, w, blocks, k, t, dk, mode);
    else panelProduct(Ap, p, panel, w, blocks, k, t, dk);
    const pAp = dot(p, Ap, k);
    if (!(pAp > 0)) return false;
    const alpha = rsold / pAp;
    axpy(x, alpha, p, k);
    if (sv != 0) axpy(sv, alpha, dk, entries);
    if (it + 1 == steps) break; // the last step needs no new residual or direction
    axpy(r, -alpha, Ap, k);
    const rsnew = dot(r, r, k);
    scale(p, rsnew / rsold, k);
    axpy(p, 1, r, k);
    rsold = rsnew;
  }
  return true;
}
