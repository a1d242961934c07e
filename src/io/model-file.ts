import { headSeen } from '../model/ranking-head.js';
import { AlsModel } from '../model/model.js';
import { withoutInapplicable } from '../train/option-applicability.js';
import { MAX_FACTORS, resolveTrainOptions, type ResolvedTrainOptions } from '../train/options.js';
import { idMapFromIds } from '../data/id-map.js';
import type { Id } from '../data/types.js';
import { AlsError } from '../errors.js';
import type { KernelVariant } from '../wasm/abi.js';
import type { Bm25Statistics } from '../train/weighting.js';
import { decodeModel, encodeModel, type ModelBlock } from './model-format.js';
import { featureBlocks, readFeatureBlocks } from './feature-blocks.js';
import { checkLabels, type ModelLabels } from '../model/labels.js';

/** Identifies als-wasm model headers (the container may carry other kinds later). */
const KIND = 'als-wasm/model';

/**
 * Serialises a model: options, id maps and the training report in the JSON header; factors,
 * biases and the training interactions (for filtering seen items, explain and `update`) as
 * binary blocks. The header's `interactions` says whether those are all the training
 * interactions (false for imported factors); a file without the field (written before it
 * existed) counts as having them when it has a training report. The container's format
 * version is unchanged: older builds ignore the field.
 * @returns the model file's bytes
 */
export function saveModel(model: AlsModel): Uint8Array {
  const p = model.params;
  const blocks: { name: string; data: Float64Array | Int32Array }[] = [
    ...factorBlocks(model),
    { name: 'seenIndptr', data: model.seen.indptr },
    { name: 'seenIndices', data: model.seen.indices },
    { name: 'seenValues', data: model.seen.values },
  ];
  // Format v2: the features (names in the header, factors and carriers as blocks); v1 files have none.
  const features = featureBlocks(model.features);
  blocks.push(...features.blocks);
  // A rating model's ranking head: its factors (and features) as blocks named "ranking.…", its options in the header; ids and pairs are shared.
  const head = model.ranking;
  const headFeatures = head && featureBlocks(head.features);
  if (head) blocks.push(...[...factorBlocks(head), ...headFeatures!.blocks].map((b) => ({ ...b, name: RANKING_PREFIX + b.name })));
  return encodeModel({
    header: {
      kind: KIND,
      users: model.users.size,
      items: model.items.size,
      factors: p.factors,
      globalMean: p.globalMean,
      options: model.options,
      userIds: model.users.ids(),
      itemIds: model.items.ids(),
      report: model.report ?? null,
      ...(model.bm25 ? { bm25: { k1: model.bm25.k1, b: model.bm25.b, averageRowSum: model.bm25.averageRowSum } } : {}),
      // Whether seen* are all the training interactions (update needs them); files before this field: trained here ⇔ a report.
      interactions: model.interactionsStored,
      ...(features.header && { features: features.header }),
      // Names and attributes (titles, genres, user attributes): an optional field older builds ignore, so the format version stays.
      ...(model.labels ? { labels: model.labels } : {}),
      ...(model.ratingScale && { ratingScale: model.ratingScale }),
      ...(head && {
        ranking: {
          options: head.options,
          report: head.report ?? null,
          globalMean: head.params.globalMean,
          // The head's pairs are the rating model's, shifted by this (the file keeps them once).
          ...(head.dislikeBelow !== undefined ? { dislikeBelow: head.dislikeBelow } : {}),
          ...(head.bm25 ? { bm25: { k1: head.bm25.k1, b: head.bm25.b, averageRowSum: head.bm25.averageRowSum } } : {}),
          ...(headFeatures!.header && { features: headFeatures!.header }),
        },
      }),
      savedAt: new Date().toISOString(),
    },
    blocks,
  });
}

/**
 * Reads a model file written by {@link saveModel}.
 * @param bytes - the file's bytes
 * @param kernels - kernel build to serve with
 * @throws AlsError `BAD_MODEL_FILE` for a file of another kind or version, a truncated or corrupt file
 */
