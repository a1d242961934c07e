/**
 * Collective factorisation by data augmentation. Each item feature (genre=Drama) becomes a
 * pseudo-user that interacts with the items carrying it; each user feature a pseudo-item that
 * interacts with the users carrying it. Training then runs unchanged (the same per-row f×f
 * systems, kernels, solvers and workers): a feature's pseudo-row gets a factor vector learned
 * with everything else, and an item with features but no interactions (a cold item) gets its
 * factors from its features' pseudo-rows — the item half-step is a fold-in over them.
 *
 * Implicit feedback: a feature entry of value v is an interaction of strength w·v·(median real
 * value), so the confidence form treats it like a real one; the zeros of the implicit loss give
 * the contrast (a pseudo-user predicts 0 for items without its feature). Explicit feedback
 * fits observed entries only, where a constant pseudo-rating would be absorbed by the pseudo
 * row's bias and teach the factors nothing: carriers get μ + δ(2v − 1) and an equal number of
 * seeded non-carriers get μ − δ (δ = w·σ), balanced so that they pull no item bias on average.
 */
import { createIdMap, type DenseIdMap } from '../data/id-map.js';
import type { Id, IdMap, Interactions } from '../data/types.js';
import { AlsError, badOption } from '../errors.js';
import { Rng } from '../util/rng.js';
import { scaleFeatures } from './read.js';
import type { FeatureSide } from '../model/feature-types.js';
import { PSEUDO_PREFIX, type FeatureInput, type FeatureRecord } from './types.js';

/** How pseudo values are made (see the module's comment). */
export interface PseudoValues {
  feedback: 'explicit' | 'implicit';
  /** featureWeight. */
  weight: number;
  /** Implicit: the median positive real value; explicit: σ of the ratings. */
  unit: number;
  /** Explicit: the mean rating μ. */
  mean: number;
  /** Seed of the explicit negatives' sample. */
  seed: number;
}

/** The augmented data and where its real and pseudo rows are. */
export interface Augmented {
  /** Real interactions (ids as given), then the pseudo entries. */
  data: Interactions;
  /** Users (real, then cold ones from the user features) before the pseudo-users. */
  users: number;
  /** Items (real, then cold ones from the item features) before the pseudo-items. */
  items: number;
  /** Item features: names and which items carry them (values as trained). */
  item?: Carriers;
  /** User features: names and which users carry them. */
  user?: Carriers;
}

/**
 * Validates feature records: ids strings or finite numbers, features non-empty strings,
 * values finite (scaled into [0, 1] by {@link scaleFeatures}); a repeated (id, feature) keeps its last value.
 * @param input - records, or a reader's result
 * @param option - the option's name, for messages
 * @throws AlsError `BAD_OPTION` naming the record
 */
export function normalizeFeatures(input: FeatureInput, option: string): FeatureRecord[] {
  const list = input && typeof input === 'object' && 'records' in input && Array.isArray(input.records) ? input.records : input;
  if (!list || typeof (list as Iterable<FeatureRecord>)[Symbol.iterator] !== 'function') throw badOption(option, input, 'an array of { id, feature, value? } (or parseFeatures(text))');
  const byKey = new Map<string, FeatureRecord>();
  let j = 0;
  for (const r of list as Iterable<FeatureRecord>) {
    const where = `${option}[${j++}]`;
    if (typeof r !== 'object' || r === null) throw badOption(where, r, 'an object { id, feature, value? }');
    if (!((typeof r.id === 'string' && r.id !== '') || (typeof r.id === 'number' && Number.isFinite(r.id)))) throw badOption(`${where}.id`, r.id, 'a non-empty string or a finite number');
    if (typeof r.feature !== 'string' || r.feature === '') throw badOption(`${where}.feature`, r.feature, 'a non-empty string such as "genre=Drama"');
    if (r.value !== undefined && !(typeof r.value === 'number' && Number.isFinite(r.value))) throw badOption(`${where}.value`, r.value, 'a finite number');
    byKey.set(`${typeof r.id}:${r.id}\u0000${r.feature}`, { id: r.id, feature: r.feature, value: r.value ?? 1 });
  }
  return scaleFeatures([...byKey.values()]);
}

/**
 * The training data with the features' pseudo entries appended.
 * @param data - the real interactions
 * @param itemFeatures - normalised item features (may name items without interactions: cold items)
 * @param userFeatures - normalised user features (may name cold users)
 * @param pv - how pseudo values are made
 * @throws AlsError `BAD_OPTION` when a real id looks like a pseudo id
 */
