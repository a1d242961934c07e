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
import type { CliCommand } from './command.js';
import { choiceFlag } from './flag-values.js';

/** The `export` command. */
export const exportCommand: CliCommand = {
  name: 'export',
  flags: ['model', 'format', 'out', 'json'],
  usage: `  als-wasm export --model MODEL --format npz|spark-json --out PATH [--json]
      npz: one file for implicit (AlternatingLeastSquares.load(PATH); user_ids/item_ids inside);
      spark-json: a directory PATH with userFactors.json and itemFactors.json ({"id","features"} lines)`,
  async run(ctx) {
    const format = choiceFlag(ctx, 'format', ['npz', 'spark-json'] as const);
    if (!format) throw ctx.usageError('--format is required (npz or spark-json)');
    const out = ctx.str('out', true)!;
    await ctx.refuseOutOverInputs(out, [ctx.modelPath()]);
    const model = await ctx.openModel();
    const { files, factors, notes } = exportFactors(model, format);
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
