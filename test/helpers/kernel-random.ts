/**
 * A small seeded PRNG for the kernel tests (mulberry32): the same seed gives the same problem
 * on every run, so a failure can be replayed from the seed in its test name.
 */
export class KernelRandom {
  private state: number;
  private spare: number | undefined;

  /** @param seed - any integer */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `count` distinct sorted integers from [0, n). */
  distinct(count: number, n: number): number[] {
    const picked = new Set<number>();
    while (picked.size < Math.min(count, n)) picked.add(this.int(n));
    return [...picked].sort((a, b) => a - b);
  }
}
