/**
 * Fold-in: a user's factors from their interactions with Y fixed — the history checked and
 * merged like training merges repeated items, then one f×f solve in the model's serving memory
 * (the same half-step equation as training).
 */
import { AlsError, badOption, checkOptions } from '../errors.js';
import type { Id } from '../data/types.js';
import { toConfidence } from '../train/confidence.js';
import { bm25Row } from '../train/weighting.js';
import { MAX_VALUE_MAGNITUDE, MIN_VALUE_MAGNITUDE, underflowsF32 } from '../train/values.js';
import type { HistoryEntry } from './model-types.js';
import type { ScoringModel } from './scoring-model.js';
import type { ServingMemory } from './serving-memory.js';
import { SOLVE_JOB_BYTES, writeSolveJob } from '../kernels/solve-job.js';
import { rowsFailure, solveRows } from '../kernels/solve-rows.js';
import { solveJobOf } from '../train/solvers.js';

/** A history merged for fold-in: known item rows (ascending), their values, and the ids not known. */
export interface MergedHistory {
  /** Known item rows, ascending and distinct. */
  cols: Int32Array;
  /** The merged value of each row of `cols`. */
  vals: Float64Array;
  /** Items of the history the model does not know, in history order. */
  unknownItems: Id[];
}

/** The fields of a {@link HistoryEntry}: `{ item, rating }` would otherwise fold in the value 1 silently. */
const HISTORY_ENTRY_NAMES = Object.keys({ item: 1, value: 1, event: 1 } satisfies Record<keyof HistoryEntry, 1>);

/**
 * Validates a fold-in history and merges repeated items like training does (sorted item rows and their values).
 * @throws AlsError `BAD_OPTION` for a malformed entry or a value out of range
 */
export function mergeHistory(model: ScoringModel, history: Iterable<HistoryEntry>): MergedHistory {
  const explicit = model.options.feedback === 'explicit';
  const merged = new Map<number, number>();
  const unknownItems: Id[] = [];
  let idx = 0;
  if (typeof history !== 'object' || history === null || typeof (history as Iterable<HistoryEntry>)[Symbol.iterator] !== 'function') {
    throw badOption('history', history, 'an array of { item, value? }');
  }
  for (const h of history) {
    if (typeof h !== 'object' || h === null) throw badOption(`history[${idx}]`, h, 'an object { item, value? }');
    checkOptions(h, HISTORY_ENTRY_NAMES, `history[${idx}]`);
    if (!((typeof h.item === 'string' && h.item !== '') || (typeof h.item === 'number' && Number.isFinite(h.item)))) {
      throw badOption(`history[${idx}].item`, h.item, 'a non-empty string or a finite number (an item id)');
    }
    const raw = h.value ?? 1;
    if (typeof raw !== 'number' || !Number.isFinite(raw)) throw badOption(`history[${idx}].value`, raw, `a finite number within ±${MAX_VALUE_MAGNITUDE}`);
    const v = raw * eventWeight(model, h.event, idx);
    if (!Number.isFinite(v) || Math.abs(v) > MAX_VALUE_MAGNITUDE) throw badOption(`history[${idx}].value`, v, `a finite number within ±${MAX_VALUE_MAGNITUDE}`);
    // Stored as f32 for the kernels (the rating, or the confidence it gives): a nonzero value that would become 0 is refused.
    if (underflowsF32(explicit ? v : toConfidence(Float64Array.of(v), model.options.confidence, model.options.alpha, model.options.epsilon)[0])) {
      throw badOption(`history[${idx}].value`, v, `0 or a magnitude of at least ${MIN_VALUE_MAGNITUDE} (values are stored as 32-bit floats, where ${v} would become 0)`);
    }
    idx++;
    const i = model.items.index(h.item);
    if (i === undefined) {
      unknownItems.push(h.item);
      continue;
    }
    const prev = merged.get(i);
    const policy = model.options.duplicates;
    merged.set(i, prev === undefined ? v : policy === 'sum' ? prev + v : policy === 'max' ? Math.max(prev, v) : v);
  }
  const cols = Int32Array.from([...merged.keys()].sort((a, b) => a - b));
  const vals = Float64Array.from(cols, (c) => merged.get(c)!);
  return { cols, vals, unknownItems };
}

