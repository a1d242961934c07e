/** `als-wasm evaluate --model MODEL --test FILE`: RMSE/MAE (explicit) or ranking metrics (implicit). */
import { evaluateModel } from '../eval/evaluate.js';
import { kFlag, READ_FLAGS, str, type Parsed } from './args.js';
import type { Command } from './command.js';
import { candidatesOption, FEATURE_FLAGS } from './features.js';
import { openModel, readInteractions } from './shared.js';

async function run(p: Parsed): Promise<unknown> {
  const k = kFlag(p);
  const model = await openModel(p);
  const test = await readInteractions(str(p, 'test', true)!, true, p);
  const r = evaluateModel(model, test, { k, ...(await candidatesOption(p.flags)) });
  if (r.unknown > 0) process.stderr.write(`note: ${r.unknown} test rows have a user or item the model does not know; left out\n`);
  if ('rmse' in r) {
    process.stderr.write(`RMSE ${r.rmse.toFixed(4)}  MAE ${r.mae.toFixed(4)}  over ${r.count} ratings\n`);
    return { rmse: r.rmse, mae: r.mae, count: r.count, unknown: r.unknown };
  }
  process.stderr.write(
    `@${r.k}: precision ${r.precision.toFixed(4)}  recall ${r.recall.toFixed(4)}  MAP ${r.map.toFixed(4)}  NDCG ${r.ndcg.toFixed(4)}  AUC ${r.auc.toFixed(4)}  MPR ${r.mpr.toFixed(4)}  over ${r.users} users\n`,
  );
  return { k: r.k, precision: r.precision, recall: r.recall, map: r.map, ndcg: r.ndcg, auc: r.auc, mpr: r.mpr, users: r.users, unknown: r.unknown };
}

/** The `evaluate` command. */
export const evaluateCommand: Command = {
  name: 'evaluate',
  flags: ['model', 'test', 'k', ...READ_FLAGS, 'json', ...FEATURE_FLAGS.evaluate],
  usage: '  als-wasm evaluate --model MODEL --test FILE [--k 10] [--skip-bad-rows] [--json]',
  run,
};
