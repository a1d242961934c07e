// Streaming kernels for the roofline of BENCHMARKS.md (bench/roofline.mjs; AssemblyScript, which tsconfig.json leaves to asc): the memory bandwidth
// a WebAssembly SIMD loop gets on this machine. Built standalone by bench/roofline.mjs.

/** Σ of the f64 array [p, p + bytes) read with four v128 accumulators (a read-only stream). */
export function streamRead(p: usize, bytes: usize): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  const end = p + bytes;
  for (let q = p; q < end; q += 64) {
    a0 = f64x2.add(a0, v128.load(q));
    a1 = f64x2.add(a1, v128.load(q, 16));
    a2 = f64x2.add(a2, v128.load(q, 32));
    a3 = f64x2.add(a3, v128.load(q, 48));
  }
  const s = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Σ over `count` random 64-byte-aligned rows of `rowBytes` from [p, p + span) (a gather, like the CG panel's). */
export function gatherRead(p: usize, span: usize, rowBytes: usize, count: i32, seed: u32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  const rows = <u32>(span / rowBytes);
  let x = seed;
  for (let j = 0; j < count; j++) {
    x = x * 1664525 + 1013904223;
    const row = p + <usize>((<u64>x * <u64>rows) >> 32) * rowBytes;
    const end = row + rowBytes;
    for (let q = row; q < end; q += 32) {
      a0 = f64x2.add(a0, v128.load(q));
      a1 = f64x2.add(a1, v128.load(q, 16));
    }
  }
  const s = f64x2.add(a0, a1);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}
