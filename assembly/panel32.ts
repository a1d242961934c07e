// The products over the f32 panel of pack32.ts (the mixed-precision CG steps), two ways
// (measured: bench/experiments/cg-f32.mjs; BENCHMARKS.md, "f32 panels for CG"):
//   MIXED_F64_ACC  each f32 quad widened to two f64 pairs, multiply-adds in f64;
//   MIXED_F32_ACC  p rounded to f32 once per product, multiply-adds in f32 within a block,
//                  the block's dots and every FLUSH blocks' share of A·p added in f64 (shipped).
// In SIMD builds the f32 product takes each block's dots in the loop that adds the previous
// block's share: the dots are four long dependent chains (V8 spills more accumulators), the
// share sixteen short independent ones, and interleaved they overlap (1.2× the whole kernel,
// bench/experiments/cg-gather32.mjs; the same bits as one loop after the other).
import { MIXED_F32_ACC } from './job-layout';
import { madd32, promoteHigh, quadBytes } from './pack32';
import { madd } from './vec';

/** t[k] = the f64 sum of the four f32 lanes of a_k, for k < 4 (exact, so in any order, unless the lanes differ by more than 2²⁹). */
// @ts-ignore: decorator
@inline export function storeQuadSums(t: usize, a0: v128, a1: v128, a2: v128, a3: v128): void {
  // Widen each to two f64 pairs and add them, then add the pairs' lanes across k (SIMD throughout).
  const h0 = f64x2.add(f64x2.promote_low_f32x4(a0), promoteHigh(a0));
  const h1 = f64x2.add(f64x2.promote_low_f32x4(a1), promoteHigh(a1));
  const h2 = f64x2.add(f64x2.promote_low_f32x4(a2), promoteHigh(a2));
  const h3 = f64x2.add(f64x2.promote_low_f32x4(a3), promoteHigh(a3));
  v128.store(t, f64x2.add(v128.shuffle<f64>(h0, h1, 0, 2), v128.shuffle<f64>(h0, h1, 1, 3)));
  v128.store(t, f64x2.add(v128.shuffle<f64>(h2, h3, 0, 2), v128.shuffle<f64>(h2, h3, 1, 3)), 16);
}

/** The four f64 dots of the f64 vector v (padded to whole quads with 0) with one f32 block, at t[0..3]. */
// @ts-ignore: decorator
@inline export function blockDotsF64(t: usize, v: usize, block: usize, quads: i32): void {
  let q = block;
  const end = v + (<usize>quads << 5);
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (let o = v; o < end; o += 32) {
      const vl = v128.load(o), vh = v128.load(o, 16);
      const y0 = v128.load(q), y1 = v128.load(q, 16), y2 = v128.load(q, 32), y3 = v128.load(q, 48);
      a0 = madd(promoteHigh(y0), vh, madd(f64x2.promote_low_f32x4(y0), vl, a0));
      a1 = madd(promoteHigh(y1), vh, madd(f64x2.promote_low_f32x4(y1), vl, a1));
      a2 = madd(promoteHigh(y2), vh, madd(f64x2.promote_low_f32x4(y2), vl, a2));
      a3 = madd(promoteHigh(y3), vh, madd(f64x2.promote_low_f32x4(y3), vl, a3));
      q += 64;
    }
    store<f64>(t, f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1));
    store<f64>(t, f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1), 8);
    store<f64>(t, f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1), 16);
    store<f64>(t, f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1), 24);
  } else {
    let d0: f64 = 0, d1: f64 = 0, d2: f64 = 0, d3: f64 = 0;
    for (let o = v; o < end; o += 8) {
      const va = load<f64>(o);
      d0 += <f64>load<f32>(q) * va;
      d1 += <f64>load<f32>(q, 16) * va;
      d2 += <f64>load<f32>(q, 32) * va;
      d3 += <f64>load<f32>(q, 48) * va;
      q += ((o - v + 8) & 31) == 0 ? 52 : 4;
    }
    store<f64>(t, d0);
    store<f64>(t, d1, 8);
    store<f64>(t, d2, 16);
    store<f64>(t, d3, 24);
  }
}

