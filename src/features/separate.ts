/** Splits a model trained on augmented data into the real model and its features. */
import { AlsModel } from '../model/model.js';
import { idMapFromIds } from '../data/id-map.js';
import type { Csr } from '../data/types.js';
import type { Augmented, Carriers } from './augment.js';
import { applyMapping, fitMapping } from './mapping.js';
import type { FeatureSide, ModelFeatures } from '../model/feature-types.js';

/**
 * The model of the real users and items (cold ones included) with the pseudo rows' factors
 * kept as `features`: no pseudo row is a user or an item of the result, nor in its seen
 * matrix. Rows without interactions (cold items and users) get their factors from the
 * attribute-to-factor mapping fitted on the warm rows (mapping.ts).
 * @param trained - the model trained on `aug.data`
 * @param aug - where the real and pseudo rows are
 * @param unit - the feature weight and value unit used
 * @param flags - how ε and λ were chosen (restored on the options)
 */
export async function separate(trained: AlsModel, aug: Augmented, unit: { weight: number; unit: number }, flags: { autoEpsilon: boolean; autoRegularization: boolean }): Promise<AlsModel> {
  const { factors: f, userFactors, itemFactors, userBiases, itemBiases, globalMean } = trained.params;
  const m = aug.users;
  const n = aug.items;
  const seen = realPart(trained.seen, m, n);
  const X = userFactors.slice(0, m * f);
  const Y = itemFactors.slice(0, n * f);
  const bu = userBiases?.slice(0, m);
  const bi = itemBiases?.slice(0, n);
  const itemCount = new Int32Array(n);
  for (const i of seen.indices) itemCount[i]++;
  const side = (s: Carriers | undefined, pseudo: Float64Array, pseudoBiases: Float64Array | undefined, from: number, own: Float64Array, ownBiases: Float64Array | undefined, warm: (r: number) => boolean): FeatureSide | undefined => {
    if (!s) return undefined;
    const mapping = fitMapping(s, own, f, ownBiases, warm);
    for (let r = 0; r < s.indptr.length - 1; r++) {
      if (warm(r) || s.indptr[r] === s.indptr[r + 1]) continue;
      const y = applyMapping(mapping, s.indices.subarray(s.indptr[r], s.indptr[r + 1]), s.strengths.subarray(s.indptr[r], s.indptr[r + 1]));
      own.set(y.subarray(0, f), r * f);
      if (ownBiases) ownBiases[r] = y[f];
    }
    return { ...s, factors: pseudo.slice(from * f, (from + s.names.length) * f), biases: pseudoBiases?.slice(from, from + s.names.length), mapping: mapping.weights };
  };
  const features: ModelFeatures = {
    weight: unit.weight,
    unit: unit.unit,
    item: side(aug.item, userFactors, userBiases, m, Y, bi, (i) => itemCount[i] > 0),
    user: side(aug.user, itemFactors, itemBiases, n, X, bu, (u) => seen.indptr[u + 1] > seen.indptr[u]),
  };
  return AlsModel.create(
    {
      options: { ...trained.options, ...flags },
      users: idMapFromIds(trained.users.ids().slice(0, m)),
      items: idMapFromIds(trained.items.ids().slice(0, n)),
      factors: { factors: f, userFactors: X, itemFactors: Y, userBiases: bu, itemBiases: bi, globalMean },
      seen,
      report: trained.report,
      // BM25 (weighting: 'bm25'): the idf of the real items (the pseudo entries were weighted like any row).
      bm25: trained.bm25 && { ...trained.bm25, idf: trained.bm25.idf.slice(0, n) },
      features,
      ratingScale: trained.ratingScale,
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
