/**
 * `als-wasm import SOURCE --out MODEL`: factors trained by another engine → a model file that
 * recommends, finds similar items and folds in new users here. SOURCE is benfred/implicit's
 * `.npz` / `.npy`, a Spark `ALSModel.save()` directory or one Parquet file, or factors as JSON
 * lines / CSV. The source's confidence convention is recorded (implicit c = α·r, Spark 1 + α·r).
 */
import { stat } from 'node:fs/promises';
import { readDirectoryTree } from '../io/bounded-read.js';
import { AlsError } from '../errors.js';
import { DEFAULT_MAX_FACTOR_BYTES, importFactors, type ImportFactorsOptions } from '../io/factors-import.js';
import type { Command } from './command.js';
import { choiceFlag, idListFlag } from './flag-values.js';
import { num, str, UsageError, type Parsed } from './args.js';
import { readFileBytes, refuseOutOverInputs, saveModelFile } from './shared.js';

/** Files of a Spark model directory: those in a `metadata`, `userFactors` or `itemFactors` folder (nothing else is read). */
const isSparkPart = (path: string): boolean => /(?:^|[\\/])(?:metadata|userFactors|itemFactors)[\\/][^\\/]+$/.test(path);

/** The `import` command. */
export const importCommand: Command = {
  name: 'import',
  flags: ['out', 'format', 'source', 'feedback', 'regularization', 'alpha', 'confidence', 'item-ids', 'user-ids', 'json'],
  usage: `  als-wasm import SOURCE --out MODEL [--format npz|npy|parquet|spark|json|csv]
      [--source implicit|spark] [--feedback implicit|explicit] [--regularization L]
      [--alpha A] [--confidence scaled|linear|log] [--item-ids IDS|@FILE] [--user-ids IDS|@FILE] [--json]
      factors trained elsewhere → a model file: implicit's model.save() .npz (or an .npy of
      item factors), a Spark ALSModel.save() directory or factor Parquet file, JSON lines
      {"id","features"} or CSV. Fold-in follows the source: implicit c = α·r (λ, α from the
      .npz), Spark c = 1 + α·r (λ, α, implicitPrefs from its metadata)`,
  async run(p: Parsed) {
    const source = p.positional[0];
    if (!source || p.positional.length > 1) throw new UsageError('import needs exactly one SOURCE (a file or a Spark model directory)');
    const out = str(p, 'out', true)!;
    await refuseOutOverInputs(p, out);
    const opts: ImportFactorsOptions = {
      format: choiceFlag(p, 'format', ['npz', 'npy', 'parquet', 'spark', 'json', 'csv'] as const),
      source: choiceFlag(p, 'source', ['implicit', 'spark'] as const),
      feedback: choiceFlag(p, 'feedback', ['implicit', 'explicit'] as const),
      regularization: num(p, 'regularization'),
      alpha: num(p, 'alpha'),
      confidence: choiceFlag(p, 'confidence', ['scaled', 'linear', 'log'] as const),
      ids: await idListFlag(p, 'item-ids'),
      userIds: await idListFlag(p, 'user-ids'),
    };
    for (const key of Object.keys(opts) as (keyof ImportFactorsOptions)[]) if (opts[key] === undefined) delete opts[key];
    let isDir: boolean;
    try {
      isDir = (await stat(source)).isDirectory();
    } catch (e) {
      throw new AlsError('IO_ERROR', `Cannot read ${source}: ${(e as Error).message}`, { path: source });
    }
    // Bounded before reading: a directory by files, depth and bytes; a file by its size (a FIFO or /dev/zero refused).
    const model = await importFactors(isDir ? await readDirectoryTree(source, 'SOURCE', { maxBytes: DEFAULT_MAX_FACTOR_BYTES, keep: isSparkPart }) : await readFileBytes(source, 'SOURCE', DEFAULT_MAX_FACTOR_BYTES), opts);
    await saveModelFile(out, model);
    const o = model.options;
    process.stderr.write(`imported ${model.users.size} users × ${model.items.size} items, f = ${model.factors}, ${o.feedback}${o.feedback === 'implicit' ? `, confidence ${o.confidence} (α ${o.alpha})` : ''}, λ ${o.regularization}; saved ${out}\n`);
    return { users: model.users.size, items: model.items.size, factors: model.factors, feedback: o.feedback, regularization: o.regularization, ...(o.feedback === 'implicit' ? { confidence: { form: o.confidence, alpha: o.alpha } } : {}), model: out };
  },
};
