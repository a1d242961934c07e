/**
 * The search space of `tune`: the candidates (the defaults first, then a seeded Latin
 * hypercube around them over λ, α, the confidence form, the weighting, the factor count and,
 * for ratings, biases) and the training options of each, with λ a multiple of the closed form
 * of its confidence, so one range fits every data set.
 */
import { regularizationTransferExponent } from '../train/auto-regularization.js';
import { weightMatrix, type Weighting } from '../train/weighting.js';
import { medianPositive } from '../train/confidence.js';
import type { TunedParams } from './fit-types.js';
import { ALPHA_DEFAULT_LINEAR, TRAIN_DEFAULTS, type ConfidenceForm, type TrainOptions } from '../train/options.js';
import { Rng } from '../util/rng.js';
import { buildMatrix } from '../data/csr.js';
import { matrixOf } from '../data/matrix-cache.js';
import type { Interactions, RatingMatrix } from '../data/types.js';
import { closedFormLambda, meanConfidence } from './closed-form-lambda.js';
import { explicitLambdaOnPart } from './explicit-lambda-transfer.js';
import type { SearchSplit } from './search-split.js';

/** Factor counts the search tries when `factors` is not fixed. */
export const FACTOR_CHOICES = [32, 64, 128];

/** One candidate of the search: what varies, with λ as a multiple of its confidence's closed form. */
export interface Candidate {
  scale: number;
  factors: number;
  confidence?: ConfidenceForm;
  weighting?: Weighting;
  alpha?: number;
  biases?: boolean;
}

/** One weighting's matrices, on the search data and on all the data, and their median stored values. */
export interface WeightedMatrices {
  search: RatingMatrix;
  full: RatingMatrix;
  median: number;
  fullMedian: number;
}

/** The search space of one `tune` run, built by {@link tuneSearchSpace}. */
export interface TuneSearchSpace {
  /** The defaults: the first candidate, and the family a challenger must beat clearly (its `scale` may be set to the calibrated λ before {@link makeCandidates}). */
  defaults: Candidate;
  /** Whether a candidate is the defaults at some λ (the defaults' form, weighting, α, f and biases). */
  isDefaultFamily: (c: Candidate) => boolean;
  /** `n` + 1 candidates: the defaults at their λ, twice and half it, then seeded Latin-hypercube draws around them. */
  makeCandidates: (n: number) => Candidate[];
  /** λ of a candidate on the search data, or on all the data (the refit's). */
  lambdaOf: (c: Candidate, on: 'search' | 'full') => number;
  /** A candidate's options for `iterations` iterations, on the search data or on all the data (the refit's). */
  paramsOf: (c: Candidate, iterations: number, on: 'search' | 'full') => TunedParams;
  /** A weighting's matrices (the first weighting searched when `w` is not one). */
  weighted: (w: Weighting | undefined) => WeightedMatrices;
  /** ε of the log form on all the data (the refit's): the caller's, or the median there. */
  fullEpsilon: (w?: Weighting) => number;
}

/**
 * Builds the search space of `tune` on its split of the training data.
 *
 * @param data - all the training data (the refit's)
 * @param split - the search's training part and held-out part
 * @param base - fixed options (whatever the caller set is not searched)
 * @param implicit - implicit feedback (else ratings)
 * @param seed - seeds the Latin hypercube
 */