export function augment(data: Interactions, itemFeatures: FeatureRecord[] | undefined, userFeatures: FeatureRecord[] | undefined, pv: PseudoValues): Augmented {
  const users = copyIds(data.users, 'user');
  const items = copyIds(data.items, 'item');
  for (const r of userFeatures ?? []) users.intern(r.id);
  for (const r of itemFeatures ?? []) items.intern(r.id);
  const m = users.size;
  const n = items.size;
  const u: number[] = Array.from(data.user);
  const i: number[] = Array.from(data.item);
  const v: number[] = Array.from(data.value);
  const rng = new Rng(pv.seed);
  // Pseudo-users for item features (rows after m), pseudo-items for user features (columns after n).
  const item = itemFeatures && addSide(itemFeatures, items, n, users, rng, pv, (row, col, val) => (u.push(row), i.push(col), v.push(val)));
  const user = userFeatures && addSide(userFeatures, users, m, items, rng, pv, (col, row, val) => (u.push(row), i.push(col), v.push(val)));
  const extra = u.length - data.length;
  const out: Interactions = {
    ...data,
    length: u.length,
    users,
    items,
    user: Int32Array.from(u),
    item: Int32Array.from(i),
    value: Float64Array.from(v),
    hasValue: data.hasValue || pv.feedback === 'explicit',
    timestamp: data.timestamp && concat(data.timestamp, new Float64Array(extra)),
  };
  if (data.event && data.events) {
    const events = copyIds(data.events, 'event');
    const e = events.intern(PSEUDO_EVENT);
    out.events = events;
    out.event = Int32Array.from({ length: u.length }, (_, j) => (j < data.length ? data.event![j] : e));
  }
  return { data: out, users: m, items: n, item, user };
}

/** A side's features before training: names, and which rows carry them. */
export type Carriers = Omit<FeatureSide, 'factors' | 'biases' | 'mapping'>;

/** Event name of pseudo entries when the data has an event column (weight 1). */
export const PSEUDO_EVENT = `${PSEUDO_PREFIX}event`;

/**
 * Appends one side's pseudo entries: feature g becomes row `others.size` (a pseudo-user for
 * item features) whose entries are the carriers; returns the carriers' CSR (rows = carriers' side).
 */
function addSide(records: FeatureRecord[], carriers: DenseIdMap, carrierCount: number, others: DenseIdMap, rng: Rng, pv: PseudoValues, push: (pseudo: number, carrier: number, value: number) => void): Carriers {
  const names = createIdMap();
  const perFeature: { carrier: number; value: number }[][] = [];
  for (const r of records) {
    const g = names.intern(r.feature);
    (perFeature[g] ??= []).push({ carrier: carriers.index(r.id)!, value: r.value ?? 1 });
  }
  const explicit = pv.feedback === 'explicit';
  const delta = pv.weight * pv.unit;
  const rowOf: number[] = [];
  const byCarrier: { g: number; value: number; strength: number }[][] = Array.from({ length: carrierCount }, () => []);
  for (let g = 0; g < names.size; g++) {
    const row = others.intern(PSEUDO_PREFIX + String(names.id(g)));
    rowOf.push(row);
    const list = perFeature[g].sort((a, b) => a.carrier - b.carrier);
    const has = new Uint8Array(carrierCount);
    for (const { carrier, value } of list) {
      const val = explicit ? pv.mean + delta * (2 * value - 1) : pv.weight * value * pv.unit;
      has[carrier] = 1;
      push(row, carrier, val);
      byCarrier[carrier].push({ g, value: val, strength: value });
    }
    if (explicit) {
      // As many non-carriers as carriers (when there are that many), drawn without repeats.
      let want = Math.min(list.length, carrierCount - list.length);
      while (want > 0) {
        const c = rng.int(carrierCount);
        if (has[c]) continue;
        has[c] = 1;
        push(row, c, pv.mean - delta);
        want--;
      }
    }
  }
  const indptr = new Int32Array(carrierCount + 1);
  for (let c = 0; c < carrierCount; c++) indptr[c + 1] = indptr[c] + byCarrier[c].length;
  const indices = new Int32Array(indptr[carrierCount]);
  const values = new Float64Array(indptr[carrierCount]);
  const strengths = new Float64Array(indptr[carrierCount]);
  byCarrier.forEach((list, c) => list.forEach((e, t) => ((indices[indptr[c] + t] = e.g), (values[indptr[c] + t] = e.value), (strengths[indptr[c] + t] = e.strength))));
  return { names: names.ids().map(String), indptr, indices, values, strengths };
}

function copyIds(map: IdMap, what: string): DenseIdMap {
  const out = createIdMap();
  for (const id of map.ids()) {
    if (typeof id === 'string' && id.startsWith(PSEUDO_PREFIX)) throw new AlsError('BAD_OPTION', `The ${what} id ${JSON.stringify(id)} starts with the prefix reserved for features.`, { option: what, value: id });
    out.intern(id as Id);
  }
  return out;
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