/** out (f64, whole quads) += s0·y0 + … + s3·y3 for the f32 vectors of one block, in f64. */
// @ts-ignore: decorator
@inline export function addBlockF64(out: usize, block: usize, s0: f64, s1: f64, s2: f64, s3: f64, quads: i32): void {
  let q = block;
  const end = out + (<usize>quads << 5);
  if (ASC_FEATURE_SIMD) {
    const w0 = f64x2.splat(s0), w1 = f64x2.splat(s1), w2 = f64x2.splat(s2), w3 = f64x2.splat(s3);
    for (let o = out; o < end; o += 32) {
      const y0 = v128.load(q), y1 = v128.load(q, 16), y2 = v128.load(q, 32), y3 = v128.load(q, 48);
      let lo = v128.load(o), hi = v128.load(o, 16);
      lo = madd(w0, f64x2.promote_low_f32x4(y0), lo);
      hi = madd(w0, promoteHigh(y0), hi);
      lo = madd(w1, f64x2.promote_low_f32x4(y1), lo);
      hi = madd(w1, promoteHigh(y1), hi);
      lo = madd(w2, f64x2.promote_low_f32x4(y2), lo);
      hi = madd(w2, promoteHigh(y2), hi);
      lo = madd(w3, f64x2.promote_low_f32x4(y3), lo);
      hi = madd(w3, promoteHigh(y3), hi);
      v128.store(o, lo);
      v128.store(o, hi, 16);
      q += 64;
    }
  } else {
    for (let o = out; o < end; o += 8) {
      store<f64>(o, load<f64>(o) + s0 * <f64>load<f32>(q) + s1 * <f64>load<f32>(q, 16) + s2 * <f64>load<f32>(q, 32) + s3 * <f64>load<f32>(q, 48));
      q += ((o - out + 8) & 31) == 0 ? 52 : 4;
    }
  }
}

/** The four dots of the f32 vector v32 (whole quads) with one block, in f32 per lane, summed in f64, at t[0..3]. */
// @ts-ignore: decorator
@inline export function blockDotsF32(t: usize, v32: usize, block: usize, quads: i32): void {
  let q = block;
  const end = v32 + (<usize>quads << 4);
  if (ASC_FEATURE_SIMD) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let o = v32;
    for (; o < end; o += 16) {
      const vv = v128.load(o);
      a0 = madd32(v128.load(q), vv, a0);
      a1 = madd32(v128.load(q, 16), vv, a1);
      a2 = madd32(v128.load(q, 32), vv, a2);
      a3 = madd32(v128.load(q, 48), vv, a3);
      q += 64;
    }
    storeQuadSums(t, a0, a1, a2, a3);
  } else {
    let d0: f32 = 0, d1: f32 = 0, d2: f32 = 0, d3: f32 = 0;
    for (let o = v32; o < end; o += 4) {
      const va = load<f32>(o);
      d0 += load<f32>(q) * va;
      d1 += load<f32>(q, 16) * va;
      d2 += load<f32>(q, 32) * va;
      d3 += load<f32>(q, 48) * va;
      q += ((o - v32 + 4) & 15) == 0 ? 52 : 4;
    }
    store<f64>(t, <f64>d0);
    store<f64>(t, <f64>d1, 8);
    store<f64>(t, <f64>d2, 16);
    store<f64>(t, <f64>d3, 24);
  }
}

/** acc (f32, whole quads) += s0·y0 + … + s3·y3 for the vectors of one block, in f32. */
// @ts-ignore: decorator
@inline export function addBlockF32(acc: usize, block: usize, s0: f64, s1: f64, s2: f64, s3: f64, quads: i32): void {
  let q = block;
  const end = acc + (<usize>quads << 4);
  if (ASC_FEATURE_SIMD) {
    const w0 = f32x4.splat(<f32>s0), w1 = f32x4.splat(<f32>s1), w2 = f32x4.splat(<f32>s2), w3 = f32x4.splat(<f32>s3);
    let o = acc;
    for (; o < end; o += 16) {
      let a = v128.load(o);
      a = madd32(w0, v128.load(q), a);
      a = madd32(w1, v128.load(q, 16), a);
      a = madd32(w2, v128.load(q, 32), a);
      a = madd32(w3, v128.load(q, 48), a);
      v128.store(o, a);
      q += 64;
    }
  } else {
    const w0 = <f32>s0, w1 = <f32>s1, w2 = <f32>s2, w3 = <f32>s3;
    for (let o = acc; o < end; o += 4) {
      store<f32>(o, load<f32>(o) + w0 * load<f32>(q) + w1 * load<f32>(q, 16) + w2 * load<f32>(q, 32) + w3 * load<f32>(q, 48));
      q += ((o - acc + 4) & 15) == 0 ? 52 : 4;
    }
  }
}

/**
 * {@link addBlockF32} of one block and, in the same loop, {@link blockDotsF32} of the next block
 * (at t): the dots' four dependent multiply-add chains overlap the sum's independent ones
 * instead of waiting for them (V8 keeps only four accumulators in registers without spilling).
 */
// @ts-ignore: decorator
@inline function addBlockDotsNext(acc: usize, block: usize, s0: f64, s1: f64, s2: f64, s3: f64, t: usize, v32: usize, next: usize, quads: i32): void {
  if (ASC_FEATURE_SIMD) {
    const w0 = f32x4.splat(<f32>s0), w1 = f32x4.splat(<f32>s1), w2 = f32x4.splat(<f32>s2), w3 = f32x4.splat(<f32>s3);
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let q = block;
    let n = next;
    const end = <usize>quads << 4;
    for (let o: usize = 0; o < end; o += 16) {
      let c = v128.load(acc + o);
      c = madd32(w0, v128.load(q), c);
      c = madd32(w1, v128.load(q, 16), c);
      c = madd32(w2, v128.load(q, 32), c);
      c = madd32(w3, v128.load(q, 48), c);
      v128.store(acc + o, c);
      const vv = v128.load(v32 + o);
      a0 = madd32(v128.load(n), vv, a0);
      a1 = madd32(v128.load(n, 16), vv, a1);
      a2 = madd32(v128.load(n, 32), vv, a2);
      a3 = madd32(v128.load(n, 48), vv, a3);
      q += 64;
      n += 64;
    }
    storeQuadSums(t, a0, a1, a2, a3);
  }
}

