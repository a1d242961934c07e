/**
 * The values the kernels read (ratings, or signed confidences, stored as f32): their limits and
 * the check, before any work, that names the pair a bad value belongs to.
 */
import type { Csr, IdMap } from '../data/types.js';
import { AlsError } from '../errors.js';

/** Largest rating or confidence magnitude: values are stored as f32 (max ≈ 3.4e38) for the kernels. */
export const MAX_VALUE_MAGNITUDE = 1e38;
/**
 * Smallest nonzero rating or confidence magnitude: below it f32 storage loses the value (1e-300
 * becomes 0, silently changing a rating or dropping an interaction), so it is refused instead.
 */
export const MIN_VALUE_MAGNITUDE = 1e-38;

/** Whether a nonzero rating or confidence is too small to survive f32 storage (see {@link MIN_VALUE_MAGNITUDE}). */
export function underflowsF32(value: number): boolean {
  return value !== 0 && Math.abs(value) < MIN_VALUE_MAGNITUDE;
}
/** From this magnitude on, a not-positive-definite row is blamed on the values' scale as well. */
export const LARGE_VALUE = 1e8;

/**
 * Refuses data the kernels cannot handle before any work: a rating or confidence that is not
 * finite or beyond ±{@link MAX_VALUE_MAGNITUDE}, or nonzero below {@link MIN_VALUE_MAGNITUDE} (f32 would
 * store 0; `NON_FINITE` with `reason: 'underflow'`), naming the pair, and implicit
 * feedback without a single positive value (`EMPTY_DATA`: p = 0 everywhere, so the only
 * solution is all-zero factors). Scans the renumbered user side (`inside`, its f32 `values`);
 * a bad entry is reported as the caller's user, item and raw value (`byUser`, `userOrder`).
 */
export function checkValues(inside: { rows: number; indptr: Int32Array }, values: Float32Array, byUser: Csr, userOrder: Int32Array, explicit: boolean, hooks: { users?: IdMap; items?: IdMap }, exact: (raw: number) => number): void {
  let positive = false;
  for (let i = 0; i < inside.rows; i++) {
    for (let k = inside.indptr[i]; k < inside.indptr[i + 1]; k++) {
      if (values[k] > 0) positive = true;
      const overflow = !(Math.abs(values[k]) <= MAX_VALUE_MAGNITUDE);
      // A stored 0 (or f32 subnormal) may be a nonzero value that f32 could not hold: compare with the exact one.
      if (overflow || Math.abs(values[k]) < MIN_VALUE_MAGNITUDE) {
        // The same entry in the caller's numbering: same user, same position in its row.
        const u = userOrder[i];
        const j = byUser.indptr[u] + (k - inside.indptr[i]);
        const v = exact(byUser.values[j]); // the value before f32 rounding, for the message
        if (!overflow && !underflowsF32(v)) continue;
        const user = hooks.users ? JSON.stringify(hooks.users.id(u)) : `#${u}`;
        const item = hooks.items ? JSON.stringify(hooks.items.id(byUser.indices[j])) : `#${byUser.indices[j]}`;
        const what = explicit ? 'rating' : 'confidence';
        if (!overflow) {
          throw new AlsError(
            'NON_FINITE',
            `The ${what} of user ${user} for item ${item} is ${v} (from the value ${byUser.values[j]}${explicit ? '' : ' after alpha and summing repeated pairs'}): too small to store — the kernels hold values as 32-bit floats, where it would become ${values[k]}. ` +
              `Nonzero ${what}s must have a magnitude of at least ${MIN_VALUE_MAGNITUDE}. Rescale the values (or write 0 where 0 is meant).`,
            { user: hooks.users?.id(u) ?? u, item: hooks.items?.id(byUser.indices[j]) ?? byUser.indices[j], value: byUser.values[j], [what]: v, limit: MIN_VALUE_MAGNITUDE, reason: 'underflow' },
          );
        }
        throw new AlsError(
          'NON_FINITE',
          `The ${what} of user ${user} for item ${item} is ${v} (from the value ${byUser.values[j]}${explicit ? '' : ' after alpha and summing repeated pairs'}); ${what}s must be finite and within ±${MAX_VALUE_MAGNITUDE}. Rescale the values${explicit ? '' : ", lower alpha or use confidence: 'log'"}.`,
          { user: hooks.users?.id(u) ?? u, item: hooks.items?.id(byUser.indices[j]) ?? byUser.indices[j], value: byUser.values[j], [what]: v, limit: MAX_VALUE_MAGNITUDE },
        );
      }
    }
  }
  if (!explicit && !positive) {
    throw new AlsError('EMPTY_DATA', 'Implicit feedback needs at least one positive value (r > 0 means "interacted"); every value here is 0 or negative, so every factor would be 0. Check the value column, or use feedback: "explicit".', {});
  }
}

