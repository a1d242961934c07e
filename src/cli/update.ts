/**
 * `als-wasm update --model M FILE [--out M2] [--users solve|keep] [--items solve|keep]`: adds
 * the interactions of FILE to a model and re-solves only the rows they touch (see updateModel).
 */
import type { UpdateOptions, UpdateProgress } from '../model/update.js';
import { defaultFeedback } from '../api/fit.js';
import { READ_FLAGS, str, UsageError, type Parsed } from './args.js';
import type { Command } from './command.js';
import { OUTLIER_FLAG, ratingScale, refuseRatingOutliers } from './outliers.js';
import { openModel, readInteractions, refuseOutOverInputs, saveModelFile, withOutputLock } from './shared.js';

async function run(p: Parsed): Promise<unknown> {
  const file = p.positional[0];
  if (!file || p.positional.length > 1) throw new UsageError('update needs exactly one FILE');
  const side = (name: 'users' | 'items'): UpdateOptions['users'] => {
    const v = str(p, name);
    if (v !== undefined && v !== 'solve' && v !== 'keep') throw new UsageError(`--${name} must be solve or keep, got "${v}"`);
    return v;
  };
  const options: UpdateOptions = { users: side('users'), items: side('items'), onProgress: printer() };
  const modelPath = str(p, 'model', true)!;
  const out = str(p, 'out') ?? modelPath;
  // Replacing MODEL itself is the point (atomically); writing over the data file is refused.
  // Without --out the output is MODEL itself: messages name the flag the user gave.
  await refuseOutOverInputs(p, out, [modelPath], p.flags.has('out') ? '--out' : '--model');
  // The lock covers reading MODEL through writing the result: a second update of the same file
  // waits for this one and then reads its result, so neither update is lost.
  const { next, report } = await withOutputLock(out, async () => {
    const model = await openModel(p);
    const data = await readInteractions(file, false, p);
    // New ratings are held to the model's scale; a model of counts (plays: a long tail is real) is not.
    const stored = model.seen.values;
    const ofRatings = model.options.feedback === 'explicit' || defaultFeedback({ hasValue: true, value: stored, length: stored.length }) === 'explicit';
    await refuseRatingOutliers(file, data, p.flags.has(OUTLIER_FLAG), ofRatings ? ratingScale(stored) : undefined);
    const { model: next, report } = await model.update(data, options);
    await saveModelFile(out, next, true);
    return { next, report };
  });
  process.stderr.write(`updated: ${report.pairsAdded} new pairs, ${report.pairsMerged} merged, ${report.newUsers} new users, ${report.newItems} new items; re-solved ${report.usersSolved} users and ${report.itemsSolved} items in ${report.seconds.toFixed(3)} s; saved ${out}\n`);
  return { ...report, users: next.users.size, items: next.items.size, interactions: next.seen.indptr[next.users.size], out };
}

/** Progress on stderr, at most twice a second. */
function printer(): (p: UpdateProgress) => void {
  let last = 0;
  return (p) => {
    const t = Date.now();
    if (t - last < 500 && p.rowsDone < p.rowsTotal) return;
    last = t;
    process.stderr.write(`solving ${p.side}: ${p.rowsDone}/${p.rowsTotal}\n`);
  };
}

/** The `update` command. */
export const updateCommand: Command = {
  name: 'update',
  booleanFlags: [OUTLIER_FLAG],
  flags: ['model', 'out', 'users', 'items', ...READ_FLAGS, 'json', OUTLIER_FLAG],
  usage: `  als-wasm update --model MODEL FILE [--out MODEL2] [--items solve|keep] [--users solve|keep]
      [--skip-bad-rows] [--json]
      adds FILE's interactions to MODEL (new users and items get rows; repeated pairs follow
      the model's duplicate policy) and re-solves only the users (and, unless --items keep,
      the items) they touch; writes MODEL2 (default: MODEL, replaced atomically)`,
  run,
};
