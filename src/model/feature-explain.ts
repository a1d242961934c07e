/**
 * "Because of genre=Thriller": the score of an item for a user split over the item's side of
 * the model. The item's factors solve ỹ_i = A_i⁻¹ Σ_j w_j x̃_j over the rows it was learned
 * from — the users who interacted with it and its features' pseudo-users — so
 * x̃_uᵀỹ_i = Σ_j w_j·(x̃_uᵀA_i⁻¹x̃_j): one share per feature, and one for the users. A cold
 * item's factors come from the attribute-to-factor mapping, ỹ_i = w₀ + Σ_g v_g·w_g, so its
 * score splits exactly into v_g·x̃_uᵀw_g per feature plus the intercept's x̃_uᵀw₀.
 */
import { otherRows } from './feature-rows.js';
import { choleskySolve, rowSystem } from './feature-fold.js';
import type { FeatureModel } from './feature-types.js';

/** One feature's share of a score. */
export interface FeatureContribution {
  /** The feature, e.g. `genre=Thriller`. */
  feature: string;
  /** Its additive share of the score. */
  contribution: number;
}

/** A score split over the item's features and the users who interacted with it. */
export interface FeatureExplanation {
  /** The score explained (μ + b_u + x̃_uᵀỹ_i, with ỹ_i re-solved from the item's rows). */
  score: number;
  /** Every feature of the item, largest |share| first. */
  features: FeatureContribution[];
  /** The share of the users who interacted with the item (0 for a cold item). */
  interactions: number;
  /** μ + b_u (explicit with biases), else 0. */
  baseline: number;
  /** A cold item's share of the mapping's intercept (the "average item" part of its factors), else 0. */
  intercept: number;
}

/**
 * The feature explanation of `item` for user row `u`, or undefined when the model has no item features.
 * @param model - the model
 * @param u - the user's row
 * @param i - the item's row
 */
export function explainByFeatures(model: FeatureModel, u: number, i: number): FeatureExplanation | undefined {
  const side = model.features?.item;
  if (!side) return undefined;
  const other = otherRows(model, 'item');
  const { seen } = model;
  const cols: number[] = [];
  const vals: number[] = [];
  for (let r = 0; r < seen.rows; r++) {
    for (let j = seen.indptr[r]; j < seen.indptr[r + 1]; j++) {
      if (seen.indices[j] === i) {
        cols.push(r);
        vals.push(seen.values[j]);
      }
    }
  }
  const users = cols.length;
  if (users === 0) return byMapping(model, u, i);
  for (let j = side.indptr[i]; j < side.indptr[i + 1]; j++) {
    cols.push(other.real + side.indices[j]);
    vals.push(side.values[j]);
  }

  const p = model.params;
  const f = p.factors;
  const explicit = model.options.feedback === 'explicit';
  const sys = rowSystem(other, cols, Float64Array.from(vals), model.options, !!p.itemBiases, explicit ? null : other.gram(), p.globalMean);
  const z = new Float64Array(sys.k);
  z.set(p.userFactors.subarray(u * f, u * f + f));
  if (sys.k > f) z[f] = 1;
  choleskySolve(sys.L, sys.k, z); // z = A_i⁻¹ x̃_u
  const share = (t: number) => {
    const y = other.row(cols[t]);
    let d = sys.k > f ? z[f] : 0;
    for (let a = 0; a < f; a++) d += z[a] * y[a];
    return sys.weights[t] * d;
  };
  let interactions = 0;
  for (let t = 0; t < users; t++) interactions += share(t);
  const features = cols.slice(users).map((c, t) => ({ feature: side.names[c - other.real], contribution: share(users + t) }));
  features.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  const baseline = p.itemBiases ? p.globalMean + (p.userBiases ? p.userBiases[u] : 0) : 0;
  return { score: baseline + interactions + features.reduce((s, c) => s + c.contribution, 0), features, interactions, baseline, intercept: 0 };
}

/** A cold item's score split over the mapping's rows: v_g·x̃_uᵀw_g per feature, and x̃_uᵀw₀. */
function byMapping(model: FeatureModel, u: number, i: number): FeatureExplanation {
  const side = model.features!.item!;
  const p = model.params;
  const f = p.factors;
  const lanes = side.mapping.length / (side.names.length + 1);
  const dot = (row: number) => {
    let d = lanes > f ? side.mapping[row * lanes + f] : 0;
    for (let a = 0; a < f; a++) d += p.userFactors[u * f + a] * side.mapping[row * lanes + a];
    return d;
  };
  const features: FeatureContribution[] = [];
  for (let j = side.indptr[i]; j < side.indptr[i + 1]; j++) features.push({ feature: side.names[side.indices[j]], contribution: side.strengths[j] * dot(side.indices[j]) });
  features.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  const intercept = dot(side.names.length);
  const baseline = p.itemBiases ? p.globalMean + (p.userBiases ? p.userBiases[u] : 0) : 0;
  return { score: baseline + intercept + features.reduce((s, c) => s + c.contribution, 0), features, interactions: 0, baseline, intercept };
}
