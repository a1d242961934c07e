/**
 * `als-wasm users-for-item --model MODEL --item ID [--k 10] [--include-seen] [--json]`: the
 * users most likely to want an item (its column of X·Yᵀ), those who already have it left out.
 */
import { kFlag, str, type Parsed } from './args.js';
import type { Command } from './command.js';
import { openModel } from './shared.js';
import { NAME_FLAGS, namedUsers, printNamed, resolveItem, withNames } from './names.js';

/** The `users-for-item` command. */
export const usersForItemCommand: Command = {
  name: 'users-for-item',
  flags: ['model', 'item', 'k', 'include-seen', 'json', ...NAME_FLAGS.users],
  booleanFlags: ['include-seen'],
  usage: '  als-wasm users-for-item --model MODEL --item ID|TITLE [--k 10] [--include-seen] [--json]\n      [--item-names FILE] [--user-names FILE]',
  async run(p: Parsed) {
    const item = str(p, 'item', true)!;
    const k = kFlag(p);
    const model = await withNames(await openModel(p), p.flags);
    const users = model.usersForItem(resolveItem(model, item), k, { filterSeen: !p.flags.has('include-seen') });
    printNamed(model, users, 'users', p.flags.has('json'));
    return { users: namedUsers(model, users) };
  },
};
