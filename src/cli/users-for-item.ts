/**
 * `als-wasm users-for-item --model MODEL --item ID [--k 10] [--include-seen] [--json]`: the
 * users most likely to want an item (its column of X·Yᵀ), those who already have it left out.
 */
import type { CliCommand } from './command.js';

/** The `users-for-item` command. */
export const usersForItemCommand: CliCommand = {
  name: 'users-for-item',
  flags: ['model', 'item', 'k', 'include-seen', 'json'],
  booleanFlags: ['include-seen'],
  usage: '  als-wasm users-for-item --model MODEL --item ID [--k 10] [--include-seen] [--json]',
  async run(ctx) {
    const item = ctx.str('item', true)!;
    const k = ctx.k();
    const model = await ctx.openModel();
    const users = model.usersForItem(item, k, { filterSeen: !ctx.has('include-seen') });
    ctx.printItems(users);
    return { users };
  },
};
