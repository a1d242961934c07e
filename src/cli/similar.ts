/** `als-wasm similar --model MODEL --item ID`: the k items nearest by cosine. */
import { kFlag, str, type Parsed } from './args.js';
import type { Command } from './command.js';
import { openModel } from './shared.js';
import { NAME_FLAGS, namedItems, printNamed, resolveItem, withNames } from './names.js';

async function run(p: Parsed): Promise<unknown> {
  const item = str(p, 'item', true)!;
  const k = kFlag(p);
  const model = await withNames(await openModel(p), p.flags);
  const items = model.similarItems(resolveItem(model, item), k);
  printNamed(model, items, 'items', p.flags.has('json'));
  return { items: namedItems(model, items) };
}

/** The `similar` command. */
export const similarCommand: Command = {
  name: 'similar',
  flags: ['model', 'item', 'k', 'json', ...NAME_FLAGS.items],
  usage: '  als-wasm similar --model MODEL --item ID|TITLE [--k 10] [--item-names FILE] [--json]\n      (a title the model knows, matched case-insensitively, names its item)',
  run,
};
