/**
 * `als-wasm recommend --model MODEL --users a,b,c|@FILE [--k 10] [--unknown-users error|popular] [--json]`:
 * top-k for many users in one call (`recommendMany`). With --json, one line per user
 * `{"user","items":[{"id","score"}…]}` (+ `"fallback":"popular"` for an unknown user under
 * `--unknown-users popular`); else a ranked list per user.
 */
import { AlsError } from '../errors.js';
import { kFlag, str, UsageError, type Parsed } from './args.js';
import { readTextFile } from '../io/bounded-read.js';
import { escapeControl, openModel } from './shared.js';
import { namedItems, namedLines, withNames } from './names.js';

/** Users ranked per slice: their lines are written before the next slice is ranked. */
const SLICE_USERS = 1024;

/** Writes to stdout, waiting for it to drain when the reader is slower (a pipe). */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e?: Error | null) => (e ? reject(e) : resolve());
    if (process.stdout.write(text)) done();
    else process.stdout.once('drain', () => done());
  });
}

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
    words = (await readTextFile(path, '--users @')).text.split(/\r?\n/);
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
  // Unknown users are refused before any line is written (as recommendMany does for its list).
  if (policy === 'error') {
    const unknown = users.find((u) => model.users.index(u) === undefined);
    if (unknown !== undefined) {
      throw new AlsError('UNKNOWN_USER', `Unknown user ${JSON.stringify(unknown)}: not in the model's training data. Pass --unknown-users popular to give unknown users the most popular items, or add their rows to the training file and train again.`, { user: unknown });
    }
  }
  const json = p.flags.has('json');
  // Streamed: each slice's lines are written (waiting for a slow reader) before the next slice
  // is ranked, so memory holds one slice's results, not a million users'.
  for (let at = 0; at < users.length; at += SLICE_USERS) {
    const results = model.recommendMany(users.slice(at, at + SLICE_USERS), k, { unknownUsers: policy });
    const text: string[] = [];
    for (const r of results) {
      if (json) {
        const line = { user: r.user, items: namedItems(model, r.items), ...(r.fallback ? { fallback: r.fallback } : {}) };
        text.push(escapeControl(JSON.stringify(line)) + '\n');
      } else {
        text.push(`${escapeControl(String(r.user))}${r.fallback ? ' (unknown: most popular items)' : ''}\n`);
        text.push(namedLines(model, r.items, 'items'));
      }
    }
    await writeOut(text.join(''));
  }
  return undefined;
}
