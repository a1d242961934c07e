/**
 * `als-wasm recommend --model MODEL --users a,b,c|@FILE [--k 10] [--unknown-users error|popular] [--json]`:
 * top-k for many users in one call (`recommendMany`). With --json, one line per user
 * `{"user","items":[{"id","score"}…]}` (+ `"fallback":"popular"` for an unknown user under
 * `--unknown-users popular`); else a ranked list per user.
 */
import { AlsError, isAlsError } from '../errors.js';
import { kFlag, str, UsageError, type Parsed } from './args.js';
import { escapeControl, openModel, readFileBytes } from './shared.js';
import { namedItems, printNamed, withNames } from './names.js';

/** The flags `recommend` gains for batches. */
export const RECOMMEND_BATCH_FLAGS = ['users', 'unknown-users'];

/** Usage lines of the batch form. */
export const RECOMMEND_BATCH_USAGE = `  als-wasm recommend --model MODEL --users a,b,c|@FILE [--k 10]
      [--unknown-users error|popular] [--json]
      many users in one call (@FILE: one user id per line); --json writes one line per
      user {"user","items"}; --unknown-users popular gives an unknown user the most
      popular items (marked "fallback":"popular") instead of failing`;

/**
 * The user ids of `--users`: a comma-separated list, or `@FILE` with one id per line (blank
 * lines and surrounding spaces ignored).
 */
export async function readUserList(spec: string): Promise<string[]> {
  let words: string[];
  if (spec.startsWith('@')) {
    const path = spec.slice(1);
    words = new TextDecoder().decode(await readFileBytes(path)).split(/\r?\n/);
  } else {
    words = spec.split(',');
  }
  const users = words.map((w) => w.trim()).filter((w) => w !== '');
  if (users.length === 0) throw new UsageError(`--users ${spec} names no user`);
  return users;
}

/** Runs the batch form of `recommend`; writes its own output (returns undefined). */
export async function recommendBatch(p: Parsed): Promise<undefined> {
  if (p.flags.has('user')) throw new UsageError('give either --user ID or --users a,b,c|@FILE, not both');
  const spec = str(p, 'users', true)!;
  const policy = str(p, 'unknown-users') ?? 'error';
  if (policy !== 'error' && policy !== 'popular') throw new UsageError(`--unknown-users must be error or popular, got "${String(policy)}"`);
  const k = kFlag(p);
  const users = await readUserList(spec);
  const model = await withNames(await openModel(p), p.flags);
  let results;
  try {
    results = model.recommendMany(users, k, { unknownUsers: policy });
  } catch (e) {
    // The library's advice (fold the user in) has no CLI equivalent; the fallback flag has.
    if (isAlsError(e) && e.code === 'UNKNOWN_USER') {
      throw new AlsError('UNKNOWN_USER', `Unknown user ${JSON.stringify(e.details.user)}: not in the model's training data. Pass --unknown-users popular to give unknown users the most popular items, or add their rows to the training file and train again.`, e.details);
    }
    throw e;
  }
  const json = p.flags.has('json');
  for (const r of results) {
    if (json) {
      const line = { user: r.user, items: namedItems(model, r.items), ...(r.fallback ? { fallback: r.fallback } : {}) };
      process.stdout.write(escapeControl(JSON.stringify(line)) + '\n');
    } else {
      process.stdout.write(`${escapeControl(String(r.user))}${r.fallback ? ' (unknown: most popular items)' : ''}\n`);
      printNamed(model, r.items, 'items', json);
    }
  }
  return undefined;
}
