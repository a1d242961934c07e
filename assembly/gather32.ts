// The first pass of a mixed-precision CG row (solve-cg.ts, precision ≠ 0): gathers the row's
// vectors from the f32 copy of the other side's factors (pack32.ts, toF32Rows) into the f32
// panel and, from the same loads, forms the data part of the residual b − A·x:
// Σ_j (c⁺_j − w_j·y_jᵀx)·y_j. Reading 4f bytes per vector instead of 8f halves the pass's
// random gathers (on MovieLens-20M's item side, 512-byte rows of a 71 MB X were its largest cost).
import { madd32, promoteHigh, quadBytes } from './pack32';
import { storeLaneSums } from './panel';
import { addBlockF32, addBlockF64, flushF32, FLUSH, storeQuadSums } from './panel32';
import { copy, madd } from './vec';

/** The weight of entry c in A: |c| − 1 (c < 0 is preference 0 with confidence |c|). */
// @ts-ignore: decorator
@inline export function weight(c: f64): f64 {
  return Math.abs(c) - 1;
}

/**
 * Copies the f32 rows p0…p3 (whole quads) into one panel block and stores their dots with x
 * at t[0..3]: with `f32Sums` from x32 (x in f32) by f32 multiply-adds per lane, the four lanes
 * added in f64; otherwise in f64 from x.
 */
// @ts-ignore: decorator
@inline function packDots(block: usize, x: usize, x32: usize, p0: usize, p1: usize, p2: usize, p3: usize, quads: i32, t: usize, f32Sums: bool): void {
  const end = <usize>quads << 4;
  let q = block;
  if (ASC_FEATURE_SIMD) {
    if (f32Sums) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      for (let o: usize = 0; o < end; o += 16) {
        const xv = v128.load(x32 + o);
        const y0 = v128.load(p0 + o), y1 = v128.load(p1 + o), y2 = v128.load(p2 + o), y3 = v128.load(p3 + o);
        v128.store(q, y0);
        v128.store(q, y1, 16);
        v128.store(q, y2, 32);
        v128.store(q, y3, 48);
        a0 = madd32(y0, xv, a0);
        a1 = madd32(y1, xv, a1);
        a2 = madd32(y2, xv, a2);
        a3 = madd32(y3, xv, a3);
        q += 64;
      }
      storeQuadSums(t, a0, a1, a2, a3);
    } else {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      for (let o: usize = 0; o < end; o += 16) {
        const xl = v128.load(x + (o << 1)), xh = v128.load(x + (o << 1), 16);
        const y0 = v128.load(p0 + o), y1 = v128.load(p1 + o), y2 = v128.load(p2 + o), y3 = v128.load(p3 + o);
        v128.store(q, y0);
        v128.store(q, y1, 16);
        v128.store(q, y2, 32);
        v128.store(q, y3, 48);
        a0 = madd(promoteHigh(y0), xh, madd(f64x2.promote_low_f32x4(y0), xl, a0));
        a1 = madd(promoteHigh(y1), xh, madd(f64x2.promote_low_f32x4(y1), xl, a1));
        a2 = madd(promoteHigh(y2), xh, madd(f64x2.promote_low_f32x4(y2), xl, a2));
        a3 = madd(promoteHigh(y3), xh, madd(f64x2.promote_low_f32x4(y3), xl, a3));
        q += 64;
      }
      storeLaneSums(t, a0, a1, a2, a3);
    }
  } else {
    let d0: f64 = 0, d1: f64 = 0, d2: f64 = 0, d3: f64 = 0;
    let e0: f32 = 0, e1: f32 = 0, e2: f32 = 0, e3: f32 = 0;
    for (let o: usize = 0; o < end; o += 4) {
      const y0 = load<f32>(p0 + o), y1 = load<f32>(p1 + o), y2 = load<f32>(p2 + o), y3 = load<f32>(p3 + o);
      const s = q + (o & 15);
      store<f32>(s, y0);
      store<f32>(s, y1, 16);
      store<f32>(s, y2, 32);
      store<f32>(s, y3, 48);
      if (f32Sums) {
        const xa = load<f32>(x32 + o);
        e0 += y0 * xa; e1 += y1 * xa; e2 += y2 * xa; e3 += y3 * xa;
      } else {
        const xa = load<f64>(x + (o << 1));
        d0 += <f64>y0 * xa; d1 += <f64>y1 * xa; d2 += <f64>y2 * xa; d3 += <f64>y3 * xa;
      }
      if ((o & 15) == 12) q += 64;
    }
    store<f64>(t, f32Sums ? <f64>e0 : d0);
    store<f64>(t, f32Sums ? <f64>e1 : d1, 8);
    store<f64>(t, f32Sums ? <f64>e2 : d2, 16);
    store<f64>(t, f32Sums ? <f64>e3 : d3, 24);
  }
}

/**
 * Gathers the row's vectors y_j = Y32[indices[j]], j ∈ [lo, hi), into the f32 panel (a short
 * last block is padded with zeroRow's zero vectors of weight 0) and their weights |c_j| − 1
 * into w, and adds Σ_j (c⁺_j − w_j·y_jᵀx)·y_j to r (f64, whole quads; the padding lanes get 0).
 * With `f32Sums` the dots and the sum are taken in f32 per block (x32: x in f32; acc: a quad
 * vector of f32 scratch) and added to r in f64 every FLUSH blocks, as the steps' products of
 * MIXED_F32_ACC; otherwise every multiply-add is in f64. sv ≠ 0: the dots y_jᵀx are kept there.
 */