/** out (f64, whole quads) += acc (f32), then acc = 0: one f64 partial sum of up to FLUSH blocks. */
export function flushF32(out: usize, acc: usize, quads: i32): void {
  for (let a = 0; a < quads; a++) {
    const s = acc + (<usize>a << 4);
    const o = out + (<usize>a << 5);
    if (ASC_FEATURE_SIMD) {
      const v = v128.load(s);
      v128.store(o, f64x2.add(v128.load(o), f64x2.promote_low_f32x4(v)));
      v128.store(o, f64x2.add(v128.load(o, 16), promoteHigh(v)), 16);
      v128.store(s, f32x4.splat(0));
    } else {
      for (let l = 0; l < 4; l++) {
        store<f64>(o + (<usize>l << 3), load<f64>(o + (<usize>l << 3)) + <f64>load<f32>(s + (<usize>l << 2)));
        store<f32>(s + (<usize>l << 2), 0);
      }
    }
  }
}

/** Blocks (of four entries) summed in f32 before each f64 partial sum of MIXED_F32_ACC. */
export const FLUSH: i32 = 8;

/**
 * out += Σ_j w_j·(y_jᵀv)·y_j over the `blocks` f32 blocks of the panel (mode MIXED_F64_ACC or
 * MIXED_F32_ACC); v and out are f64 with whole quads of lanes (padding 0); v32: v rounded by
 * {@link toF32}, followed by quadBytes(f) of f32 accumulator (MIXED_F32_ACC); t: four f64.
 * With dk ≠ 0 the dots y_jᵀv are kept there.
 */
export function panelProduct32(out: usize, v: usize, v32: usize, panel: usize, w: usize, blocks: i32, f: i32, t: usize, dk: usize, mode: i32): void {
  const quads = (f + 3) >> 2;
  const blockBytes = quadBytes(f) << 2;
  let block = panel;
  let wo = w;
  if (mode == MIXED_F32_ACC) {
    const acc = v32 + quadBytes(f);
    for (let l = 0; l < quads << 2; l++) store<f32>(acc + (<usize>l << 2), 0);
    // SIMD: each block's dots are taken in the loop that adds the previous block's share.
    if (ASC_FEATURE_SIMD) blockDotsF32(dk != 0 ? dk : t, v32, block, quads);
    for (let b = 0; b < blocks; b++) {
      const d = dk != 0 ? dk + (<usize>b << 5) : t;
      if (!ASC_FEATURE_SIMD) blockDotsF32(d, v32, block, quads);
      const s0 = load<f64>(wo) * load<f64>(d), s1 = load<f64>(wo, 8) * load<f64>(d, 8);
      const s2 = load<f64>(wo, 16) * load<f64>(d, 16), s3 = load<f64>(wo, 24) * load<f64>(d, 24);
      if (b % FLUSH == 0 && b > 0) flushF32(out, acc, quads);
      if (ASC_FEATURE_SIMD && b + 1 < blocks) addBlockDotsNext(acc, block, s0, s1, s2, s3, dk != 0 ? d + 32 : t, v32, block + blockBytes, quads);
      else addBlockF32(acc, block, s0, s1, s2, s3, quads);
      block += blockBytes;
      wo += 32;
    }
    flushF32(out, acc, quads);
  } else {
    for (let b = 0; b < blocks; b++) {
      const d = dk != 0 ? dk + (<usize>b << 5) : t;
      blockDotsF64(d, v, block, quads);
      addBlockF64(out, block, load<f64>(wo) * load<f64>(d), load<f64>(wo, 8) * load<f64>(d, 8), load<f64>(wo, 16) * load<f64>(d, 16), load<f64>(wo, 24) * load<f64>(d, 24), quads);
      block += blockBytes;
      wo += 32;
    }
  }
}

/**
 * out = YᵀY·v + λv from the f32 YᵀY of {@link packGram32} and v32 = v in f32 (f32
 * multiply-adds per block row, summed in f64; λv in f64); t: four f64.
 */
export function gramTimes32(out: usize, G32: usize, v32: usize, v: usize, f: i32, lambda: f64, t: usize): void {
  const quads = (f + 3) >> 2;
  const blockBytes = quadBytes(f) << 2;
  let block = G32;
  for (let r = 0; r < f; r += 4) {
    blockDotsF32(t, v32, block, quads);
    const n = min(4, f - r);
    for (let k = 0; k < n; k++) {
      const o = <usize>(r + k) << 3;
      store<f64>(out + o, load<f64>(t + (<usize>k << 3)) + lambda * load<f64>(v + o));
    }
    block += blockBytes;
  }
}
