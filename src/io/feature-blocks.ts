/** The features' part of a model file: names in the header, factors and carriers as blocks. */
import { AlsError } from '../errors.js';
import type { ModelBlock } from './model-format.js';
import type { FeatureSide, ModelFeatures } from '../model/feature-types.js';

/** Header fields and blocks that store a model's features (none for a model without). */
export function featureBlocks(features: ModelFeatures | undefined): { header: Record<string, unknown> | null; blocks: { name: string; data: Float64Array | Int32Array }[] } {
  if (!features) return { header: null, blocks: [] };
  const blocks: { name: string; data: Float64Array | Int32Array }[] = [];
  const header: Record<string, unknown> = { weight: features.weight, unit: features.unit };
  for (const key of ['item', 'user'] as const) {
    const s = features[key];
    if (!s) continue;
    header[key] = { names: s.names, biases: !!s.biases };
    blocks.push({ name: `${key}FeatureFactors`, data: s.factors }, { name: `${key}FeatureIndptr`, data: s.indptr }, { name: `${key}FeatureIndices`, data: s.indices }, { name: `${key}FeatureValues`, data: s.values }, { name: `${key}FeatureStrengths`, data: s.strengths }, { name: `${key}FeatureMapping`, data: s.mapping });
    if (s.biases) blocks.push({ name: `${key}FeatureBiases`, data: s.biases });
  }
  return { header, blocks };
}

/**
 * Reads a model's features back, checking they fit the model (rows, factors, feature rows).
 * @param header - the file header's `features` (undefined in older files: no features)
 * @param blocks - the file's blocks
 * @param rows - the model's items and users
 * @param f - factors
 * @throws AlsError `BAD_MODEL_FILE` naming the inconsistency
 */
export function readFeatureBlocks(header: unknown, blocks: Map<string, ModelBlock>, rows: { item: number; user: number }, f: number): ModelFeatures | undefined {
  if (header === undefined || header === null) return undefined;
  const bad = (what: string) => new AlsError('BAD_MODEL_FILE', `The model file's features are not consistent: ${what}.`, { reason: 'contents' });
  const h = header as Record<string, unknown>;
  if (!(typeof h.weight === 'number' && h.weight > 0 && typeof h.unit === 'number' && h.unit > 0)) throw bad('the feature weight or unit is not a positive number');
  const out: ModelFeatures = { weight: h.weight, unit: h.unit };
  for (const key of ['item', 'user'] as const) {
    const s = h[key] as { names?: unknown; biases?: unknown } | undefined;
    if (s === undefined) continue;
    if (!Array.isArray(s.names) || !s.names.every((x) => typeof x === 'string')) throw bad(`the ${key} feature names are not a list of strings`);
    const p = s.names.length;
    const get = <T extends ModelBlock>(name: string, type: new (...a: never[]) => T, length: number | null): T => {
      const b = blocks.get(`${key}${name}`);
      if (!(b instanceof type) || (length !== null && b.length !== length)) throw bad(`block "${key}${name}" is missing or has the wrong size`);
      return b as T;
    };
    const indptr = get('FeatureIndptr', Int32Array, rows[key] + 1);
    const indices = get('FeatureIndices', Int32Array, null);
    const side: FeatureSide = {
      names: s.names as string[],
      factors: get('FeatureFactors', Float64Array, p * f),
      indptr,
      indices,
      values: get('FeatureValues', Float64Array, indices.length),
      biases: s.biases ? get('FeatureBiases', Float64Array, p) : undefined,
      strengths: get('FeatureStrengths', Float64Array, indices.length),
      mapping: get('FeatureMapping', Float64Array, null),
    };
    if (side.mapping.length !== (p + 1) * f && side.mapping.length !== (p + 1) * (f + 1)) throw bad(`block "${key}FeatureMapping" has ${side.mapping.length} values, not (features + 1) × (factors [+ 1])`);
    if (indptr[0] !== 0 || indptr[rows[key]] !== indices.length) throw bad(`the ${key} feature offsets do not cover the entries`);
    for (let r = 0; r < rows[key]; r++) if (indptr[r + 1] < indptr[r]) throw bad(`the ${key} feature offsets decrease at row ${r}`);
    for (const g of indices) if (!(g >= 0 && g < p)) throw bad(`${key} feature index ${g} is outside [0, ${p})`);
    if (!side.factors.every(Number.isFinite) || !side.values.every(Number.isFinite) || !side.strengths.every(Number.isFinite) || !side.mapping.every(Number.isFinite) || (side.biases && !side.biases.every(Number.isFinite))) throw bad(`the ${key} features hold NaN or infinite values`);
    out[key] = side;
  }
  return out;
}