export function gatherResidual32(
  r: usize, x: usize, x32: usize, Y32: usize, indices: usize, conf: usize, lo: i32, hi: i32, f: i32,
  panel: usize, w: usize, zeroRow: usize, sv: usize, acc: usize, f32Sums: bool,
): void {
  const quads = (f + 3) >> 2;
  const rowBytes = quadBytes(f);
  const blockBytes = rowBytes << 2;
  // SIMD f32 sums: each block's sum into r is taken in the loop that gathers the next block.
  const pipe = f32Sums && ASC_FEATURE_SIMD;
  if (f32Sums) for (let l = 0; l < quads << 2; l++) store<f32>(acc + (<usize>l << 2), 0);
  if (pipe) packDots(panel, x, x32, rowOf(Y32, indices, lo, hi, rowBytes, zeroRow), rowOf(Y32, indices, lo + 1, hi, rowBytes, zeroRow), rowOf(Y32, indices, lo + 2, hi, rowBytes, zeroRow), rowOf(Y32, indices, lo + 3, hi, rowBytes, zeroRow), quads, w, true);
  let block = panel;
  for (let j = lo, b = 0; j < hi; j += 4, b++) {
    const n = min(4, hi - j);
    const t = w + (<usize>(j - lo) << 3);
    if (!pipe) packDots(block, x, x32, rowOf(Y32, indices, j, hi, rowBytes, zeroRow), rowOf(Y32, indices, j + 1, hi, rowBytes, zeroRow), rowOf(Y32, indices, j + 2, hi, rowBytes, zeroRow), rowOf(Y32, indices, j + 3, hi, rowBytes, zeroRow), quads, t, f32Sums);
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
    if (f32Sums) {
      if (b % FLUSH == 0 && b > 0) flushF32(r, acc, quads);
      if (pipe && j + 4 < hi) {
        const k = j + 4;
        addBlockPackNext(acc, block, s0, s1, s2, s3, x32, rowOf(Y32, indices, k, hi, rowBytes, zeroRow), rowOf(Y32, indices, k + 1, hi, rowBytes, zeroRow), rowOf(Y32, indices, k + 2, hi, rowBytes, zeroRow), rowOf(Y32, indices, k + 3, hi, rowBytes, zeroRow), block + blockBytes, t + 32, quads);
      } else {
        addBlockF32(acc, block, s0, s1, s2, s3, quads);
      }
    } else {
      addBlockF64(r, block, s0, s1, s2, s3, quads);
    }
    block += blockBytes;
  }
  if (f32Sums) flushF32(r, acc, quads);
}

/** The f32 row of entry j's vector in Y32, or the zero row for j ≥ hi (a short last block's padding). */
// @ts-ignore: decorator
@inline function rowOf(Y32: usize, indices: usize, j: i32, hi: i32, rowBytes: usize, zeroRow: usize): usize {
  return j < hi ? Y32 + <usize>load<i32>(indices + (<usize>j << 2)) * rowBytes : zeroRow;
}

/**
 * acc += s0·y0 + … + s3·y3 for one panel block (f32) and, in the same loop, {@link packDots}
 * (f32 sums) of the next block's rows p0…p3 into `next`, their dots at t: the gather's loads
 * and the dots' dependent chains overlap the sum's independent ones.
 */
// @ts-ignore: decorator
@inline function addBlockPackNext(
  acc: usize, block: usize, s0: f64, s1: f64, s2: f64, s3: f64, x32: usize,
  p0: usize, p1: usize, p2: usize, p3: usize, next: usize, t: usize, quads: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    const w0 = f32x4.splat(<f32>s0), w1 = f32x4.splat(<f32>s1), w2 = f32x4.splat(<f32>s2), w3 = f32x4.splat(<f32>s3);
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let q = block;
    let nq = next;
    const end = <usize>quads << 4;
    for (let o: usize = 0; o < end; o += 16) {
      let c = v128.load(acc + o);
      c = madd32(w0, v128.load(q), c);
      c = madd32(w1, v128.load(q, 16), c);
      c = madd32(w2, v128.load(q, 32), c);
      c = madd32(w3, v128.load(q, 48), c);
      v128.store(acc + o, c);
      const xv = v128.load(x32 + o);
      const y0 = v128.load(p0 + o), y1 = v128.load(p1 + o), y2 = v128.load(p2 + o), y3 = v128.load(p3 + o);
      v128.store(nq, y0);
      v128.store(nq, y1, 16);
      v128.store(nq, y2, 32);
      v128.store(nq, y3, 48);
      a0 = madd32(y0, xv, a0);
      a1 = madd32(y1, xv, a1);
      a2 = madd32(y2, xv, a2);
      a3 = madd32(y3, xv, a3);
      q += 64;
      nq += 64;
    }
    storeQuadSums(t, a0, a1, a2, a3);
  }
}
