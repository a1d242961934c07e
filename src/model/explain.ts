/**
 * Why a model scores an item for a user: the score split into one contribution per item of the
 * user's history, c_uj · ỹ_iᵀ W^u ỹ_j with W^u = (YᵀC^uY + λI)⁻¹ (implicit; the explicit form
 * with the observed-only system and the bias lane).
 * see: benfred/implicit `explain`
 */
import { AlsError } from '../errors.js';
import type { KernelRuntime } from '../wasm/kernels.js';
import { toConfidence } from '../train/confidence.js';
import type { Csr, Id, IdMap } from '../data/types.js';
import type { Factors } from '../train/factors.js';
import type { ResolvedTrainOptions } from '../train/options.js';
import type { Contribution, Explanation } from './model-types.js';

/** What the computation needs of a model: its serving memory (from `base` on), YᵀY there, and the model. */
export interface ExplainContext {
  rt: KernelRuntime;
  base: number;
  gram: number;
  model: { factors: number; options: ResolvedTrainOptions; params: Factors; seen: Csr; items: IdMap };
}

/**
 * The contributions of user row `u`'s history to the score of item row `target`.
 * @throws AlsError `NOT_POSITIVE_DEFINITE` when the user's system is singular (λ = 0, a short history)
 */
export function explainScore(ctx: ExplainContext, user: Id, u: number, target: number, topN: number): Explanation {
  const m = ctx.model;
  const f = m.factors;
  const explicit = m.options.feedback === 'explicit';
  const withBias = explicit && !!m.params.itemBiases;
  const k = withBias ? f + 1 : f;
  const lo = m.seen.indptr[u];
  const hi = m.seen.indptr[u + 1];
  const count = hi - lo;
  const Y = m.params.itemFactors;
  const itemBiases = m.params.itemBiases;
  const values = m.seen.values.subarray(lo, hi);
  const conf = explicit ? values : toConfidence(values, m.options.confidence, m.options.alpha, m.options.epsilon);
  const { arena, exports: K } = ctx.rt;
  arena.release(ctx.base);
  // A = YᵀY + Σ (c−1) y yᵀ + λI (implicit) or Σ ỹỹᵀ + λ·w·I (explicit), upper triangle.
  const Ap = arena.alloc(8 * k * k);
  const rowsP = arena.alloc(8 * k * Math.max(1, count));
  const wP = arena.alloc(8 * Math.max(1, count));
  const zP = arena.alloc(8 * k);
  const A = arena.f64(Ap, k * k);
  if (explicit) A.fill(0);
  else A.set(arena.f64(ctx.gram, f * f));
  const rows = arena.f64(rowsP, k * Math.max(1, count));
  const w = arena.f64(wP, Math.max(1, count));
  for (let t = 0; t < count; t++) {
    const j = m.seen.indices[lo + t];
    rows.set(Y.subarray(j * f, j * f + f), t * k);
    if (withBias) rows[t * k + f] = 1;
    w[t] = explicit ? 1 : Math.abs(conf[t]) - 1;
  }
  K.gramAccumulate(Ap, k, rowsP, count, wP);
  const lambda = m.options.regularization * (explicit && m.options.weightedRegularization ? count : 1);
  const A2 = arena.f64(Ap, k * k);
  for (let a = 0; a < k; a++) A2[a * k + a] += lambda;
  const z = arena.f64(zP, k);
  z.set(Y.subarray(target * f, target * f + f));
  if (withBias) z[f] = 1;
  const status = K.cholesky(Ap, k);
  if (status >= 0) {
    arena.release(ctx.base);
    throw new AlsError('NOT_POSITIVE_DEFINITE', `Cannot explain for user ${JSON.stringify(user)}: their system is not positive definite (regularization is 0 and the history is too short).`, { user });
  }
  K.choleskySolve(Ap, k, zP); // z = W ỹ_i
  const zz = arena.f64(zP, k).slice();
  arena.release(ctx.base);
  const contributions: Contribution[] = [];
  let score = 0;
  for (let t = 0; t < count; t++) {
    const j = m.seen.indices[lo + t];
    let dot = 0;
    for (let a = 0; a < f; a++) dot += zz[a] * Y[j * f + a];
    if (withBias) dot += zz[f];
    const weight = explicit ? conf[t] - m.params.globalMean - (itemBiases ? itemBiases[j] : 0) : conf[t] > 0 ? conf[t] : 0;
    const c = weight * dot;
    score += c;
    contributions.push({ item: m.items.id(j), contribution: c });
  }
  let baseline = 0;
  if (withBias) {
    // The fold-in bias b_u is the last element of W·b; its share is already in the sum above
    // through ỹ_i's trailing 1. What remains is μ + b_i.
    baseline = m.params.globalMean + itemBiases![target];
  }
  contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  const listed = contributions.slice(0, topN);
  const rest = contributions.slice(topN).reduce((s, c) => s + c.contribution, 0);
  return { score: score + baseline, contributions: listed, baseline, rest };
}
