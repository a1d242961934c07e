// Small vector helpers shared by the kernels. One source serves three builds: scalar,
// SIMD (f64x2 mul + add) and relaxed SIMD (f64x2 fused multiply-add), chosen at compile time.

/** a·b + c on f64x2 lanes: one fused instruction where relaxed SIMD is enabled. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f64x2.relaxed_madd(a, b, c);
  } else {
    return f64x2.add(f64x2.mul(a, b), c);
  }
}

/** Σ p[j]·q[j] for j < n (f64 arrays at byte pointers p, q; any alignment). */
export function dot(p: usize, q: usize, n: i32): f64 {
  let j = 0;
  let s: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    // Two independent accumulators hide the add/FMA latency.
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 3;
      a0 = madd(v128.load(p + o), v128.load(q + o), a0);
      a1 = madd(v128.load(p + o, 16), v128.load(q + o, 16), a1);
    }
    const a = f64x2.add(a0, a1);
    s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  } else {
    let s0: f64 = 0;
    let s1: f64 = 0;
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j << 3;
      s0 += load<f64>(p + o) * load<f64>(q + o);
      s1 += load<f64>(p + o, 8) * load<f64>(q + o, 8);
    }
    s = s0 + s1;
  }
  for (; j < n; j++) {
    const o = <usize>j << 3;
    s += load<f64>(p + o) * load<f64>(q + o);
  }
  return s;
}

/** y[j] += a·x[j] for j < n (any alignment). */
export function axpy(y: usize, a: f64, x: usize, n: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 3;
      v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
      v128.store(y + o, madd(va, v128.load(x + o, 16), v128.load(y + o, 16)), 16);
    }
    if (j + 2 <= n) {
      const o = <usize>j << 3;
      v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
      j += 2;
    }
  }
  for (; j < n; j++) {
    const o = <usize>j << 3;
    store<f64>(y + o, load<f64>(y + o) + a * load<f64>(x + o));
  }
}

/** x[j] *= a for j < n (any alignment). */
export function scale(x: usize, a: f64, n: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a);
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j << 3;
      v128.store(x + o, f64x2.mul(v128.load(x + o), va));
    }
  }
  for (; j < n; j++) {
    const o = <usize>j << 3;
    store<f64>(x + o, load<f64>(x + o) * a);
  }
}

/** dst[j] = 0 for j < n (f64). A loop, not memory.fill: V8 calls out of line for bulk memory ops. */
export function zero(dst: usize, n: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const z = f64x2.splat(0);
    for (; j + 2 <= n; j += 2) v128.store(dst + (<usize>j << 3), z);
  }
  for (; j < n; j++) store<f64>(dst + (<usize>j << 3), 0);
}

/** dst[j] = src[j] for j < n (f64). */
export function copy(dst: usize, src: usize, n: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j << 3;
      v128.store(dst + o, v128.load(src + o));
    }
  }
  for (; j < n; j++) {
    const o = <usize>j << 3;
    store<f64>(dst + o, load<f64>(src + o));
  }
}

/** Rounds n up to a multiple of 4 (the panel width). */
// @ts-ignore: decorator
@inline export function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}
