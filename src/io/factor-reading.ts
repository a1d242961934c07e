/**
 * What every factor-file reader shares: the dense matrix it returns, the `BAD_FACTORS` error it
 * raises (naming the entry and the reason), and sizes written for people in its messages.
 */
import { AlsError } from '../errors.js';

/** A dense matrix read from a file. */
export interface FactorMatrix {
  /** Rows (users or items). */
  rows: number;
  /** Columns (factors). */
  cols: number;
  /** Row-major values, `rows × cols`. */
  data: Float64Array;
}

/** A factor file that cannot be imported: `details.entry` (the .npz entry, or null) and `details.reason`. */
export const badFactors = (message: string, details: { entry?: string | null; reason: string } & Record<string, unknown>) => new AlsError('BAD_FACTORS', message, { entry: null, ...details });

/** A byte count for a message: GiB, MiB or bytes. */
export function formatBytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${n} bytes`;
}
