/** `als-wasm evaluate --model MODEL --test FILE`: ranking metrics for every model, RMSE/MAE for rating models. */
import { evaluateModel } from '../select/evaluate.js';
import type { RankingMetrics } from '../select/metrics.js';
import { kFlag, num, READ_FLAGS, str, type Parsed } from './args.js';
import type { Command } from './command.js';
import { candidatesOption, FEATURE_FLAGS } from './features.js';
import { openModel, readInteractions } from './shared.js';

const usage = `  als-wasm evaluate --model MODEL --test FILE [--k 10] [--relevant V] [--skip-bad-rows] [--json]
      ranking metrics @k of the model's recommendations for every model (training items left
      out); a held-out pair counts as relevant when its value is ≥ V (default: every held-out
      rating of a rating model, every interaction of an implicit one); RMSE and MAE too for a
      rating (explicit) model`;

async function run(p: Parsed): Promise<unknown> {
  const k = kFlag(p);
  const relevant = num(p, 'relevant');
  const model = await openModel(p);
  const test = await readInteractions(str(p, 'test', true)!, true, p);
  const r = evaluateModel(model, test, { k, relevant, ...(await candidatesOption(p.flags)) });
  if (r.unknown > 0) process.stderr.write(`note: ${r.unknown} test rows have a user or item the model does not know; left out\n`);
  const ranking = r as Partial<RankingMetrics>;
  const out: Record<string, number> = {};
  if ('rmse' in r) {
    process.stderr.write(`RMSE ${r.rmse.toFixed(4)}  MAE ${r.mae.toFixed(4)}  over ${r.count} ratings\n`);
    Object.assign(out, { rmse: r.rmse, mae: r.mae, count: r.count });
  }
  if (ranking.k !== undefined) {
    const { precision, recall, map, ndcg, auc, mpr, users } = ranking as RankingMetrics;
    const which = relevant === undefined ? '' : `, relevant = value ≥ ${relevant}`;
    process.stderr.write(
      `@${ranking.k}: precision ${precision.toFixed(4)}  recall ${recall.toFixed(4)}  MAP ${map.toFixed(4)}  NDCG ${ndcg.toFixed(4)}  AUC ${auc.toFixed(4)}  MPR ${mpr.toFixed(4)}  over ${users} users${which}\n`,
    );
    Object.assign(out, { k: ranking.k, precision, recall, map, ndcg, auc, mpr, users });
    if (relevant !== undefined) out.relevant = relevant;
  }
  out.unknown = r.unknown;
  return out;
}

/** The `evaluate` command. */
export const evaluateCommand: Command = {
  name: 'evaluate',
  flags: ['model', 'test', 'k', 'relevant', ...READ_FLAGS, 'json', ...FEATURE_FLAGS.evaluate],
  usage,
  run,
};
