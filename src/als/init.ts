import { Rng } from '../util/rng.js';

/**
 * Fills `out` (rows × f, row-major) with the "first quadrant of the unit sphere" start used by
 * Spark MLlib's RDD-era ALS: each element |N(0,1)|, each row scaled to unit length.
 * see: org.apache.spark.ml.recommendation.ALS.initialize
 *
 * @param out - destination, length ≥ rows·f
 * @param rows - number of rows
 * @param f - factors per row
 * @param rng - the seeded generator (consumed in row-major order, so results are reproducible)
 * @param at - where row r goes (`out` row at[r]): the same draws for each row, renumbered
 */
export function initFactors(out: Float64Array, rows: number, f: number, rng: Rng, at?: Int32Array): void {
  for (let r = 0; r < rows; r++) {
    const o = (at ? at[r] : r) * f;
    let norm2 = 0;
    for (let j = 0; j < f; j++) {
      const v = Math.abs(rng.normal());
      out[o + j] = v;
      norm2 += v * v;
    }
    const inv = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
    for (let j = 0; j < f; j++) out[o + j] *= inv;
  }
}
