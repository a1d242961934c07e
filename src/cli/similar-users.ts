/** `als-wasm similar-users --model MODEL --user ID [--k 10] [--json]`: users with the same taste (cosine on user factors). */
import { kFlag, str, type Parsed } from './args.js';
import type { Command } from './command.js';
import { openModel, printItems } from './shared.js';

/** The `similar-users` command. */
export const similarUsersCommand: Command = {
  name: 'similar-users',
  flags: ['model', 'user', 'k', 'json'],
  usage: '  als-wasm similar-users --model MODEL --user ID [--k 10] [--json]',
  async run(p: Parsed) {
    const user = str(p, 'user', true)!;
    const k = kFlag(p);
    const model = await openModel(p);
    const users = model.similarUsers(user, k);
    printItems(users, p.flags.has('json'));
    return { users };
  },
};
