/**
 * `als-wasm users-for-item --model MODEL --item ID [--k 10] [--include-seen] [--json]`: the
 * users most likely to want an item (its column of X·Yᵀ), those who already have it left out.
 */
import { kFlag, str, type Parsed } from './args.js';
import type { Command } from './command.js';
import { openModel, printItems } from './shared.js';

/** The `users-for-item` command. */
export const usersForItemCommand: Command = {
  name: 'users-for-item',
  flags: ['model', 'item', 'k', 'include-seen', 'json'],
  booleanFlags: ['include-seen'],
  usage: '  als-wasm users-for-item --model MODEL --item ID [--k 10] [--include-seen] [--json]',
  async run(p: Parsed) {
    const item = str(p, 'item', true)!;
    const k = kFlag(p);
    const model = await openModel(p);
    const users = model.usersForItem(item, k, { filterSeen: !p.flags.has('include-seen') });
    printItems(users, p.flags.has('json'));
    return { users };
  },
};
