// Batch scoring with per-query top-k selection: S = Q·Tᵀ for a block of query vectors (users,
// or one item for "users for an item") against the rows of T (items, or users), each score
// offered at once to its query's bounded min-heap, so S is never stored unless asked for.
// Blocking: T is scanned in chunks of ~32 KiB (they stay in L1 while every query pair of the
// block passes over them); the register tile is 2 queries × 2 rows, eight f64x2 accumulators.
// Every score is summed in exactly the order of vec.ts's `dot` (the same chains, the same
// multiply-add, the same tail), so scores are bit-identical to `scoreRows`, one user at a time.
// see: Goto & van de Geijn 2008 (blocked GEMM: panels kept in cache, a register tile).
import { dot, madd } from './vec';

/** Target rows per chunk: about 32 KiB of T (64 rows at f = 64), so a chunk stays in L1 while each query pair passes over it. */
// @ts-ignore: decorator
@inline function chunkRows(f: i32): i32 {
  const r = (4096 / max(f, 1)) & ~1;
  return max(r, 2);
}

/** Row number of the p-th scanned target: list[p], or p when there is no list. */
// @ts-ignore: decorator
@inline function rowAt(list: usize, p: i32): i32 {
  return list ? load<i32>(list + (<usize>p << 2)) : p;
}

/** Whether `x` is in the ascending i32 array [lo, hi) (byte pointers). */
function inSorted(lo: usize, hi: usize, x: i32): bool {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = a + ((((b - a) >> 2) >> 1) << 2);
    const v = load<i32>(mid);
    if (v == x) return true;
    if (v < x) a = mid + 4;
    else b = mid;
  }
  return false;
}

/**
 * Offers (t, s) to query q's heap (capacity k, root = the worst kept: lowest score, then
 * highest row) unless t is excluded. Called only when (t, s) would be kept, so the exclusion
 * lists are searched for few rows (about k·ln(n/k) per query).
 */
function offer(q: i32, t: i32, s: f64, k: i32, idx: usize, val: usize, count: usize, exPtr: usize, exIdx: usize, common: usize, nCommon: i32): void {
  if (exPtr) {
    const lo = exIdx + (<usize>load<i32>(exPtr + (<usize>q << 2)) << 2);
    const hi = exIdx + (<usize>load<i32>(exPtr + (<usize>q << 2), 4) << 2);
    if (inSorted(lo, hi, t)) return;
  }
  if (nCommon > 0 && inSorted(common, common + (<usize>nCommon << 2), t)) return;
  const hi = idx + (<usize>q * <usize>k << 2);
  const hv = val + (<usize>q * <usize>k << 3);
  const size = load<i32>(count + (<usize>q << 2));
  if (size < k) {
    // Sift up from the new leaf.
    let p = size;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const pv = load<f64>(hv + (<usize>parent << 3));
      const pi = load<i32>(hi + (<usize>parent << 2));
      if (!(s < pv || (s == pv && t > pi))) break;
      store<f64>(hv + (<usize>p << 3), pv);
      store<i32>(hi + (<usize>p << 2), pi);
      p = parent;
    }
    store<f64>(hv + (<usize>p << 3), s);
    store<i32>(hi + (<usize>p << 2), t);
    store<i32>(count + (<usize>q << 2), size + 1);
    return;
  }
  siftDown(hi, hv, size, t, s);
}

/** Puts (t, s) at the root of the heap (idx hi, values hv, `size` entries) and sifts it down. */
function siftDown(hi: usize, hv: usize, size: i32, t: i32, s: f64): void {
  let p = 0;
  for (;;) {
    const l = 2 * p + 1;
    if (l >= size) break;
    let w = l;
    const r = l + 1;
    let wv = load<f64>(hv + (<usize>l << 3));
    let wi = load<i32>(hi + (<usize>l << 2));
    if (r < size) {
      const rv = load<f64>(hv + (<usize>r << 3));
      const ri = load<i32>(hi + (<usize>r << 2));
      if (rv < wv || (rv == wv && ri > wi)) {
        w = r;
        wv = rv;
        wi = ri;
      }
    }
    if (!(wv < s || (wv == s && wi > t))) break;
    store<f64>(hv + (<usize>p << 3), wv);
    store<i32>(hi + (<usize>p << 2), wi);
    p = w;
  }
  store<f64>(hv + (<usize>p << 3), s);
  store<i32>(hi + (<usize>p << 2), t);
}

