/**
 * The errors of a half-step, naming the caller's row: a row whose system is not positive
 * definite (with the advice that fits: raise λ, or rescale values that swamp it), or a row
 * whose factors came out non-finite.
 */
import type { IdMap } from '../data/types.js';
import { AlsError } from '../errors.js';
import type { KernelRuntime } from '../wasm/kernels.js';
import type { Layout } from './layout.js';
import { LARGE_VALUE } from './values.js';

/** Which side a row is on. */
export type Side = 'users' | 'items';

/** Builds the errors of one run (its layout maps inside rows back to the caller's). */
export class RowErrors {
  /**
   * @param rt - the run's kernels (the values are read from its memory)
   * @param L - the run's layout
   * @param names - id maps for messages (dense index → id)
   */
  constructor(
    private readonly rt: KernelRuntime,
    private readonly L: Layout,
    private readonly names: { users?: IdMap; items?: IdMap },
  ) {}

  /** `inside` is a row of the renumbered layout; messages and details name the caller's row. */
  nonFinite(side: Side, inside: number, it: number): AlsError {
    const row = this.callerRow(side, inside);
    const id = this.nameOf(side, row);
    return new AlsError('NON_FINITE', `Training produced non-finite factors for ${side === 'users' ? 'user' : 'item'} ${id} at iteration ${it + 1}. Lower alpha (or the values), or raise regularization.`, { side, row, id, iteration: it + 1 });
  }

  /** A row whose system the Cholesky factorisation refused. */
  notPositiveDefinite(side: Side, inside: number, it: number): AlsError {
    const { opts, f } = this.L;
    const explicit = opts.feedback === 'explicit';
    const row = this.callerRow(side, inside);
    const what = side === 'users' ? 'user' : 'item';
    const s = side === 'users' ? this.L.users : this.L.items;
    const count = s.indptr; // renumbered, as the values
    const nnz = count[inside + 1] - count[inside];
    // Huge values dwarf λ and round the system to singular: say so rather than only "raise λ".
    const values = this.rt.arena.f32(s.valuesPtr, s.nnz);
    let largest = 0;
    for (let j = count[inside]; j < count[inside + 1]; j++) largest = Math.max(largest, Math.abs(values[j]));
    const hint = largest >= LARGE_VALUE ? ` Its ${explicit ? 'ratings' : 'confidences'} reach ${largest.toPrecision(3)}, which swamps the regularization: rescale the values${explicit ? '' : ", lower alpha or use confidence: 'log'"}.` : '';
    return new AlsError(
      'NOT_POSITIVE_DEFINITE',
      `The system for ${what} ${this.nameOf(side, row)} (${nnz} interactions, ${f} factors) is not positive definite at iteration ${it + 1}` +
        (opts.regularization === 0 ? ': regularization is 0 and this row has too few interactions to determine its factors. Set regularization > 0.' : '. Try increasing the regularization.') +
        hint,
      { side, row, id: this.nameOf(side, row), iteration: it + 1, interactions: nnz, regularization: opts.regularization, largestValue: largest },
    );
  }

  private callerRow(side: Side, inside: number): number {
    return (side === 'users' ? this.L.userOrder : this.L.itemOrder)[inside];
  }

  private nameOf(side: Side, row: number): string {
    const map = side === 'users' ? this.names.users : this.names.items;
    return map ? JSON.stringify(map.id(row)) : `#${row}`;
  }
}
