/**
 * Exports a model's factors to the big engines: benfred/implicit's `.npz` (what its `model.save()`
 * writes and `AlternatingLeastSquares.load()` reads) and Spark-style JSON lines
 * (`{"id":…,"features":[…]}`, what `userFactors.write.json` writes).
 */
import type { AlsModel } from '../model/model.js';
import type { Id } from '../data/types.js';
import { badOption } from '../errors.js';
import { npy, zipStored } from './npz-write.js';

/** Export formats: implicit's `.npz`, or Spark-style JSON lines (one file for users, one for items). */
export type ExportFormat = 'npz' | 'spark-json';

/** What {@link exportFactors} returns: the files to write, by name. */
export interface ExportedFactors {
  /** File name → contents: `model.npz`, or `userFactors.json` and `itemFactors.json`. */
  files: Record<string, Uint8Array>;
  /** The factor count written (f, or f + 2 when explicit biases are carried as two columns). */
  factors: number;
  /** What the receiving engine should know (biases carried as columns, string ids). */
  notes: string[];
}

/**
 * The rows to export: the factors, with an explicit model's biases carried as two more columns
 * so that the plain dot products of the receiving engine keep the ranking:
 * [x_u, b_u, 1]·[y_i, 1, b_i] = x_u·y_i + b_u + b_i (the global mean μ, the same for every pair, is left out).
 */
function exportRows(model: AlsModel): { f: number; users: Float64Array; items: Float64Array; biases: boolean } {
  const { factors: f, userFactors, itemFactors, userBiases, itemBiases } = model.params;
  if (!userBiases || !itemBiases) return { f, users: userFactors, items: itemFactors, biases: false };
  const widen = (rows: Float64Array, n: number, bias: Float64Array, userSide: boolean) => {
    const out = new Float64Array(n * (f + 2));
    for (let r = 0; r < n; r++) {
      out.set(rows.subarray(r * f, (r + 1) * f), r * (f + 2));
      out[r * (f + 2) + f] = userSide ? bias[r] : 1;
      out[r * (f + 2) + f + 1] = userSide ? 1 : bias[r];
    }
    return out;
  };
  return { f: f + 2, users: widen(userFactors, model.users.size, userBiases, true), items: widen(itemFactors, model.items.size, itemBiases, false), biases: true };
}

/**
 * Exports the model's user and item factors.
 *
 * `npz`: `user_factors` and `item_factors` (float32, rows in the model's index order),
 * `factors`, `regularization`, `alpha`, `iterations`, `cg_steps`, `use_cg`, `use_native`,
 * `num_threads`, `calculate_training_loss` and `dtype` — the keys implicit's `save()` writes, so
 * `AlternatingLeastSquares.load(path)` restores a model — plus `user_ids` and `item_ids`
 * (strings; row r of the factors is id r), which implicit keeps as plain attributes and
 * {@link importFactors} reads back. The confidence convention travels with α: implicit uses
 * c = α·r, so a model trained here with another form is scored the same but folds in differently there.
 *
 * `spark-json`: `userFactors.json` and `itemFactors.json`, one `{"id":…,"features":[…]}` per
 * line (numeric ids as numbers, others as strings), readable by `spark.read.json`.
 * A rating model with a ranking head exports the head (the factors its recommendations come
 * from) unless `head: 'rating'` asks for the rating model's.
 * @param model - a trained or imported model
 * @param format - `npz` or `spark-json`
 * @param opts - `head`: which factor set of a two-head model (default `'ranking'`)
 * @returns the files and notes
 * @throws AlsError `BAD_OPTION` for an unknown format
 * @example
 * const { files } = exportFactors(model, 'npz');
 * await writeFile('model.npz', files['model.npz']);
 */
