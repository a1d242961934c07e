/** Splits a model trained on augmented data into the real model and its features. */
import { AlsModel } from '../als/model.js';
import { idMapFromIds } from '../data/id-map.js';
import type { Csr } from '../data/types.js';
import type { Augmented } from './augment.js';
import type { FeatureSide, ModelFeatures } from './types.js';

/**
 * The model of the real users and items (cold ones included) with the pseudo rows' factors
 * kept as `features`: no pseudo row is a user or an item of the result, nor in its seen matrix.
 * @param trained - the model trained on `aug.data`
 * @param aug - where the real and pseudo rows are
 * @param unit - the feature weight and value unit used
 * @param flags - how ε and λ were chosen (restored on the options)
 */
export async function separate(trained: AlsModel, aug: Augmented, unit: { weight: number; unit: number }, flags: { autoEpsilon: boolean; autoRegularization: boolean }): Promise<AlsModel> {
  const { factors: f, userFactors, itemFactors, userBiases, itemBiases, globalMean } = trained.params;
  const m = aug.users;
  const n = aug.items;
  const side = (s: Augmented['item'], X: Float64Array, b: Float64Array | undefined, from: number): FeatureSide | undefined =>
    s && { ...s, factors: X.slice(from * f, (from + s.names.length) * f), biases: b?.slice(from, from + s.names.length) };
  const features: ModelFeatures = {
    weight: unit.weight,
    unit: unit.unit,
    item: side(aug.item, userFactors, userBiases, m),
    user: side(aug.user, itemFactors, itemBiases, n),
  };
  return AlsModel.create(
    {
      options: { ...trained.options, ...flags },
      users: idMapFromIds(trained.users.ids().slice(0, m)),
      items: idMapFromIds(trained.items.ids().slice(0, n)),
      factors: {
        factors: f,
        userFactors: userFactors.slice(0, m * f),
        itemFactors: itemFactors.slice(0, n * f),
        userBiases: userBiases?.slice(0, m),
        itemBiases: itemBiases?.slice(0, n),
        globalMean,
      },
      seen: realPart(trained.seen, m, n),
      report: trained.report,
      features,
    },
    trained.options.kernels,
  );
}

/** The first `rows` rows of `csr`, keeping only columns below `cols`. */
export function realPart(csr: Csr, rows: number, cols: number): Csr {
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = csr.indptr[r]; j < csr.indptr[r + 1]; j++) {
      if (csr.indices[j] < cols) {
        indices.push(csr.indices[j]);
        values.push(csr.values[j]);
      }
    }
    indptr[r + 1] = indices.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}
