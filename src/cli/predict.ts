/** `als-wasm predict --model MODEL --user ID --items IDS`: predicted ratings (or preferences) of a user for given items. */
import { escapeControl, openModel } from './shared.js';
import { str, UsageError, type Parsed } from './args.js';
import type { Command } from './command.js';

async function run(p: Parsed): Promise<unknown> {
  const user = str(p, 'user', true)!;
  const items = str(p, 'items', true)!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError('--items needs at least one item id (a,b,c)');
  const model = await openModel(p);
  // A rating model predicts ratings on its file's scale; an implicit one, preferences (about 0–1).
  const kind = model.options.feedback === 'explicit' ? 'rating' : 'preference';
  const predictions = items.map((item) => ({ item, [kind]: model.predict(user, item) }));
  if (!p.flags.has('json')) {
    process.stdout.write(`${kind === 'rating' ? 'predicted rating' : 'predicted preference (0–1, not a rating)'} for user ${escapeControl(user)}\n`);
    for (const row of predictions) process.stdout.write(`  ${escapeControl(row.item).padEnd(16)} ${(row[kind] as number).toFixed(kind === 'rating' ? 2 : 4)}\n`);
  }
  return { user, kind, predictions };
}

/** The `predict` command. */
export const predictCommand: Command = {
  name: 'predict',
  flags: ['model', 'user', 'items', 'json'],
  usage: `  als-wasm predict --model MODEL --user ID --items ID,ID,… [--json]
      predicted ratings (rating models, on the training file's scale) or preferences (implicit)`,
  run,
};