export function tuneSearchSpace(data: Interactions, split: SearchSplit, base: TrainOptions, implicit: boolean, seed: number): TuneSearchSpace {
  const rawSearch = matrixOf(split.train, { duplicates: base.duplicates ?? (implicit ? 'sum' : 'last'), eventWeights: base.eventWeights });
  const rawFull = buildMatrix(data, { duplicates: base.duplicates ?? (implicit ? 'sum' : 'last'), eventWeights: base.eventWeights });
  const fullMatrix = rawFull;

  // Implicit: the weightings searched (BM25 weights counts, so not data with negative values), each with its matrices and median value.
  const weightings: Weighting[] = !implicit ? ['none'] : base.weighting ? [base.weighting] : rawFull.byUser.values.every((v) => v >= 0) ? ['none', 'bm25'] : ['none'];
  const byWeighting = new Map(weightings.map((w) => {
    const search = weightMatrix(rawSearch, w).matrix;
    const full = weightMatrix(rawFull, w).matrix;
    return [w, { search, full, median: medianPositive(search.byUser.values), fullMedian: medianPositive(full.byUser.values) }] as const;
  }));
  const weighted = (w: Weighting | undefined) => byWeighting.get(w ?? 'none') ?? byWeighting.get(weightings[0])!;
  // The λ scale of each confidence form and weighting at its central α, on the search data and on all the data.
  const epsilonFor = (form: ConfidenceForm, w?: Weighting) => (form === 'log' ? (typeof base.epsilon === 'number' ? base.epsilon : weighted(w).median) : 1);
  const alphaCentre = (form: ConfidenceForm, w?: Weighting) => base.alpha ?? (form === 'log' ? TRAIN_DEFAULTS.alpha : form === 'linear' ? 1 / weighted(w).median : ALPHA_DEFAULT_LINEAR);
  const forms: ConfidenceForm[] = base.confidence ? [base.confidence] : ['log', 'linear'];
  // ε of the log form on all the data (the refit's): the caller's, or the median there.
  const fullEpsilon = (w?: Weighting) => (typeof base.epsilon === 'number' ? base.epsilon : weighted(w).fullMedian);
  const lambdaScale = new Map<string, { search: number; full: number; meanC: number }>();
  const transferExponent = regularizationTransferExponent(fullMatrix.byUser);
  if (implicit) {
    for (const w of weightings) {
      for (const form of forms) {
        const a = alphaCentre(form, w);
        const s = closedFormLambda(weighted(w).search, form, a, epsilonFor(form, w));
        const f = closedFormLambda(weighted(w).full, form, a, form === 'log' ? fullEpsilon(w) : 1);
        lambdaScale.set(`${form}|${w}`, { search: s.lambda, full: f.lambda, meanC: s.meanConfidence });
      }
    }
  }
  // Explicit: ALS-WR's λ is nearly size-free (0.1 is good on every set measured); a plain λ must grow with the rows' counts.
  const weightedExplicit = base.weightedRegularization ?? TRAIN_DEFAULTS.weightedRegularization;
  const plainScale = (2 * fullMatrix.nnz) / (fullMatrix.byUser.rows + fullMatrix.byUser.cols);
  const explicitCentre = TRAIN_DEFAULTS.regularization * (weightedExplicit ? 1 : plainScale);
  /** An explicit λ on all the data → its equivalent on the search's part (the candidate's scale is of λ on all the data). */
  const explicitOn = (lambda: number, on: 'search' | 'full') => (on === 'full' ? lambda : explicitLambdaOnPart(lambda, split.share, 1, weightedExplicit));
  /** λ of a candidate on the search data, and on all the data (the refit's). */
  const lambdaOf = (c: Candidate, on: 'search' | 'full'): number => {
    // A λ the caller gives stays fixed, like every other option given (the search trains its equivalent on the part).
    if (typeof base.regularization === 'number') return implicit ? base.regularization : explicitOn(base.regularization, on);
    if (!implicit) return explicitOn(c.scale * explicitCentre, on);
    const ls = lambdaScale.get(`${c.confidence!}|${c.weighting ?? 'none'}`)!;
    const eps = c.confidence === 'log' ? epsilonFor('log', c.weighting) : 1;
    // Between α values λ follows the mean confidence (σ₁ scales with it), so no new σ₁ per candidate.
    const ratio = meanConfidence(weighted(c.weighting).search.byUser.values, c.confidence!, c.alpha!, eps) / ls.meanC;
    return c.scale * ratio * (on === 'search' ? ls.search : ls.search * Math.pow(ls.full / ls.search, transferExponent));
  };

  // Candidates: the defaults first, then a seeded Latin hypercube around them.
  const rng = new Rng(seed ^ 0x7e57);
  const strata = (n: number): number[] => {
    const p = Array.from({ length: n }, (_, i) => (i + rng.next()) / n);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  };
  const logRange = (u: number, lo: number, hi: number) => Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
  const factorChoices = base.factors !== undefined ? [base.factors] : FACTOR_CHOICES;
  const defaults: Candidate = implicit
    ? { scale: 1, factors: base.factors ?? TRAIN_DEFAULTS.factors, confidence: forms[0], alpha: alphaCentre(forms[0], weightings[0]), weighting: weightings[0] }
    : { scale: 1, factors: base.factors ?? TRAIN_DEFAULTS.factors, biases: base.biases ?? TRAIN_DEFAULTS.biases };
  const isDefaultFamily = (c: Candidate) => c.factors === defaults.factors && c.confidence === defaults.confidence && c.weighting === defaults.weighting && c.alpha === defaults.alpha && c.biases === defaults.biases;
  const makeCandidates = (n: number): Candidate[] => {
    const u1 = strata(n);
    const u2 = strata(n);
    // The defaults (the probe), then at twice and half their λ, so the search starts from them.
    const out: Candidate[] = [defaults, { ...defaults, scale: 2 * defaults.scale }, { ...defaults, scale: 0.5 * defaults.scale }];
    for (let i = 0; i < n - 2; i++) {
      const factors = factorChoices[(i + rng.int(factorChoices.length)) % factorChoices.length];
      if (implicit) {
        // Every form × weighting pair comes round in turn.
        const confidence = forms[i % forms.length];
        const weighting = weightings[Math.floor(i / forms.length) % weightings.length];
        const alpha = base.alpha ?? logRange(u2[i], alphaCentre(confidence, weighting) / 8, alphaCentre(confidence, weighting) * 8);
        out.push({ scale: logRange(u1[i], 1 / 8, 8), factors, confidence, alpha, weighting });
      } else {
        const biases = base.biases ?? i % 2 === 0;
        out.push({ scale: logRange(u1[i], 1 / 4, 4), factors, biases });
      }
    }
    return out;
  };

  const paramsOf = (c: Candidate, iterations: number, on: 'search' | 'full'): TunedParams => ({
    factors: c.factors,
    regularization: lambdaOf(c, on),
    iterations,
    ...(implicit
      ? { confidence: c.confidence, alpha: c.alpha, weighting: c.weighting, ...(c.confidence === 'log' ? { epsilon: on === 'search' ? epsilonFor('log', c.weighting) : fullEpsilon(c.weighting) } : {}) }
      : { biases: c.biases }),
  });
  return { defaults, isDefaultFamily, makeCandidates, lambdaOf, paramsOf, weighted, fullEpsilon };
}
