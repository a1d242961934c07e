// The implicit half-step by conjugate gradient, warm-started from the current factors and
// never forming the f×f system: A·v = YᵀY·v + λv + Y_uᵀ W_u (Y_u v), W_u = diag(|c_ui| − 1).
// The row's item vectors Y_u are gathered once into a contiguous panel and reused by every
// step; products run four rows at a time so v and the output are loaded once per four rows.
// see: Takács, Pilászy & Tikk 2011, "Applications of the conjugate gradient method for implicit
// feedback collaborative filtering"; benfred/implicit `_als.pyx` (least_squares_cg).
import { axpy, copy, dot, madd, scale, zero } from './vec';

/** Bytes of scratch {@link solveImplicitRowsCG} needs for f factors and rows of ≤ maxRowNnz entries. */
export function scratchBytesCG(f: i32, maxRowNnz: i32): usize {
  const vBytes = ((<usize>f << 3) + 15) & ~(<usize>15);
  const n = <usize>max(maxRowNnz, 1);
  return 16 + 3 * vBytes + 2 * (((n << 3) + 15) & ~(<usize>15)) + n * (<usize>f << 3);
}

/** t[j] = P_j · v for the `count` contiguous rows of P (length f each). */
function gemvRows(P: usize, count: i32, f: i32, v: usize, t: usize): void {
  const fBytes = <usize>f << 3;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 4 <= count; j += 4) {
      const p0 = P + <usize>j * fBytes;
      const p1 = p0 + fBytes;
      const p2 = p1 + fBytes;
      const p3 = p2 + fBytes;
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      let a = 0;
      for (; a + 2 <= f; a += 2) {
        const o = <usize>a << 3;
        const vv = v128.load(v + o);
        a0 = madd(v128.load(p0 + o), vv, a0);
        a1 = madd(v128.load(p1 + o), vv, a1);
        a2 = madd(v128.load(p2 + o), vv, a2);
        a3 = madd(v128.load(p3 + o), vv, a3);
      }
      let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
      let s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
      let s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
      let s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
      if (a < f) {
        const o = <usize>a << 3;
        const x = load<f64>(v + o);
        s0 += load<f64>(p0 + o) * x;
        s1 += load<f64>(p1 + o) * x;
        s2 += load<f64>(p2 + o) * x;
        s3 += load<f64>(p3 + o) * x;
      }
      const to = t + (<usize>j << 3);
      store<f64>(to, s0);
      store<f64>(to, s1, 8);
      store<f64>(to, s2, 16);
      store<f64>(to, s3, 24);
    }
  }
  for (; j < count; j++) store<f64>(t + (<usize>j << 3), dot(P + <usize>j * fBytes, v, f));
}

/** out += Σ_j s[j]·P_j over the `count` contiguous rows of P. */
function gemvTRows(P: usize, count: i32, f: i32, s: usize, out: usize): void {
  const fBytes = <usize>f << 3;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 4 <= count; j += 4) {
      const p0 = P + <usize>j * fBytes;
      const p1 = p0 + fBytes;
      const p2 = p1 + fBytes;
      const p3 = p2 + fBytes;
      const so = s + (<usize>j << 3);
      const c0 = load<f64>(so), c1 = load<f64>(so, 8), c2 = load<f64>(so, 16), c3 = load<f64>(so, 24);
      const v0 = f64x2.splat(c0), v1 = f64x2.splat(c1), v2 = f64x2.splat(c2), v3 = f64x2.splat(c3);
      let a = 0;
      for (; a + 2 <= f; a += 2) {
        const o = <usize>a << 3;
        let acc = v128.load(out + o);
        acc = madd(v0, v128.load(p0 + o), acc);
        acc = madd(v1, v128.load(p1 + o), acc);
        acc = madd(v2, v128.load(p2 + o), acc);
        acc = madd(v3, v128.load(p3 + o), acc);
        v128.store(out + o, acc);
      }
      if (a < f) {
        const o = <usize>a << 3;
        store<f64>(out + o, load<f64>(out + o) + c0 * load<f64>(p0 + o) + c1 * load<f64>(p1 + o) + c2 * load<f64>(p2 + o) + c3 * load<f64>(p3 + o));
      }
    }
  }
  for (; j < count; j++) axpy(out, load<f64>(s + (<usize>j << 3)), P + <usize>j * fBytes, f);
}

/**
 * `steps` conjugate-gradient steps per row for rows [r0, r1), starting from X[u] (the
 * previous sweep's factors) and writing the result back there. An empty row gets 0 (its
 * exact solution). Returns -1, or the first row where pᵀAp ≤ 0 (A not positive definite).
 * Scratch: {@link scratchBytesCG}(f, longest row).
 */
export function solveImplicitRowsCG(
  X: usize, Y: usize, YtY: usize, indptr: usize, indices: usize, conf: usize,
  f: i32, lambda: f64, steps: i32, r0: i32, r1: i32, scratch: usize,
): i32 {
  const fBytes = <usize>f << 3;
  const vBytes = (fBytes + 15) & ~(<usize>15);
  const r = (scratch + 15) & ~(<usize>15);
  const p = r + vBytes;
  const Ap = p + vBytes;
  const t = Ap + vBytes;
  for (let u = r0; u < r1; u++) {
    const lo = load<i32>(indptr + (<usize>u << 2));
    const hi = load<i32>(indptr + (<usize>(u + 1) << 2));
    const count = hi - lo;
    const x = X + <usize>u * fBytes;
    if (count == 0) {
      zero(x, f);
      continue;
    }
    const cBytes = ((<usize>count << 3) + 15) & ~(<usize>15);
    const w = t + cBytes;
    const P = w + cBytes;
    // Gather Y_u and the weights |c| − 1 once; b = Σ_{c>0} c·y_i goes into r.
    zero(r, f);
    for (let j = 0; j < count; j++) {
      const c = <f64>load<f32>(conf + (<usize>(lo + j) << 2));
      const y = Y + <usize>load<i32>(indices + (<usize>(lo + j) << 2)) * fBytes;
      copy(P + <usize>j * fBytes, y, f);
      store<f64>(w + (<usize>j << 3), Math.abs(c) - 1);
      if (c > 0) axpy(r, c, y, f);
    }
    // r = b − A·x
    applyA(Ap, x, P, count, w, t, YtY, f, lambda);
    axpy(r, -1, Ap, f);
    copy(p, r, f);
    let rsold = dot(r, r, f);
    for (let it = 0; it < steps; it++) {
      if (rsold < 1e-20) break; // converged: further steps would divide by ~0
      applyA(Ap, p, P, count, w, t, YtY, f, lambda);
      const pAp = dot(p, Ap, f);
      if (!(pAp > 0)) return u;
      const alpha = rsold / pAp;
      axpy(x, alpha, p, f);
      axpy(r, -alpha, Ap, f);
      const rsnew = dot(r, r, f);
      scale(p, rsnew / rsold, f);
      axpy(p, 1, r, f);
      rsold = rsnew;
    }
  }
  return -1;
}

/** out = YᵀY·v + λv + P_uᵀ (w ∘ (P_u v)); t is count f64 of scratch. */
function applyA(out: usize, v: usize, P: usize, count: i32, w: usize, t: usize, YtY: usize, f: i32, lambda: f64): void {
  gemvRows(YtY, f, f, v, out);
  axpy(out, lambda, v, f);
  gemvRows(P, count, f, v, t);
  for (let j = 0; j < count; j++) {
    const o = <usize>j << 3;
    store<f64>(t + o, load<f64>(t + o) * load<f64>(w + o));
  }
  gemvTRows(P, count, f, t, out);
}
