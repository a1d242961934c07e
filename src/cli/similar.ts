/** `als-wasm similar --model MODEL --item ID`: the k items nearest by cosine. */
import { kFlag, str, type Parsed } from './args.js';
import type { Command } from './command.js';
import { openModel, printItems } from './shared.js';

async function run(p: Parsed): Promise<unknown> {
  const item = str(p, 'item', true)!;
  const k = kFlag(p);
  const model = await openModel(p);
  const items = model.similarItems(item, k);
  printItems(items, p.flags.has('json'));
  return { items };
}

/** The `similar` command. */
export const similarCommand: Command = {
  name: 'similar',
  flags: ['model', 'item', 'k', 'json'],
  usage: '  als-wasm similar --model MODEL --item ID [--k 10] [--json]',
  run,
};
