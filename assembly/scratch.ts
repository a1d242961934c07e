// The row solvers' scratch layout. The caller allocates scratchBytes(k, maxRowNnz) once per
// solve call; kernels never allocate. With k4 = k rounded up to 4, s = the row stride:
//
//   [0..15 alignment slack]
//   A   k4 × s f64   the row's normal matrix, factored in place (upper triangle)
//   G   k4 × s f64   implicit: YᵀY + λI, padded with zeros (built once per call)
//   b   k4 f64       right-hand side, then the solution
//   P   k4/4 panels of chunk × 4 f64 (+ 64 B)   the row's gathered ỹ_i, 4 columns per panel
//   WP  same size      w_i·ỹ_i (implicit: w = |c| − 1), right after the current chunk's P
//
// A row with more entries than `chunk` is accumulated chunk by chunk, so P and WP stay small
// enough for the L2 cache whatever the row's length.
import { roundUp4 } from './vec';

/** Row stride (f64) of the padded k×k scratch matrices. */
// @ts-ignore: decorator
@inline export function strideFor(k4: i32): i32 {
  // A power-of-two stride of ≥ 512 B maps a column walk onto a few L1 sets; 4 extra
  // columns spread it. Stays a multiple of 4, so rows stay 32-byte multiples apart.
  return (k4 & 15) == 0 ? k4 + 4 : k4;
}

/**
 * Entries per packed chunk: 128 keeps P + WP ≤ 256 KiB up to k = 128 (L2-resident) and makes
 * the per-tile load/store of A negligible. A constant, so scratchBytes grows with k.
 */
export const CHUNK: i32 = 128;

/**
 * Bytes between two packed panels of n entries: one cache line more than the n × 32 bytes, so
 * that the 2·k4/4 panel streams written per packed row (and read by the tiles) fall into
 * different L1 sets instead of all aliasing to one set when n × 32 is a multiple of 4 KiB.
 */
// @ts-ignore: decorator
@inline export function panelStride(n: i32): usize {
  return (<usize>n << 5) + 64;
}

/** Bytes one row-solver call needs for solve dimension k and rows of ≤ maxRowNnz entries. */
export function scratchBytes(k: i32, maxRowNnz: i32): usize {
  const k4 = roundUp4(max(k, 1));
  const s = strideFor(k4);
  const chunk = min(CHUNK, max(maxRowNnz, 1));
  return 16 + ((<usize>2 * k4 * s + <usize>k4) << 3) + <usize>(k4 >> 1) * panelStride(chunk);
}