/**
 * Adds the bias, stores the score if asked, and offers it when it would enter the heap: one
 * load and compare for most scores. NaN never enters.
 */
// @ts-ignore: decorator
@inline function consider(
  q: i32, t: i32, raw: f64, qc: f64, tBias: usize, scores: usize, n: i32,
  k: i32, idx: usize, val: usize, count: usize, exPtr: usize, exIdx: usize, common: usize, nCommon: i32,
): void {
  let s = raw;
  if (tBias) s = raw + (qc + load<f64>(tBias + (<usize>t << 3)));
  if (scores) store<f64>(scores + ((<usize>q * <usize>n + <usize>t) << 3), s);
  if (s != s || k == 0) return;
  if (load<i32>(count + (<usize>q << 2)) == k) {
    const rootV = load<f64>(val + (<usize>q * <usize>k << 3));
    if (s < rootV) return;
    if (s == rootV && t > load<i32>(idx + (<usize>q * <usize>k << 2))) return;
  }
  offer(q, t, s, k, idx, val, count, exPtr, exIdx, common, nCommon);
}

/**
 * For each of the b query vectors in Q (stride f), the k target rows of T (stride f) with the
 * highest scores s = qᵀt (+ qConst[q] + tBias[t] when tBias ≠ 0), best first, ties by lower
 * row; NaN scores and excluded rows never returned. Writes outIdx[q·k …], outVal[q·k …] and
 * outCount[q] (≤ k: fewer when fewer rows qualify).
 * Scanned rows: list[0 .. m) (i32, ascending, distinct) or, with list = 0, rows 0 .. m − 1.
 * Exclusions: per query the ascending i32 rows exIdx[exPtr[q] .. exPtr[q+1]) (exPtr = 0: none),
 * and for every query the ascending common[0 .. nCommon).
 * With scores ≠ 0 also stores every scanned score at scores[q·n + t] (excluded rows too).
 */
