/**
 * Typed views of the memory the TypeScript reference kernels work in. Each call makes a fresh
 * view, because the memory may have grown (and replaced its buffer) since the last one.
 */

/** Fresh views of the kernels' memory, one per element type. */
export interface MemoryViews {
  /** f64 view: factors, Gram matrices, right-hand sides, scratch. */
  F(): Float64Array;
  /** f32 view: interaction values (confidences, ratings) are stored as f32 (see train.ts). */
  F32(): Float32Array;
  /** i32 view: CSR offsets and indices, top-k rows and counts. */
  I(): Int32Array;
}

/**
 * The views of `memory`.
 * @param memory - the memory holding every buffer the kernels are given
 */
export function memoryViews(memory: WebAssembly.Memory): MemoryViews {
  return {
    F: () => new Float64Array(memory.buffer),
    F32: () => new Float32Array(memory.buffer),
    I: () => new Int32Array(memory.buffer),
  };
}
