/** `als-wasm similar-users --model MODEL --user ID [--k 10] [--json]`: users with the same taste (cosine on user factors). */
import type { CliCommand } from './command.js';

/** The `similar-users` command. */
export const similarUsersCommand: CliCommand = {
  name: 'similar-users',
  flags: ['model', 'user', 'k', 'json'],
  usage: '  als-wasm similar-users --model MODEL --user ID [--k 10] [--json]',
  async run(ctx) {
    const user = ctx.str('user', true)!;
    const k = ctx.k();
    const model = await ctx.openModel();
    const users = model.similarUsers(user, k);
    ctx.printItems(users);
    return { users };
  },
};
