/** `als-wasm recommend --model MODEL --user ID | --history …`: top k for a known user or a folded-in history, with filters. */
import type { ScoredItem } from '../model/model.js';
import { AlsError, isAlsError } from '../errors.js';
import { kFlag, str, UsageError, type Parsed } from './args.js';
import { RECOMMEND_BATCH_FLAGS, RECOMMEND_BATCH_USAGE, recommendBatch } from './recommend-batch.js';
import type { Command } from './command.js';
import { FEATURE_FLAGS, withItemFeatures } from './features.js';
import { escapeControl, openModel } from './shared.js';
import { NAME_FLAGS, namedItems, printNamed, withNames } from './names.js';
import { historyFlag, idListFlag } from './flag-values.js';

async function run(p: Parsed): Promise<unknown> {
  if (p.flags.has('users') && p.flags.has('item-features')) throw new UsageError('--item-features takes one --user (add the items with a single recommend first, or retrain with them)');
  if (p.flags.has('users')) {
    // The batch form ranks known users over all items; the filters and fold-in are per user.
    const perUser = ['history', 'exclude', 'candidates', 'include-seen'].filter((f) => p.flags.has(f));
    if (perUser.length > 0) throw new UsageError(`--${perUser[0]} applies to one user (--user or --history), not to --users`);
    return recommendBatch(p);
  }
  const history = historyFlag(p);
  const user = str(p, 'user', history === undefined);
  if (user !== undefined && history !== undefined) throw new UsageError('give --user (a user of the model) or --history (a new user), not both');
  const k = kFlag(p);
  const opts = { filterSeen: !p.flags.has('include-seen'), exclude: await idListFlag(p, 'exclude'), candidates: await idListFlag(p, 'candidates') };
  const model = await withNames(await withItemFeatures(await openModel(p), p.flags), p.flags);
  if (history !== undefined) {
    const items = model.recommendForHistory(history, k, opts);
    if (items.unknownItems.length > 0) process.stderr.write(`note: ${items.unknownItems.length} history items are not in the model (first: ${escapeControl(String(items.unknownItems[0]))}); left out\n`);
    const why = items.unknownItems.length < history.length ? 'the history has only dislikes (ratings below the middle of the scale)' : 'no history item is known';
    if (items.fallback) process.stderr.write(`note: ${why}: the most popular items instead (fallback: ${items.fallback})\n`);
    printNamed(model, items, 'items', p.flags.has('json'), model.scoreKind);
    return { items: namedItems(model, items), unknownItems: items.unknownItems, fallback: items.fallback, scoreKind: items.fallback ? 'popularity' : model.scoreKind };
  }
  let items: ScoredItem[];
  try {
    items = model.recommend(user!, k, opts);
  } catch (e) {
    // The library's advice names its API (recommendForHistory); the CLI's fold-in is --history.
    if (isAlsError(e) && e.code === 'UNKNOWN_USER') {
      throw new AlsError('UNKNOWN_USER', `Unknown user ${JSON.stringify(user)}: not in the model's training data. Fold them in with --history ITEM:VALUE,… instead, or add their rows to the training file and train again.`, e.details);
    }
    throw e;
  }
  printNamed(model, items, 'items', p.flags.has('json'), model.scoreKind);
  return { items: namedItems(model, items), scoreKind: model.scoreKind };
}

/** The `recommend` command. */
export const recommendCommand: Command = {
  name: 'recommend',
  flags: ['model', 'user', 'history', 'k', 'exclude', 'candidates', 'include-seen', ...RECOMMEND_BATCH_FLAGS, 'json', ...FEATURE_FLAGS.recommend, ...NAME_FLAGS.items],
  booleanFlags: ['include-seen'],
  usage: `  als-wasm recommend --model MODEL (--user ID | --history ITEM:VALUE,…) [--k 10]
      [--exclude IDS|@FILE] [--candidates IDS|@FILE] [--include-seen] [--json]
      --history folds in a user who is not in the model (ITEM alone means value 1);
      --exclude leaves items out, --candidates ranks only those items, --include-seen keeps
      the user's training (or history) items. IDS: a,b,c; @FILE: one id per line
${RECOMMEND_BATCH_USAGE}`,
  run,
};
