/**
 * A model's own region of the kernels' memory: Y (and the item biases), YᵀY, a factor vector
 * and a score buffer, written once when the model is built, and the arena mark above them that
 * every serving call releases back to. Scoring (Y·x) and the user rows of `usersForItem` live here.
 */
import type { TargetRows } from '../recommend/batch.js';
import type { KernelRuntime } from '../wasm/kernels.js';
import type { Factors } from '../train/factors.js';

/** The kernels' memory a model scores and folds in with. */
export class ServingMemory {
  /** The kernel runtime (build, memory, arena) the model serves from. */
  readonly rt: KernelRuntime;
  /** Y, items × f, row-major. */
  readonly Yp: number;
  /** YᵀY, f × f. */
  readonly Gp: number;
  /** Item biases, or 0 without them. */
  readonly biP: number;
  /** One factor vector (f + 1 values: the bias lane of an explicit solve). */
  readonly xP: number;
  /** One score per item. */
  readonly scoresP: number;
  /** The arena's mark above the model's own buffers: every call releases back to it. */
  base: number;
  /** User factors (and biases) in the kernels' memory, for usersForItem (copied in on first use). */
  private userRowsInMemory?: TargetRows;

  /**
   * Writes the model's item side into `rt`'s arena (from its current mark) and computes YᵀY.
   * @param rt - the kernel runtime to serve from
   * @param params - the model's factors (kept by reference: the model never changes them)
   * @param items - number of items (rows of Y)
   */
  constructor(
    rt: KernelRuntime,
    private readonly params: Factors,
    private readonly items: number,
  ) {
    this.rt = rt;
    const { factors: f, itemFactors } = params;
    const n = items;
    this.Yp = rt.arena.putF64(itemFactors);
    this.Gp = rt.arena.alloc(8 * f * f);
    rt.exports.gramian(this.Yp, n, f, this.Gp);
    this.biP = params.itemBiases ? rt.arena.putF64(params.itemBiases) : 0;
    this.xP = rt.arena.alloc(8 * (f + 1));
    this.scoresP = rt.arena.alloc(8 * n);
    this.base = rt.arena.mark();
  }

  /** Y·x (+ biases) as a view into the kernels' memory: valid until the next kernel call. */
  scores(x: Float64Array, bu: number): Float64Array {
    const n = this.items;
    const f = this.params.factors;
    this.rt.arena.f64(this.xP, f).set(x.subarray(0, f));
    this.rt.exports.scoreRows(this.Yp, n, f, this.xP, this.scoresP);
    const scores = this.rt.arena.f64(this.scoresP, n);
    const { itemBiases, globalMean } = this.params;
    if (itemBiases) {
      const c = globalMean + bu;
      for (let i = 0; i < n; i++) scores[i] += c + itemBiases[i];
    }
    return scores;
  }

  /** User factors and biases copied into the kernels' memory once, above the model's buffers. */
  userRows(users: number): TargetRows {
    if (!this.userRowsInMemory) {
      const { arena } = this.rt;
      arena.release(this.base);
      const ptr = arena.putF64(this.params.userFactors);
      const biasPtr = this.params.userBiases ? arena.putF64(this.params.userBiases) : 0;
      this.base = arena.mark();
      this.userRowsInMemory = { ptr, rows: users, f: this.params.factors, biasPtr };
    }
    return this.userRowsInMemory;
  }
}
