/** `als-wasm recommend --model MODEL --user ID`: the user's top k unseen items. */
import type { ScoredItem } from '../als/model.js';
import { AlsError, isAlsError } from '../errors.js';
import { kFlag, str, UsageError, type Parsed } from './args.js';
import { RECOMMEND_BATCH_FLAGS, RECOMMEND_BATCH_USAGE, recommendBatch } from './recommend-batch.js';
import type { Command } from './command.js';
import { FEATURE_FLAGS, withItemFeatures } from './features.js';
import { openModel, printItems } from './shared.js';

async function run(p: Parsed): Promise<unknown> {
  if (p.flags.has('users') && p.flags.has('item-features')) throw new UsageError('--item-features takes one --user (add the items with a single recommend first, or retrain with them)');
  if (p.flags.has('users')) return recommendBatch(p);
  const user = str(p, 'user', true)!;
  const k = kFlag(p);
  const model = await withItemFeatures(await openModel(p), p.flags);
  let items: ScoredItem[];
  try {
    items = model.recommend(user, k);
  } catch (e) {
    // The library's advice (fold the user in with recommendForHistory) has no CLI equivalent.
    if (isAlsError(e) && e.code === 'UNKNOWN_USER') {
      throw new AlsError('UNKNOWN_USER', `Unknown user ${JSON.stringify(user)}: not in the model's training data. Add the user's rows to the training file and train again.`, e.details);
    }
    throw e;
  }
  printItems(items, p.flags.has('json'));
  return { items };
}

/** The `recommend` command. */
export const recommendCommand: Command = {
  name: 'recommend',
  flags: ['model', 'user', 'k', ...RECOMMEND_BATCH_FLAGS, 'json', ...FEATURE_FLAGS.recommend],
  usage: '  als-wasm recommend --model MODEL --user ID [--k 10] [--json]\n' + RECOMMEND_BATCH_USAGE,
  run,
};