export function topKRows(
  Q: usize, b: i32, T: usize, f: i32, list: usize, m: i32,
  qConst: usize, tBias: usize, exPtr: usize, exIdx: usize, common: usize, nCommon: i32,
  k: i32, outIdx: usize, outVal: usize, outCount: usize, scores: usize, n: i32,
): void {
  for (let q = 0; q < b; q++) store<i32>(outCount + (<usize>q << 2), 0);
  const fBytes = <usize>f << 3;
  const chunk = chunkRows(f);
  const f4 = f & ~3;
  for (let c0 = 0; c0 < m; c0 += chunk) {
    const c1 = min(m, c0 + chunk);
    let q = 0;
    for (; q + 2 <= b; q += 2) {
      const qa = Q + <usize>q * fBytes;
      const qb = qa + fBytes;
      const ca = tBias ? load<f64>(qConst + (<usize>q << 3)) : 0;
      const cb = tBias ? load<f64>(qConst + (<usize>q << 3), 8) : 0;
      let p = c0;
      for (; p + 2 <= c1; p += 2) {
        const t0 = rowAt(list, p);
        const t1 = rowAt(list, p + 1);
        const y0 = T + <usize>t0 * fBytes;
        const y1 = T + <usize>t1 * fBytes;
        let s00: f64 = 0, s01: f64 = 0, s10: f64 = 0, s11: f64 = 0;
        let j = 0;
        if (ASC_FEATURE_SIMD) {
          // dot's two accumulators per pair: lanes (j, j+1) and (j+2, j+3) of each step of 4.
          let a00 = f64x2.splat(0), b00 = f64x2.splat(0), a01 = f64x2.splat(0), b01 = f64x2.splat(0);
          let a10 = f64x2.splat(0), b10 = f64x2.splat(0), a11 = f64x2.splat(0), b11 = f64x2.splat(0);
          for (; j < f4; j += 4) {
            const o = <usize>j << 3;
            const xa = v128.load(qa + o), xb = v128.load(qb + o);
            const u0 = v128.load(y0 + o), u1 = v128.load(y1 + o);
            a00 = madd(u0, xa, a00);
            a01 = madd(u1, xa, a01);
            a10 = madd(u0, xb, a10);
            a11 = madd(u1, xb, a11);
            const xa2 = v128.load(qa + o, 16), xb2 = v128.load(qb + o, 16);
            const v0 = v128.load(y0 + o, 16), v1 = v128.load(y1 + o, 16);
            b00 = madd(v0, xa2, b00);
            b01 = madd(v1, xa2, b01);
            b10 = madd(v0, xb2, b10);
            b11 = madd(v1, xb2, b11);
          }
          const w00 = f64x2.add(a00, b00), w01 = f64x2.add(a01, b01), w10 = f64x2.add(a10, b10), w11 = f64x2.add(a11, b11);
          s00 = f64x2.extract_lane(w00, 0) + f64x2.extract_lane(w00, 1);
          s01 = f64x2.extract_lane(w01, 0) + f64x2.extract_lane(w01, 1);
          s10 = f64x2.extract_lane(w10, 0) + f64x2.extract_lane(w10, 1);
          s11 = f64x2.extract_lane(w11, 0) + f64x2.extract_lane(w11, 1);
        } else {
          let e00: f64 = 0, g00: f64 = 0, e01: f64 = 0, g01: f64 = 0, e10: f64 = 0, g10: f64 = 0, e11: f64 = 0, g11: f64 = 0;
          for (; j + 2 <= f; j += 2) {
            const o = <usize>j << 3;
            const xa = load<f64>(qa + o), xa1 = load<f64>(qa + o, 8), xb = load<f64>(qb + o), xb1 = load<f64>(qb + o, 8);
            const u0 = load<f64>(y0 + o), u01 = load<f64>(y0 + o, 8), u1 = load<f64>(y1 + o), u11 = load<f64>(y1 + o, 8);
            e00 += u0 * xa;
            g00 += u01 * xa1;
            e01 += u1 * xa;
            g01 += u11 * xa1;
            e10 += u0 * xb;
            g10 += u01 * xb1;
            e11 += u1 * xb;
            g11 += u11 * xb1;
          }
          s00 = e00 + g00;
          s01 = e01 + g01;
          s10 = e10 + g10;
          s11 = e11 + g11;
        }
        for (; j < f; j++) {
          const o = <usize>j << 3;
          const xa = load<f64>(qa + o), xb = load<f64>(qb + o), u0 = load<f64>(y0 + o), u1 = load<f64>(y1 + o);
          s00 += u0 * xa;
          s01 += u1 * xa;
          s10 += u0 * xb;
          s11 += u1 * xb;
        }
        consider(q, t0, s00, ca, tBias, scores, n, k, outIdx, outVal, outCount, exPtr, exIdx, common, nCommon);
        consider(q, t1, s01, ca, tBias, scores, n, k, outIdx, outVal, outCount, exPtr, exIdx, common, nCommon);
        consider(q + 1, t0, s10, cb, tBias, scores, n, k, outIdx, outVal, outCount, exPtr, exIdx, common, nCommon);
        consider(q + 1, t1, s11, cb, tBias, scores, n, k, outIdx, outVal, outCount, exPtr, exIdx, common, nCommon);
      }
      if (p < c1) {
        const t0 = rowAt(list, p);
        const y0 = T + <usize>t0 * fBytes;
        consider(q, t0, dot(y0, qa, f), ca, tBias, scores, n, k, outIdx, outVal, outCount, exPtr, exIdx, common, nCommon);
        consider(q + 1, t0, dot(y0, qb, f), cb, tBias, scores, n, k, outIdx, outVal, outCount, exPtr, exIdx, common, nCommon);
      }
    }
    if (q < b) {
      // An odd query out: one dot per row.
      const qa = Q + <usize>q * fBytes;
      const ca = tBias ? load<f64>(qConst + (<usize>q << 3)) : 0;
      for (let p = c0; p < c1; p++) {
        const t0 = rowAt(list, p);
        consider(q, t0, dot(T + <usize>t0 * fBytes, qa, f), ca, tBias, scores, n, k, outIdx, outVal, outCount, exPtr, exIdx, common, nCommon);
      }
    }
  }
  // Heap sort in place: the worst kept goes last, leaving each query's rows best first.
  for (let q = 0; q < b; q++) {
    const hi = outIdx + (<usize>q * <usize>k << 2);
    const hv = outVal + (<usize>q * <usize>k << 3);
    for (let last = load<i32>(outCount + (<usize>q << 2)) - 1; last > 0; last--) {
      const rootI = load<i32>(hi);
      const rootV = load<f64>(hv);
      const ti = load<i32>(hi + (<usize>last << 2));
      const tv = load<f64>(hv + (<usize>last << 3));
      store<i32>(hi + (<usize>last << 2), rootI);
      store<f64>(hv + (<usize>last << 3), rootV);
      siftDown(hi, hv, last, ti, tv);
    }
  }
}