/**
 * The weight of a history entry's event (1 without one), as training weighted events: value × weight.
 * @throws AlsError `BAD_OPTION` when the model has no `eventWeights` or they lack the event
 */
function eventWeight(model: ScoringModel, event: unknown, idx: number): number {
  if (event === undefined) return 1;
  const weights = model.options.eventWeights;
  if (typeof event !== 'string') throw badOption(`history[${idx}].event`, event, 'an event name (a string)');
  if (!weights) throw badOption(`history[${idx}].event`, event, 'no event: this model was trained without eventWeights, so an event has no weight (give value instead)');
  if (!Object.hasOwn(weights, event)) throw badOption(`history[${idx}].event`, event, `one of the model's events (${Object.keys(weights).join(', ')})`);
  return weights[event];
}

/** λ of an implicit fold-in: λ, or λ·n₊ (at least λ) for imported Spark models (see `regularizationPerPositive`). */
function implicitFoldInLambda(model: ScoringModel, vals: Float64Array): number {
  if (!model.options.regularizationPerPositive) return model.options.regularization;
  return model.options.regularization * Math.max(1, vals.filter((v) => v > 0).length);
}

/**
 * The one f×f fold-in solve for known item rows `cols` with values `vals`, in `memory` (the model's).
 * @throws AlsError `NOT_POSITIVE_DEFINITE`, `NON_FINITE`
 */
export function solveHistory(model: ScoringModel, memory: ServingMemory, cols: Int32Array, vals: Float64Array): { factors: Float64Array; bias: number } {
  const f = model.factors;
  const explicit = model.options.feedback === 'explicit';
  const { arena, exports: K } = memory.rt;
  const { xP, Yp, Gp, biP } = memory;
  arena.release(memory.base);
  const k = explicit && model.params.itemBiases ? f + 1 : f;
  const indptrP = arena.putI32([0, cols.length]);
  const indicesP = arena.putI32(cols);
  // A new user's counts are BM25-weighted with their own total and the training data's idf, as training weighted every row.
  const weighted = !explicit && model.bm25 && model.options.weighting === 'bm25' ? bm25Row(cols, vals, model.bm25) : vals;
  const valsP = arena.putF32(explicit ? vals : toConfidence(weighted, model.options.confidence, model.options.alpha, model.options.epsilon));
  const buP = arena.alloc(8);
  const scratch = arena.alloc(K.scratchBytes(k, Math.max(1, cols.length)));
  // Training's half-step equation for one row, solved exactly whatever the model's solver (CG
  // would start from an arbitrary x): the Cholesky kind of the solver table, by the one solveRows.
  const opts = { ...model.options, solver: 'cholesky', factors: f, regularization: explicit ? model.options.regularization : implicitFoldInLambda(model, vals), precision: 'f64' } as const;
  const jobP = arena.alloc(SOLVE_JOB_BYTES);
  writeSolveJob(memory.rt.memory, jobP, solveJobOf(opts, { out: xP, other: Yp, gram: explicit ? 0 : Gp, indptr: indptrP, indices: indicesP, values: valsP, mu: explicit ? model.params.globalMean : 0, biasOther: biP, biasOut: biP ? buP : 0, other32: 0 }));
  const failure = rowsFailure(solveRows(K, jobP, 0, 1, scratch, 0));
  const factors = arena.f64(xP, f).slice();
  const bias = biP ? arena.f64(buP, 1)[0] : 0;
  arena.release(memory.base);
  if (failure?.reason === 'not-positive-definite') {
    throw new AlsError(
      'NOT_POSITIVE_DEFINITE',
      `The fold-in system for this history (${cols.length} known items) is not positive definite: ` +
        (model.options.regularization === 0 ? `the model's regularization is 0 and the history is too short to determine ${f} factors.` : 'its values are too large for the regularization; rescale them.'),
      { items: cols.length, factors: f },
    );
  }
  if (failure) {
    throw new AlsError('NON_FINITE', 'Fold-in produced non-finite factors for this history: its values are too large; rescale them.', { items: cols.length });
  }
  return { factors, bias };
}