export async function loadModel(bytes: Uint8Array, kernels: KernelVariant | 'auto' = 'auto'): Promise<AlsModel> {
  const { header, blocks } = decodeModel(bytes);
  if (header.kind !== KIND) throw new AlsError('BAD_MODEL_FILE', `Not an als-wasm model (kind ${JSON.stringify(header.kind)}).`, { kind: header.kind });
  const m = header.users as number;
  const n = header.items as number;
  const f = header.factors as number;
  // The checksum only proves the bytes are as written: check the contents make a model, too.
  const sizeOk = (x: unknown, min: number, max: number) => Number.isInteger(x) && (x as number) >= min && (x as number) <= max;
  if (!sizeOk(m, 0, 2 ** 31 - 1) || !sizeOk(n, 1, 2 ** 31 - 1) || !sizeOk(f, 1, MAX_FACTORS)) {
    throw new AlsError('BAD_MODEL_FILE', `The model file's sizes are not valid (users ${String(m)}, items ${String(n)}, factors ${String(f)}).`, { reason: 'contents', users: m, items: n, factors: f });
  }
  const options = storedOptions(header.options);
  // The options must describe the factors stored: a mismatch would be served, updated and written back.
  if (options.factors !== f) throw new AlsError('BAD_MODEL_FILE', `The model file says factors ${String(options.factors)} in its options but stores ${f} factors per row; it was edited or written wrongly.`, { reason: 'contents', optionsFactors: options.factors, factors: f });
  const get = <T extends Float64Array | Int32Array>(name: string, type: new (...a: never[]) => T, length: number | null): T => {
    const b = blocks.get(name);
    if (!(b instanceof type) || (length !== null && b.length !== length)) {
      throw new AlsError('BAD_MODEL_FILE', `The model file's block "${name}" is missing or has the wrong size.`, { block: name });
    }
    return b as T;
  };
  const userIds = header.userIds as Id[];
  const itemIds = header.itemIds as Id[];
  if (!Array.isArray(userIds) || userIds.length !== m || !Array.isArray(itemIds) || itemIds.length !== n) {
    throw new AlsError('BAD_MODEL_FILE', 'The model file\'s id lists do not match its sizes.', { users: m, items: n });
  }
  const indptr = get('seenIndptr', Int32Array, m + 1);
  const indices = get('seenIndices', Int32Array, null);
  const values = get('seenValues', Float64Array, indices.length);
  const contents = (what: string) => new AlsError('BAD_MODEL_FILE', `The model file is not consistent: ${what}. It was not written by als-wasm or was altered.`, { reason: 'contents' });
  if (indptr[0] !== 0 || indptr[m] !== indices.length) throw contents('the seen-items offsets do not cover the seen items');
  for (let r = 0; r < m; r++) if (indptr[r + 1] < indptr[r]) throw contents(`the seen-items offsets decrease at user row ${r}`);
  for (let j = 0; j < indices.length; j++) if (!(indices[j] >= 0 && indices[j] < n)) throw contents(`seen item index ${indices[j]} is outside [0, ${n})`);
  for (const name of ['userFactors', 'itemFactors', 'userBiases', 'itemBiases', 'seenValues'].flatMap((b) => [b, RANKING_PREFIX + b])) {
    const b = blocks.get(name);
    if (b && !b.every(Number.isFinite)) throw new AlsError('NON_FINITE', `The model file's block "${name}" holds NaN or infinite values: it is not a usable model.`, { reason: 'contents', block: name });
  }
  const idMap = (ids: Id[], what: string) => {
    try {
      return idMapFromIds(ids);
    } catch (e) {
      throw contents(`its ${what} ids repeat (${(e as Error).message})`);
    }
  };
  for (const id of [...userIds, ...itemIds]) if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) throw contents(`id ${JSON.stringify(id)} is neither a string nor a finite number`);
  // The factors, biases, BM25 statistics and features of one factor set: the model's, or (blocks "ranking.…") its ranking head's.
  const factorSet = (h: Record<string, unknown>, from: Map<string, ModelBlock>, prefix: string) => {
    const at = <T extends Float64Array | Int32Array>(name: string, type: new (...a: never[]) => T, length: number) => get(prefix + name, type, length);
    if (!Number.isFinite(h.globalMean as number)) throw contents('the global mean is not a finite number');
    return {
      factors: {
        factors: f,
        userFactors: at('userFactors', Float64Array, m * f),
        itemFactors: at('itemFactors', Float64Array, n * f),
        userBiases: from.has('userBiases') ? at('userBiases', Float64Array, m) : undefined,
        itemBiases: from.has('itemBiases') ? at('itemBiases', Float64Array, n) : undefined,
        globalMean: h.globalMean as number,
      },
      bm25: readBm25(h, from, n, contents),
      features: readFeatureBlocks(h.features, from, { item: n, user: m }, f),
    };
  };
  const users = idMap(userIds, 'user');
  const items = idMap(itemIds, 'item');
  const seen = { rows: m, cols: n, indptr, indices, values };
  const interactionsStored = typeof header.interactions === 'boolean' ? header.interactions : header.report != null;
  const head = header.ranking as Record<string, unknown> | undefined;
  if (head !== undefined && (typeof head !== 'object' || head === null)) throw contents('its ranking head is not described');
  const headBlocks = new Map([...blocks].filter(([name]) => name.startsWith(RANKING_PREFIX)).map(([name, b]) => [name.slice(RANKING_PREFIX.length), b] as const));
  const dislikeBelow = head?.dislikeBelow as unknown;
  if (dislikeBelow !== undefined && !(typeof dislikeBelow === 'number' && Number.isFinite(dislikeBelow))) throw contents("its ranking head's dislike threshold is not a number");
  const scale = header.ratingScale as unknown;
  if (scale !== undefined && !(Array.isArray(scale) && scale.length === 2 && scale.every(Number.isFinite) && scale[0] <= scale[1])) throw contents('its rating scale is not [lowest, highest]');
  return AlsModel.create(
    {
      options,
      users,
      items,
      ...factorSet(header, new Map([...blocks].filter(([name]) => !name.startsWith(RANKING_PREFIX))), ''),
      seen,
      report: (header.report as AlsModel['report']) ?? undefined,
      interactionsStored,
      ratingScale: scale as [number, number] | undefined,
      ranking: head && { options: storedOptions(head.options), users, items, seen: headSeen(dislikeBelow as number | undefined, seen), dislikeBelow: dislikeBelow as number | undefined, report: (head.report as AlsModel['report']) ?? undefined, interactionsStored, ...factorSet(head, headBlocks, RANKING_PREFIX) },
      labels: readLabels(header.labels),
    },
    kernels,
  );
}

