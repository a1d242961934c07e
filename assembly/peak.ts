// A register-only loop that measures the machine's peak f64 rate for this build, so that the
// benchmarks can report kernels as a fraction of what the engine + CPU can do at all.
import { madd } from './vec';

/**
 * `iterations` rounds of 8 independent f64x2 multiply-add chains (relaxed: fused FMA; SIMD:
 * separate mul and add; scalar: f64). Returns a value that depends on every chain, so the
 * loop cannot be removed. FLOPs: iterations · 8 · lanes · 2.
 */
export function fmaPeak(iterations: i32): f64 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    // a ← a·m + c: one FMA per chain per round; 8 chains cover the FMA latency × 2 pipes.
    const m = f64x2.splat(0.999999);
    const c = f64x2.splat(1e-7);
    let a0 = f64x2.splat(1.0), a1 = f64x2.splat(1.1), a2 = f64x2.splat(1.2), a3 = f64x2.splat(1.3);
    let a4 = f64x2.splat(1.4), a5 = f64x2.splat(1.5), a6 = f64x2.splat(1.6), a7 = f64x2.splat(1.7);
    for (let t = 0; t < iterations; t++) {
      a0 = madd(a0, m, c); a1 = madd(a1, m, c); a2 = madd(a2, m, c); a3 = madd(a3, m, c);
      a4 = madd(a4, m, c); a5 = madd(a5, m, c); a6 = madd(a6, m, c); a7 = madd(a7, m, c);
    }
    const s = f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(f64x2.add(a4, a5), f64x2.add(a6, a7)));
    return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  } else if (ASC_FEATURE_SIMD) {
    // Without FMA a chained a·m + c waits for mul then add; the kernels' sums look like
    // s ← s + p·q with p·q independent of s, so measure that: 4 products, 4 sums per round
    // (the products' inputs change every round so they cannot be hoisted out of the loop).
    const m = f64x2.splat(0.999999);
    let p0 = f64x2.splat(1.0), p1 = f64x2.splat(1.1), p2 = f64x2.splat(1.2), p3 = f64x2.splat(1.3);
    let p4 = f64x2.splat(1.4), p5 = f64x2.splat(1.5), p6 = f64x2.splat(1.6), p7 = f64x2.splat(1.7);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    for (let t = 0; t < iterations; t++) {
      s0 = f64x2.add(s0, p0); s1 = f64x2.add(s1, p1); s2 = f64x2.add(s2, p2); s3 = f64x2.add(s3, p3);
      p0 = f64x2.mul(p0, m); p1 = f64x2.mul(p1, m); p2 = f64x2.mul(p2, m); p3 = f64x2.mul(p3, m);
      s0 = f64x2.add(s0, p4); s1 = f64x2.add(s1, p5); s2 = f64x2.add(s2, p6); s3 = f64x2.add(s3, p7);
      p4 = f64x2.mul(p4, m); p5 = f64x2.mul(p5, m); p6 = f64x2.mul(p6, m); p7 = f64x2.mul(p7, m);
    }
    const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
    const p = f64x2.add(f64x2.add(f64x2.add(p0, p1), f64x2.add(p2, p3)), f64x2.add(f64x2.add(p4, p5), f64x2.add(p6, p7)));
    const r = f64x2.add(s, p);
    return f64x2.extract_lane(r, 0) + f64x2.extract_lane(r, 1);
  } else {
    const m: f64 = 0.999999;
    let p0: f64 = 1.0, p1: f64 = 1.1, p2: f64 = 1.2, p3: f64 = 1.3, p4: f64 = 1.4, p5: f64 = 1.5, p6: f64 = 1.6, p7: f64 = 1.7;
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (let t = 0; t < iterations; t++) {
      s0 += p0; s1 += p1; s2 += p2; s3 += p3;
      p0 *= m; p1 *= m; p2 *= m; p3 *= m;
      s0 += p4; s1 += p5; s2 += p6; s3 += p7;
      p4 *= m; p5 *= m; p6 *= m; p7 *= m;
    }
    return s0 + s1 + s2 + s3 + p0 + p1 + p2 + p3 + p4 + p5 + p6 + p7;
  }
}
