/**
 * `als-wasm explain --model MODEL --user ID --item ID`: why the model scores an item for a
 * user — the score split into additive contributions of the user's history items (implicit's
 * `explain`: c_uj · y_iᵀ W^u y_j), largest first.
 */
import { AlsError, isAlsError } from '../errors.js';
import type { Command } from './command.js';


import { num, str, UsageError, type Parsed } from './args.js';
import { openModel, escapeControl } from './shared.js';
import { NAME_FLAGS, resolveItem, shownName, withNames } from './names.js';

/** The `explain` command. */
export const explainCommand: Command = {
  name: 'explain',
  flags: ['model', 'user', 'item', 'top', 'json', ...NAME_FLAGS.items],
  usage: `  als-wasm explain --model MODEL --user ID --item ID [--top 10] [--json]
      the score of ITEM for USER split into the contributions of the user's history items
      (they add up to the score, with the baseline of an explicit model's biases)`,
  async run(p: Parsed) {
    const user = str(p, 'user', true)!;
    const typed = str(p, 'item', true)!;
    const top = num(p, 'top') ?? 10;
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be an integer ≥ 1, got "${str(p, 'top')}"`);
    const model = await withNames(await openModel(p), p.flags);
    const item = resolveItem(model, typed);
    let e;
    try {
      e = model.explain(user, item, top);
    } catch (err) {
      // The library points at fold-in for unknown users; the CLI's fold-in is recommend --history.
      if (isAlsError(err) && err.code === 'UNKNOWN_USER') throw new AlsError('UNKNOWN_USER', `Unknown user ${JSON.stringify(user)}: not in the model's training data (recommend --history folds in a new user).`, err.details);
      throw err;
    }
    if (!p.flags.has('json')) {
      process.stdout.write(`score ${e.score.toFixed(4)} for item ${shownName(model, item, 'items')}${e.baseline !== 0 ? ` (baseline ${e.baseline.toFixed(4)})` : ''}\n`);
      const width = Math.min(60, Math.max(16, ...e.contributions.map((c) => shownName(model, c.item, 'items').length)));
      for (const c of e.contributions) process.stdout.write(`  ${shownName(model, c.item, 'items').padEnd(width)} ${c.contribution >= 0 ? '+' : ''}${c.contribution.toFixed(4)}\n`);
      if (e.rest !== 0) process.stdout.write(`  ${'(the rest)'.padEnd(width)} ${e.rest >= 0 ? '+' : ''}${e.rest.toFixed(4)}\n`);
    }
    const title = model.itemName(item);
    return { item, ...(title !== undefined ? { title } : {}), score: e.score, baseline: e.baseline, rest: e.rest, contributions: e.contributions.map((c) => ({ ...c, ...(model.itemName(c.item) !== undefined ? { title: model.itemName(c.item) } : {}) })) };
  },
};
