// The f32 panel of the mixed-precision conjugate-gradient steps (solve-cg.ts, precision ≠ 0):
// its layout, packing and the lane helpers; the products over it are in panel32.ts. The row's
// factor vectors, gathered once per row from the f64 factors, are stored as f32 in interleaved
// blocks of four vectors — quad q (four lanes) of vector k at block + 64q + 16k — so a product
// A·p reads half the bytes of the f64 panel (panel.ts: pair q at 64q + 16k). x, r, p and A·p
// stay f64; the residual b − A·x is formed in f64 from the f64 rows, so the fixed point of the
// warm-started steps is the f64 solution: f32 only shapes each step.
import { madd } from './vec';

/** Precision code: the f64 panel (panel.ts). */
export const PRECISION_F64: i32 = 0;
/** Precision code: f32 panel, products accumulated in f64. */
export const MIXED_F64_ACC: i32 = 1;
/** Precision code: f32 panel, products in f32 per block, partial sums in f64. */
export const MIXED_F32_ACC: i32 = 2;

/** Bytes of one f32 quad-packed vector (f rounded up to 4 lanes); also one f64 vector of f/2 quads' pairs. */
// @ts-ignore: decorator
@inline export function quadBytes(f: i32): usize {
  return <usize>((f + 3) >> 2) << 4;
}

/** a·b + c on f32x4 lanes (fused where relaxed SIMD is enabled). */
// @ts-ignore: decorator
@inline export function madd32(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** The f32x4 [a0, a1, b0, b1] from the f64 pairs a, b (rounded to nearest). */
// @ts-ignore: decorator
@inline export function demote2(a: v128, b: v128): v128 {
  return f64x2.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 2);
}

/** The f64 pair of lanes 2, 3 of an f32x4. */
// @ts-ignore: decorator
@inline export function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(f64x2.shuffle(v, v, 1, 1));
}

/**
 * Packs the four f64 vectors p0…p3 (f lanes each) as f32 into one block and stores their f64
 * dots with x (f64, the padding lanes up to a quad 0) at t[0..3]; lanes past f are packed 0.
 */
export function packQuads(block: usize, x: usize, p0: usize, p1: usize, p2: usize, p3: usize, f: i32, t: usize): void {
  const full = f >> 2;
  let q = block;
  let d0: f64 = 0, d1: f64 = 0, d2: f64 = 0, d3: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (let a = 0; a < full; a++) {
      const o = <usize>a << 5;
      const xl = v128.load(x + o), xh = v128.load(x + o, 16);
      const y0l = v128.load(p0 + o), y0h = v128.load(p0 + o, 16);
      const y1l = v128.load(p1 + o), y1h = v128.load(p1 + o, 16);
      const y2l = v128.load(p2 + o), y2h = v128.load(p2 + o, 16);
      const y3l = v128.load(p3 + o), y3h = v128.load(p3 + o, 16);
      v128.store(q, demote2(y0l, y0h));
      v128.store(q, demote2(y1l, y1h), 16);
      v128.store(q, demote2(y2l, y2h), 32);
      v128.store(q, demote2(y3l, y3h), 48);
      a0 = madd(y0h, xh, madd(y0l, xl, a0));
      a1 = madd(y1h, xh, madd(y1l, xl, a1));
      a2 = madd(y2h, xh, madd(y2l, xl, a2));
      a3 = madd(y3h, xh, madd(y3l, xl, a3));
      q += 64;
    }
    d0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    d1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    d2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    d3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
  } else {
    for (let a = 0; a < full << 2; a++) {
      const o = <usize>a << 3;
      const xa = load<f64>(x + o);
      const y0 = load<f64>(p0 + o), y1 = load<f64>(p1 + o), y2 = load<f64>(p2 + o), y3 = load<f64>(p3 + o);
      const s = q + (<usize>(a & 3) << 2);
      store<f32>(s, <f32>y0); store<f32>(s, <f32>y1, 16); store<f32>(s, <f32>y2, 32); store<f32>(s, <f32>y3, 48);
      d0 += y0 * xa; d1 += y1 * xa; d2 += y2 * xa; d3 += y3 * xa;
      if ((a & 3) == 3) q += 64;
    }
  }
  if (f & 3) {
    // The last, partial quad: its lanes past f are 0 (they meet p's zero padding).
    for (let l = 0; l < 4; l++) {
      const a = (full << 2) + l;
      const s = q + (<usize>l << 2);
      if (a < f) {
        const o = <usize>a << 3;
        const xa = load<f64>(x + o);
        const y0 = load<f64>(p0 + o), y1 = load<f64>(p1 + o), y2 = load<f64>(p2 + o), y3 = load<f64>(p3 + o);
        store<f32>(s, <f32>y0); store<f32>(s, <f32>y1, 16); store<f32>(s, <f32>y2, 32); store<f32>(s, <f32>y3, 48);
        d0 += y0 * xa; d1 += y1 * xa; d2 += y2 * xa; d3 += y3 * xa;
      } else {
        store<f32>(s, 0); store<f32>(s, 0, 16); store<f32>(s, 0, 32); store<f32>(s, 0, 48);
      }
    }
  }
  store<f64>(t, d0);
  store<f64>(t, d1, 8);
  store<f64>(t, d2, 16);
  store<f64>(t, d3, 24);
}

