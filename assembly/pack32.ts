// The f32 panel of the mixed-precision conjugate-gradient steps (solve-cg.ts, precision ≠ 0):
// its layout, packing and the lane helpers; the products over it are in panel32.ts, the pass
// that gathers it and forms the residual in gather32.ts. The other side's factors are copied
// to f32 once per half-step (toF32Rows); each row's vectors are gathered from that copy into
// interleaved blocks of four vectors — quad q (four lanes) of vector k at block + 64q + 16k —
// so the gather and every product A·p read half the bytes of the f64 path (panel.ts: pair q at
// 64q + 16k). x, r, p and A·p stay f64, as do YᵀY and the partial sums; the data part of A and
// b is that of the f32-rounded vectors, so the warm-started steps head for the solution of the
// system with y rounded to f32 (relative distance from the f64 solution ~ κ·2⁻²⁴).

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
 * The f32 copy of a factor matrix the mixed steps gather from: row i of the n×f f64 matrix
 * `src` rounded to f32 at dst + i·quadBytes(f), its lanes past f 0 (whole quads, so a row is
 * copied into a panel block with v128 moves and meets p's zero padding).
 */
export function toF32Rows(src: usize, n: i32, f: i32, dst: usize): void {
  const full = f >> 2;
  const rowBytes = quadBytes(f);
  let s = src;
  let d = dst;
  for (let i = 0; i < n; i++) {
    let a = 0;
    if (ASC_FEATURE_SIMD) {
      for (; a < full; a++) v128.store(d + (<usize>a << 4), demote2(v128.load(s + (<usize>a << 5)), v128.load(s + (<usize>a << 5), 16)));
      a <<= 2;
    }
    for (; a < full << 2; a++) store<f32>(d + (<usize>a << 2), <f32>load<f64>(s + (<usize>a << 3)));
    // The last, partial quad: the rest of the row, then zeros.
    for (const end = (f + 3) & ~3; a < end; a++) store<f32>(d + (<usize>a << 2), a < f ? <f32>load<f64>(s + (<usize>a << 3)) : 0);
    s += <usize>f << 3;
    d += rowBytes;
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
