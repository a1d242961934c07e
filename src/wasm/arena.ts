import { AlsError } from '../errors.js';

/** Bytes of one WebAssembly page. */
export const PAGE_BYTES = 65536;
/** wasm32 linear memory cannot exceed 4 GiB (65 536 pages). */
export const MAX_PAGES = 65536;

/**
 * A bump allocator over a `WebAssembly.Memory`, owned by JavaScript: kernels never allocate,
 * so the same layout works for one instance or for several instances sharing one memory.
 * Typed-array views are made fresh on every call because `memory.grow` detaches old ones.
 */
export class Arena {
  /** The linear memory shared with the kernels. */
  readonly memory: WebAssembly.Memory;
  private top: number;
  private high: number;
  private readonly base: number;
  private readonly maxPages: number;

  /**
   * @param memory - the kernels' memory
   * @param base - first byte the arena may use (above the module's static data)
   * @param maxPages - the memory's declared maximum in pages
   */
  constructor(memory: WebAssembly.Memory, base = PAGE_BYTES, maxPages = MAX_PAGES) {
    this.memory = memory;
    this.base = align(base, 16);
    this.top = this.base;
    this.high = this.top;
    this.maxPages = maxPages;
  }

  /** First byte the arena hands out (its base, 16-aligned). */
  get start(): number {
    return this.base;
  }

  /** Bytes handed out so far (above the base). */
  get used(): number {
    return this.top - this.base;
  }

  /** The highest end address handed out since construction (a high-water mark, in bytes from 0). */
  get peak(): number {
    return this.high;
  }

  /** Reserves `bytes` (aligned to `alignment`), growing the memory if needed; returns the pointer. */
  alloc(bytes: number, alignment = 16): number {
    const ptr = align(this.top, alignment);
    const end = ptr + Math.max(0, bytes);
    this.ensure(end);
    this.top = end;
    if (end > this.high) this.high = end;
    return ptr;
  }

  /** Allocates and copies a Float64Array in; returns the pointer. */
  putF64(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length * 8);
    this.f64(ptr, data.length).set(data);
    return ptr;
  }

  /** Allocates and copies values in as f32 (rounded to nearest); returns the pointer. */
  putF32(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length * 4);
    this.f32(ptr, data.length).set(data);
    return ptr;
  }

  /** Allocates and copies an Int32Array in; returns the pointer. */
  putI32(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length * 4);
    this.i32(ptr, data.length).set(data);
    return ptr;
  }

  /** A fresh Float64Array view of `length` elements at `ptr`. */
  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }

  /** A fresh Float32Array view of `length` elements at `ptr`. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  /** A fresh Int32Array view of `length` elements at `ptr`. */
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  /** The current top, to be passed to {@link Arena.release} later. */
  mark(): number {
    return this.top;
  }

  /** Frees everything allocated since `mark` (the memory itself never shrinks). */
  release(mark: number): void {
    if (mark < this.base || mark > this.top) throw new RangeError(`bad arena mark ${mark}`);
    this.top = mark;
  }

  /** Frees everything. */
  reset(): void {
    this.top = this.base;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const needPages = Math.ceil(end / PAGE_BYTES);
    if (needPages > this.maxPages) {
      throw new AlsError(
        'OUT_OF_MEMORY',
        `This problem needs ${formatBytes(end)} of WebAssembly memory, more than the ${formatBytes(this.maxPages * PAGE_BYTES)} a wasm32 memory can hold. Use fewer factors or a smaller dataset.`,
        { neededBytes: end, limitBytes: this.maxPages * PAGE_BYTES },
      );
    }
    try {
      this.memory.grow(needPages - have / PAGE_BYTES);
    } catch (e) {
      throw new AlsError(
        'OUT_OF_MEMORY',
        `Could not grow WebAssembly memory to ${formatBytes(needPages * PAGE_BYTES)} (${(e as Error).message}). Free memory or use a smaller problem.`,
        { neededBytes: needPages * PAGE_BYTES },
      );
    }
  }
}

/** Rounds `n` up to a multiple of `a` (a power of two). */
export function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** "1.5 GiB"-style formatting for messages. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
