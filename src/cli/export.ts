/**
 * `als-wasm export --model MODEL --format npz|spark-json --out PATH`: the model's factors for
 * another engine — implicit's `.npz` (its `AlternatingLeastSquares.load(PATH)` reads it) or
 * Spark-style JSON lines (`PATH/userFactors.json`, `PATH/itemFactors.json`).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AlsError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { exportFactors } from '../io/factors-export.js';
import type { Command } from './command.js';
import { choiceFlag } from './flag-values.js';
import { str, UsageError, type Parsed } from './args.js';
import { openModel, refuseOutOverInputs } from './shared.js';

/** The `export` command. */
export const exportCommand: Command = {
  name: 'export',
  flags: ['model', 'format', 'out', 'head', 'json'],
  usage: `  als-wasm export --model MODEL --format npz|spark-json --out PATH [--head ranking|rating] [--json]
      a rating model exports its ranking head (what recommend uses) unless --head rating
      npz: one file for implicit (AlternatingLeastSquares.load(PATH); user_ids/item_ids inside);
      spark-json: a directory PATH with userFactors.json and itemFactors.json ({"id","features"} lines)`,
  async run(p: Parsed) {
    const format = choiceFlag(p, 'format', ['npz', 'spark-json'] as const);
    if (!format) throw new UsageError('--format is required (npz or spark-json)');
    const out = str(p, 'out', true)!;
    await refuseOutOverInputs(out, [str(p, 'model', true)!]);
    const model = await openModel(p);
    const { files, factors, notes } = exportFactors(model, format, { head: choiceFlag(p, 'head', ['ranking', 'rating'] as const) });
    const written: string[] = [];
    try {
      if (format === 'spark-json') await mkdir(out, { recursive: true });
      for (const [name, bytes] of Object.entries(files)) {
        const path = format === 'npz' ? out : join(out, name);
        await writeFileAtomic(path, bytes);
        written.push(path);
      }
    } catch (e) {
      throw new AlsError('IO_ERROR', `Cannot write ${out}: ${(e as Error).message}`, { path: out });
    }
    for (const note of notes) process.stderr.write(`note: ${note}\n`);
    process.stderr.write(`exported ${model.users.size} users × ${model.items.size} items (f = ${factors}) to ${written.join(', ')}\n`);
    return { format, files: written, users: model.users.size, items: model.items.size, factors, notes };
  },
};
