/**
 * Training (section 2): one run with the form's options in the worker, its progress drawn live
 * (progress bars, the loss chart, a status line), then the summary; Train and Cancel buttons.
 */
import { fmt } from './dom.js';
import type { LossChart } from './loss-chart.js';
import { setBusy, type Page } from './page.js';
import { featureOptions, readTrainForm } from './train-form.js';
import { pageLabels } from './page-labels.js';

/** Trains with the form's options; `quick` (the run as the page opens) skips the held-out scoring so recommendations show sooner. */
export async function trainNow(page: Page, chart: LossChart, quick = false): Promise<void> {
  const { $, state } = page;
  if (!state.data || state.busy) return;
  const { holdout: wanted, useFeatures, ...opts } = readTrainForm($.trainForm);
  const holdout = wanted && !quick;
  const controller = new AbortController();
  setBusy(page, controller, 'train');
  const iterations = opts.iterations as number;
  const metricName = opts.feedback === 'explicit' ? 'held-out RMSE' : 'held-out NDCG@10';
  chart.reset(holdout ? metricName : 'no held-out data');
  // Ratings train two factor sets (the rating model, then its ranking head): the chart follows the run in progress.
  let head = '';
  let rmse: number | undefined;
  $.runProgress.value = 0;
  $.halfProgress.value = 0;
  $.trainStats.textContent = 'Training…';
  let finished = false;
  try {
    if (holdout && !state.split) state.split = await state.rec.split(state.data, { method: 'per-user', fraction: 0.2, seed: 1 });
    const data = holdout ? state.split!.train : state.data;
    performance.mark('demo:train-start');
    const t0 = performance.now();
    const summary = await state.rec.train(data, {
      ...(opts as object),
      ...featureOptions(state, useFeatures),
      labels: pageLabels(state),
      validation: holdout ? { data: state.split!.test } : undefined,
      signal: controller.signal,
      onProgress: (p) => {
        // Progress crosses the worker as separate messages: the last may land after the result,
        // so late events still reach the chart but no longer overwrite the final summary.
        if (p.stage === 'head') {
          head = p.head === 'rating' ? 'Rating model · ' : 'Ranking head · ';
          if (p.head === 'ranking') chart.reset(holdout ? `held-out NDCG@10 of the ranking head${rmse !== undefined ? ` (rating model: RMSE ${fmt(rmse, 4)})` : ''}` : 'no held-out data');
        }
        if (p.stage === 'iteration') chart.addLoss(p.iteration, p.loss);
        if (p.stage === 'validation') {
          chart.addMetric(p.iteration, p.value);
          if (p.metric === 'rmse') rmse = p.best;
        }
        if (finished) return;
        if (p.stage === 'sweep') {
          const half = p.rowsDone / p.rowsTotal;
          $.halfProgress.value = half;
          $.halfLabel.textContent = sweepLabel(p.side, p.rowsDone, p.rowsTotal, p.side === 'users' ? data.users : data.items);
          $.runProgress.value = (p.iteration - 1 + (p.side === 'items' ? 0.5 : 0) + half / 2) / iterations;
        } else if (p.stage === 'validating') {
          // Held-out scoring of a big test set takes a while: show it moving.
          $.halfProgress.value = p.usersDone / p.usersTotal;
          // The scored rows include the features' pseudo-users when genres are learned: a share, not a user count.
          $.halfLabel.textContent = `held-out scoring ${Math.round((100 * p.usersDone) / Math.max(1, p.usersTotal))} %`;
        } else if (p.stage === 'iteration') {
          $.trainStats.textContent = `${head}Iteration ${p.iteration}/${iterations} · loss ${fmt(p.loss, 5)} · ${fmt(p.seconds * 1000, 3)} ms/iteration · ${fmt(p.gflops, 3)} GFLOP/s`;
        }
      },
    });
    finished = true;
    const wall = (performance.now() - t0) / 1000;
    performance.mark('demo:trained');
    const secs = summary.secondsPerIteration;
    const median = [...secs].sort((a, b) => a - b)[Math.floor(secs.length / 2)];
    const gf = [...summary.gflops].sort((a, b) => a - b)[Math.floor(secs.length / 2)];
    $.runProgress.value = 1;
    $.trainStats.textContent = `Trained ${summary.users} users × ${summary.items} items (${summary.interactions.toLocaleString('en')} pairs), f = ${summary.options.factors}, ${summary.iterations} iterations in ${fmt(wall, 3)} s · median ${fmt(median * 1000, 3)} ms/iteration · ${fmt(gf, 3)} GFLOP/s · λ = ${fmt(summary.regularization, 3)}${summary.regularizationCalibration ? ` (measured on held-out pairs, ${fmt(summary.regularization / summary.regularizationCalibration.closedForm, 2)} × the closed form)` : ''} · ${summary.kernels} kernels · workers used: ${summary.workersUsed}${holdout ? ' · trained on 80 %, 20 % held out' : ''}${summary.scoreKind === 'ranking' && summary.options.feedback === 'explicit' ? ' · recommendations from a ranking head (an implicit model of the same ratings); predicted ratings from the rating model' : ''}.${quick && wanted ? ' (This first run skipped the held-out scoring so the page opens fast: press Train to plot it.)' : ''}`;
    await page.modelChanged();
  } catch (e) {
    finished = true;
    if ((e as Error).name === 'AbortError') $.trainStats.textContent = `Cancelled. ${state.model ? 'The previous model is still serving.' : ''}`;
    else $.trainStats.textContent = `Training failed: ${(e as Error).message}`;
  } finally {
    setBusy(page, null, null);
  }
}

/**
 * The half-step's label in real users or items: with side information the sweep also solves one
 * pseudo row per feature (after the real rows), which are counted apart — "users 943/943 + 29 features".
 */
export function sweepLabel(side: string, done: number, total: number, real: number): string {
  const extra = total - real;
  if (extra <= 0) return `${side} ${done}/${total}`;
  return `${side} ${Math.min(done, real)}/${real}${done > real ? ` + ${done - real}/${extra} features` : ''}`;
}

/** Train submits the form (a run through {@link Page.trainNow}); Cancel aborts the run in progress. */
export function wireTrainPanel(page: Page): void {
  const { $, state } = page;
  $.trainForm.addEventListener('submit', (e) => (e.preventDefault(), void page.trainNow()));
  $.cancel.addEventListener('click', () => state.busy?.abort());
}
