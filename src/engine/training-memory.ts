/**
 * The training memory an engine keeps from run to run, so that repeated training (and updates)
 * do not grow memory: one run at a time uses it, a concurrent run gets a memory of its own.
 */
import type { KernelVariant } from '../wasm/abi.js';
import { loadKernels, type KernelRuntime } from '../wasm/kernels.js';

/** The `kernels` values a kept runtime is loaded for; any other value is left to option validation. */
const KERNEL_CHOICES: readonly (KernelVariant | 'auto')[] = ['auto', 'relaxed', 'simd', 'scalar', 'reference'];

/** A kernel runtime kept for training runs, lent to one run at a time. */
export class TrainingMemory {
  /** The kept runtime; null before the first run and after {@link TrainingMemory.drop}. */
  private runtime: KernelRuntime | null = null;
  /** Whether a run uses the kept runtime now. */
  private busy = false;
  /** The `kernels` option the kept runtime was loaded for. */
  private loadedFor: KernelVariant | 'auto' | null = null;

  /** Bytes of the kept runtime's WebAssembly memory (0 without one). */
  get bytes(): number {
    return this.runtime?.memory.buffer.byteLength ?? 0;
  }

  /**
   * Runs a training run `fn` with the kept runtime for `kernels` when it is free (loaded on first
   * use, or when another build is asked for), else with `undefined` (the run loads its own).
   */
  async forTraining<T>(kernels: KernelVariant | 'auto', fn: (runtime: KernelRuntime | undefined) => Promise<T>): Promise<T> {
    // An unknown `kernels` value is left to option validation (BAD_OPTION) inside train.
    const reuse = !this.busy && KERNEL_CHOICES.includes(kernels);
    if (reuse) this.busy = true;
    try {
      const runtime = reuse ? await this.load(kernels) : undefined;
      return await fn(runtime);
    } finally {
      if (reuse) this.busy = false;
    }
  }

  /**
   * Runs an update `fn` with the kept runtime when it is free and of the model's build `variant`
   * (repeated updates do not add memories), else with `undefined`.
   */
  async forUpdate<T>(variant: KernelVariant, fn: (runtime: KernelRuntime | undefined) => Promise<T>): Promise<T> {
    const reuse = !this.busy && this.runtime?.variant === variant;
    if (reuse) this.busy = true;
    try {
      return await fn(reuse ? this.runtime! : undefined);
    } finally {
      if (reuse) this.busy = false;
    }
  }

  /** Lets go of the kept runtime (a later run loads a new one). */
  drop(): void {
    this.runtime = null;
  }

  /** The kept training runtime for `variant` (loaded on first use, or when another build is asked for). */
  private async load(variant: KernelVariant | 'auto'): Promise<KernelRuntime> {
    if (this.runtime && this.loadedFor === variant) return this.runtime;
    this.runtime = await loadKernels({ variant });
    this.loadedFor = variant;
    return this.runtime;
  }
}