/** The labels of a model file (absent in files written before them, or without any). */
function readLabels(value: unknown): ModelLabels | undefined {
  try {
    return checkLabels(value, 'the labels');
  } catch (e) {
    throw new AlsError('BAD_MODEL_FILE', `The model file is not consistent: ${(e as Error).message}`, { reason: 'contents', block: 'labels' });
  }
}

/** Options stored in a model file, checked again (a file is input like any other). */
function storedOptions(raw: unknown): ResolvedTrainOptions {
  try {
    // `autoRegularization` / `autoEpsilon` record how λ and ε were chosen; the values themselves are stored and re-checked.
    const { autoRegularization, autoEpsilon, regularizationPerPositive, ...o } = (raw ?? {}) as ResolvedTrainOptions;
    // Stored options list every field, also those that do not apply to the model (alpha of an explicit one): not re-checked.
    return { ...o, ...resolveTrainOptions(withoutInapplicable(o), o?.feedback), autoRegularization: autoRegularization === true, autoEpsilon: autoEpsilon === true, ...(regularizationPerPositive === true ? { regularizationPerPositive } : {}) };
  } catch (e) {
    throw new AlsError('BAD_MODEL_FILE', `The model file's training options are not valid: ${(e as Error).message}`, { reason: 'contents' });
  }
}

/** Prefix of the ranking head's blocks. */
const RANKING_PREFIX = 'ranking.';

/** A model's factor blocks (factors, biases, BM25 idf). */
function factorBlocks(model: AlsModel): { name: string; data: Float64Array | Int32Array }[] {
  const p = model.params;
  const blocks: { name: string; data: Float64Array | Int32Array }[] = [
    { name: 'userFactors', data: p.userFactors },
    { name: 'itemFactors', data: p.itemFactors },
  ];
  if (p.userBiases) blocks.push({ name: 'userBiases', data: p.userBiases });
  if (p.itemBiases) blocks.push({ name: 'itemBiases', data: p.itemBiases });
  if (model.bm25) blocks.push({ name: 'bm25Idf', data: model.bm25.idf });
  return blocks;
}

/** The BM25 statistics of a model file (absent unless it was trained with `weighting: 'bm25'`). */
function readBm25(header: Record<string, unknown>, blocks: Map<string, ModelBlock>, items: number, contents: (what: string) => AlsError): Bm25Statistics | undefined {
  const h = header.bm25 as { k1?: unknown; b?: unknown; averageRowSum?: unknown } | undefined;
  const idf = blocks.get('bm25Idf');
  if (h === undefined && idf === undefined) return undefined;
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (!h || !finite(h.k1) || !finite(h.b) || !finite(h.averageRowSum) || !(idf instanceof Float64Array) || idf.length !== items || !idf.every(Number.isFinite)) {
    throw contents('its BM25 statistics are incomplete');
  }
  return { k1: h.k1, b: h.b, averageRowSum: h.averageRowSum, idf };
}
