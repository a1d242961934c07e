// Shapes of one conjugate-gradient product out += Σ_j w_j (y_jᵀv) y_j, f64x2 relaxed SIMD, as
// V8 compiles them: the experiment behind assembly/solve-cg.ts's loop shape. Built and timed by
// bench/experiments/cg-kernel.mjs. `panel`: blocks of four vectors interleaved by f64 pair
// (pair q of vector k at block + 64q + 16k), except rowMajorTwoPhase (vector j at panel + j·8f).
import { madd } from '../../assembly/vec';

/** Eight accumulators (two per vector), offset addressing, the weighted sum chained. */
export function eightAccumulators(out: usize, v: usize, panel: usize, w: usize, blocks: i32, f: i32): void {
  const vb = <usize>((f + 1) >> 1) << 4;
  const pairs = (f + 1) >> 1;
  let block = panel;
  let wo = w;
  for (let b = 0; b < blocks; b++) {
    let q = block;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let b0 = f64x2.splat(0), b1 = f64x2.splat(0), b2 = f64x2.splat(0), b3 = f64x2.splat(0);
    let a = 0;
    for (; a + 2 <= pairs; a += 2) {
      const o = v + (<usize>a << 4);
      const v0 = v128.load(o);
      const v1 = v128.load(o, 16);
      a0 = madd(v128.load(q), v0, a0);
      a1 = madd(v128.load(q, 16), v0, a1);
      a2 = madd(v128.load(q, 32), v0, a2);
      a3 = madd(v128.load(q, 48), v0, a3);
      b0 = madd(v128.load(q, 64), v1, b0);
      b1 = madd(v128.load(q, 80), v1, b1);
      b2 = madd(v128.load(q, 96), v1, b2);
      b3 = madd(v128.load(q, 112), v1, b3);
      q += 128;
    }
    a0 = f64x2.add(a0, b0); a1 = f64x2.add(a1, b1); a2 = f64x2.add(a2, b2); a3 = f64x2.add(a3, b3);
    const s0 = load<f64>(wo) * (f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1));
    const s1 = load<f64>(wo, 8) * (f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1));
    const s2 = load<f64>(wo, 16) * (f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1));
    const s3 = load<f64>(wo, 24) * (f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1));
    q = block;
    const w0 = f64x2.splat(s0), w1 = f64x2.splat(s1), w2 = f64x2.splat(s2), w3 = f64x2.splat(s3);
    for (a = 0; a < pairs; a++) {
      const o = out + (<usize>a << 4);
      let acc = v128.load(o);
      acc = madd(w0, v128.load(q), acc);
      acc = madd(w1, v128.load(q, 16), acc);
      acc = madd(w2, v128.load(q, 32), acc);
      acc = madd(w3, v128.load(q, 48), acc);
      v128.store(o, acc);
      q += 64;
    }
    block += vb << 2;
    wo += 32;
  }
}

/** Four accumulators, pointer-bound loops (the shape assembly/solve-cg.ts ships). */
export function fourAccumulators(out: usize, v: usize, panel: usize, w: usize, blocks: i32, f: i32): void {
  const vb = <usize>((f + 1) >> 1) << 4;
  const pairs = (f + 1) >> 1;
  let block = panel;
  let wo = w;
  for (let b = 0; b < blocks; b++) {
    let q = block;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    const end = v + (<usize>pairs << 4);
    for (let o = v; o < end; o += 16) {
      const v0 = v128.load(o);
      a0 = madd(v128.load(q), v0, a0);
      a1 = madd(v128.load(q, 16), v0, a1);
      a2 = madd(v128.load(q, 32), v0, a2);
      a3 = madd(v128.load(q, 48), v0, a3);
      q += 64;
    }
    const s0 = load<f64>(wo) * (f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1));
    const s1 = load<f64>(wo, 8) * (f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1));
    const s2 = load<f64>(wo, 16) * (f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1));
    const s3 = load<f64>(wo, 24) * (f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1));
    q = block;
    const w0 = f64x2.splat(s0), w1 = f64x2.splat(s1), w2 = f64x2.splat(s2), w3 = f64x2.splat(s3);
    const oend = out + (<usize>pairs << 4);
    for (let o = out; o < oend; o += 16) {
      let acc = v128.load(o);
      acc = madd(w0, v128.load(q), acc);
      acc = madd(w1, v128.load(q, 16), acc);
      acc = madd(w2, v128.load(q, 32), acc);
      acc = madd(w3, v128.load(q, 48), acc);
      v128.store(o, acc);
      q += 64;
    }
    block += vb << 2;
    wo += 32;
  }
}