export function exportFactors(model: AlsModel, format: ExportFormat, opts: { head?: 'ranking' | 'rating' } = {}): ExportedFactors {
  if (opts.head !== undefined && opts.head !== 'ranking' && opts.head !== 'rating') throw badOption('head', opts.head, '"ranking" or "rating"');
  if (model.ranking && opts.head !== 'rating') {
    const exported = exportFactors(model.ranking, format);
    return { ...exported, notes: ['the ranking head (an implicit model of the same pairs: what recommend uses); head "rating" exports the rating model', ...exported.notes] };
  }
  const { f, users, items, biases } = exportRows(model);
  const notes: string[] = [];
  if (biases) notes.push(`the explicit model's biases are carried as two more columns (f = ${f}): x·y = the score without the global mean ${model.params.globalMean}`);
  const m = model.users.size;
  const n = model.items.size;
  if (format === 'npz') {
    const o = model.options;
    const implicitForm = o.feedback === 'implicit' && o.confidence === 'scaled';
    if (o.feedback === 'implicit' && !implicitForm) notes.push(`implicit folds in with c = α·r; this model was trained with the ${o.confidence} form, so fold-in there differs from fold-in here`);
    if (o.feedback === 'implicit' && o.weighting !== 'none') notes.push(`this model weights the counts (${o.weighting}) before the confidence: apply the same weighting (implicit.nearest_neighbours.bm25_weight) to a history before recalculate_user there`);
    const ids = (map: AlsModel['users']) => map.ids().map(String);
    const entries: [string, Uint8Array][] = [
      ['user_factors.npy', npy({ dtype: '<f4', shape: [m, f], data: users })],
      ['item_factors.npy', npy({ dtype: '<f4', shape: [n, f], data: items })],
      ['regularization.npy', npy({ dtype: '<f8', shape: [], data: [o.regularization] })],
      ['factors.npy', npy({ dtype: '<i8', shape: [], data: [f] })],
      ['num_threads.npy', npy({ dtype: '<i8', shape: [], data: [0] })],
      ['iterations.npy', npy({ dtype: '<i8', shape: [], data: [o.iterations] })],
      ['use_native.npy', npy({ dtype: '|b1', shape: [], data: [true] })],
      ['use_cg.npy', npy({ dtype: '|b1', shape: [], data: [o.solver === 'cg'] })],
      ['cg_steps.npy', npy({ dtype: '<i8', shape: [], data: [o.cgSteps] })],
      ['calculate_training_loss.npy', npy({ dtype: '|b1', shape: [], data: [false] })],
      ['dtype.npy', npy({ dtype: '<U', shape: [], data: ['float32'] })],
      ['alpha.npy', npy({ dtype: '<f8', shape: [], data: [o.feedback === 'implicit' ? o.alpha : 1] })],
      ['user_ids.npy', npy({ dtype: '<U', shape: [m], data: ids(model.users) })],
      ['item_ids.npy', npy({ dtype: '<U', shape: [n], data: ids(model.items) })],
    ];
    return { files: { 'model.npz': zipStored(entries) }, factors: f, notes };
  }
  if (format === 'spark-json') {
    const idsOf = (map: AlsModel['users']) => map.ids();
    if ([...idsOf(model.users), ...idsOf(model.items)].some((id) => !isSparkId(id))) notes.push("some ids are not integers: Spark's ALS needs integer ids, map them before use");
    return { files: { 'userFactors.json': jsonLines(idsOf(model.users), users, f), 'itemFactors.json': jsonLines(idsOf(model.items), items, f) }, factors: f, notes };
  }
  throw badOption('format', format, '"npz" or "spark-json"');
}

/** Whether an id is a 32-bit integer (Spark's `id: int`). */
function isSparkId(id: Id): boolean {
  const x = typeof id === 'number' ? id : /^-?\d+$/.test(id) ? Number(id) : NaN;
  return Number.isInteger(x) && Math.abs(x) < 2 ** 31;
}

/**
 * One `{"id":…,"features":[…]}` line per row; features rounded to f32 like Spark's `array<float>`,
 * printed with 9 significant digits (enough for every f32 to read back exactly, and half the text of a double's).
 */
function jsonLines(ids: Id[], rows: Float64Array, f: number): Uint8Array {
  const lines = ids.map((id, r) => {
    const features = Array.from(rows.subarray(r * f, (r + 1) * f), (v) => Number(Math.fround(v).toPrecision(9)));
    return JSON.stringify({ id: isSparkId(id) ? Number(id) : id, features });
  });
  return new TextEncoder().encode(lines.join('\n') + '\n');
}