/** out += s0·p0 + s1·p1 + s2·p2 + s3·p3 over f lanes, from the f64 rows (the exact residual). */
export function addRows(out: usize, p0: usize, p1: usize, p2: usize, p3: usize, s0: f64, s1: f64, s2: f64, s3: f64, f: i32): void {
  let a = 0;
  if (ASC_FEATURE_SIMD) {
    const w0 = f64x2.splat(s0), w1 = f64x2.splat(s1), w2 = f64x2.splat(s2), w3 = f64x2.splat(s3);
    for (; a + 2 <= f; a += 2) {
      const o = <usize>a << 3;
      let acc = v128.load(out + o);
      acc = madd(w0, v128.load(p0 + o), acc);
      acc = madd(w1, v128.load(p1 + o), acc);
      acc = madd(w2, v128.load(p2 + o), acc);
      acc = madd(w3, v128.load(p3 + o), acc);
      v128.store(out + o, acc);
    }
  }
  for (; a < f; a++) {
    const o = <usize>a << 3;
    store<f64>(out + o, load<f64>(out + o) + s0 * load<f64>(p0 + o) + s1 * load<f64>(p1 + o) + s2 * load<f64>(p2 + o) + s3 * load<f64>(p3 + o));
  }
}

/** v32 = v rounded to f32, for whole quads of lanes (v's padding lanes are 0). */
export function toF32(v32: usize, v: usize, quads: i32): void {
  for (let a = 0; a < quads; a++) {
    const o = <usize>a << 5;
    if (ASC_FEATURE_SIMD) {
      v128.store(v32 + (<usize>a << 4), demote2(v128.load(v + o), v128.load(v + o, 16)));
    } else {
      for (let l = 0; l < 4; l++) store<f32>(v32 + (<usize>a << 4) + (<usize>l << 2), <f32>load<f64>(v + o + (<usize>l << 3)));
    }
  }
}

/** Packs the f×f row-major YᵀY as f32 into ⌈f/4⌉ blocks of four rows (the panel's layout; padding 0). */
export function packGram32(G32: usize, YtY: usize, f: i32): void {
  const quads = (f + 3) >> 2;
  const blockBytes = quadBytes(f) << 2;
  for (let r = 0; r < quads << 2; r++) {
    const block = G32 + <usize>(r >> 2) * blockBytes + (<usize>(r & 3) << 4);
    for (let a = 0; a < quads << 2; a++) {
      const v: f64 = r < f && a < f ? load<f64>(YtY + ((<usize>r * f + a) << 3)) : 0;
      store<f32>(block + (<usize>(a >> 2) << 6) + (<usize>(a & 3) << 2), <f32>v);
    }
  }
}