/** Eight vectors per block, eight accumulators. */
export function eightPerBlock(out: usize, v: usize, panel: usize, w: usize, blocks8: i32, f: i32): void {
  const pairs = (f + 1) >> 1;
  let q = panel;
  let wo = w;
  const vend = v + (<usize>pairs << 4);
  for (let b = 0; b < blocks8; b++) {
    const block = q;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let a4 = f64x2.splat(0), a5 = f64x2.splat(0), a6 = f64x2.splat(0), a7 = f64x2.splat(0);
    for (let o = v; o < vend; o += 16) {
      const v0 = v128.load(o);
      a0 = madd(v128.load(q), v0, a0);
      a1 = madd(v128.load(q, 16), v0, a1);
      a2 = madd(v128.load(q, 32), v0, a2);
      a3 = madd(v128.load(q, 48), v0, a3);
      a4 = madd(v128.load(q, 64), v0, a4);
      a5 = madd(v128.load(q, 80), v0, a5);
      a6 = madd(v128.load(q, 96), v0, a6);
      a7 = madd(v128.load(q, 112), v0, a7);
      q += 128;
    }
    const w0 = f64x2.splat(load<f64>(wo) * (f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1)));
    const w1 = f64x2.splat(load<f64>(wo, 8) * (f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1)));
    const w2 = f64x2.splat(load<f64>(wo, 16) * (f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1)));
    const w3 = f64x2.splat(load<f64>(wo, 24) * (f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1)));
    const w4 = f64x2.splat(load<f64>(wo, 32) * (f64x2.extract_lane(a4, 0) + f64x2.extract_lane(a4, 1)));
    const w5 = f64x2.splat(load<f64>(wo, 40) * (f64x2.extract_lane(a5, 0) + f64x2.extract_lane(a5, 1)));
    const w6 = f64x2.splat(load<f64>(wo, 48) * (f64x2.extract_lane(a6, 0) + f64x2.extract_lane(a6, 1)));
    const w7 = f64x2.splat(load<f64>(wo, 56) * (f64x2.extract_lane(a7, 0) + f64x2.extract_lane(a7, 1)));
    let p = block;
    const oend = out + (<usize>pairs << 4);
    for (let o = out; o < oend; o += 16) {
      let x = madd(w0, v128.load(p), v128.load(o));
      let y = f64x2.mul(w1, v128.load(p, 16));
      x = madd(w2, v128.load(p, 32), x);
      y = madd(w3, v128.load(p, 48), y);
      x = madd(w4, v128.load(p, 64), x);
      y = madd(w5, v128.load(p, 80), y);
      x = madd(w6, v128.load(p, 96), x);
      y = madd(w7, v128.load(p, 112), y);
      v128.store(o, f64x2.add(x, y));
      p += 128;
    }
    wo += 64;
  }
}

/** Row-major panel: all dots first (four rows at a time), then the sum with 16 outputs in registers. */
export function rowMajorTwoPhase(out: usize, v: usize, panel: usize, w: usize, t: usize, count: i32, f: i32): void {
  const fBytes = <usize>f << 3;
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const p0 = panel + <usize>j * fBytes;
    const p1 = p0 + fBytes, p2 = p1 + fBytes, p3 = p2 + fBytes;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (let a = 0; a + 2 <= f; a += 2) {
      const o = <usize>a << 3;
      const vv = v128.load(v + o);
      a0 = madd(v128.load(p0 + o), vv, a0);
      a1 = madd(v128.load(p1 + o), vv, a1);
      a2 = madd(v128.load(p2 + o), vv, a2);
      a3 = madd(v128.load(p3 + o), vv, a3);
    }
    const to = t + (<usize>j << 3), wo = w + (<usize>j << 3);
    store<f64>(to, load<f64>(wo) * (f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1)));
    store<f64>(to, load<f64>(wo, 8) * (f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1)), 8);
    store<f64>(to, load<f64>(wo, 16) * (f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1)), 16);
    store<f64>(to, load<f64>(wo, 24) * (f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1)), 24);
  }
  // phase 2: out[a0..a0+16) += Σ_j t_j P_j[a0..]
  for (let a = 0; a + 16 <= f; a += 16) {
    const ob = out + (<usize>a << 3);
    let c0 = v128.load(ob), c1 = v128.load(ob, 16), c2 = v128.load(ob, 32), c3 = v128.load(ob, 48);
    let c4 = v128.load(ob, 64), c5 = v128.load(ob, 80), c6 = v128.load(ob, 96), c7 = v128.load(ob, 112);
    let q = panel + (<usize>a << 3);
    let tp = t;
    const tend = t + (<usize>count << 3);
    for (; tp < tend; tp += 8) {
      const s = v128.load64_splat(tp);
      c0 = madd(s, v128.load(q), c0);
      c1 = madd(s, v128.load(q, 16), c1);
      c2 = madd(s, v128.load(q, 32), c2);
      c3 = madd(s, v128.load(q, 48), c3);
      c4 = madd(s, v128.load(q, 64), c4);
      c5 = madd(s, v128.load(q, 80), c5);
      c6 = madd(s, v128.load(q, 96), c6);
      c7 = madd(s, v128.load(q, 112), c7);
      q += fBytes;
    }
    v128.store(ob, c0); v128.store(ob, c1, 16); v128.store(ob, c2, 32); v128.store(ob, c3, 48);
    v128.store(ob, c4, 64); v128.store(ob, c5, 80); v128.store(ob, c6, 96); v128.store(ob, c7, 112);
  }
}
