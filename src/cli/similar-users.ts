/** `als-wasm similar-users --model MODEL --user ID [--k 10] [--json]`: users with the same taste (cosine on user factors). */
import { kFlag, str, type Parsed } from './args.js';
import type { Command } from './command.js';
import { openModel } from './shared.js';
import { NAME_FLAGS, namedUsers, printNamed, withNames } from './names.js';

/** The `similar-users` command. */
export const similarUsersCommand: Command = {
  name: 'similar-users',
  flags: ['model', 'user', 'k', 'json', ...NAME_FLAGS.users],
  usage: '  als-wasm similar-users --model MODEL --user ID [--k 10] [--json]',
  async run(p: Parsed) {
    const user = str(p, 'user', true)!;
    const k = kFlag(p);
    const model = await withNames(await openModel(p), p.flags);
    const users = model.similarUsers(user, k);
    printNamed(model, users, 'users', p.flags.has('json'));
    return { users: namedUsers(model, users) };
  },
};
