/**
 * Automatic tuning: searches the options in the worker within a time budget, lists each run of
 * the search live in the trial table (the best marked), then serves the model refit with them.
 */
import type { TrainProgress } from '../../src/index.js';
import { el, fmt } from './dom.js';
import { setBusy, type Page } from './page.js';
import { featureOptions, readTrainForm } from './train-form.js';
import { pageLabels } from './page-labels.js';

/** One row per run of the search, added as its progress event arrives. */
function tuneRow(p: Extract<TrainProgress, { stage: 'tune' }>): HTMLElement {
  const q = p.params;
  const what = q.confidence ? `${q.confidence}, α ${fmt(q.alpha!, 3)}${q.weighting === 'bm25' ? ', BM25' : ''}` : q.biases ? 'biases' : 'no biases';
  return el('tr', { attrs: { 'data-trial': String(p.trial) } }, el('td', null, String(p.trial)), el('td', null, String(p.rung)), el('td', null, String(q.factors)), el('td', null, fmt(q.regularization, 3)), el('td', null, what), el('td', null, String(q.iterations)), el('td', null, Number.isNaN(p.score) ? 'failed' : fmt(p.score, 4)), el('td', null, fmt(p.seconds, 2)));
}

/**
 * Writes the options tuning chose into the training form (factors, iterations, λ, α, the
 * confidence form); each field written is marked `data-tuned` until it is edited.
 */
export function showTuned(form: HTMLFormElement, params: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(params)) {
    const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
    if (!field || value === undefined || value === null) continue;
    field.value = typeof value === 'number' && !Number.isInteger(value) ? String(Number(value.toPrecision(4))) : String(value);
    field.dataset.tuned = 'true';
    field.addEventListener('input', () => delete field.dataset.tuned, { once: true });
  }
}

/** The Tune button starts {@link tuneNow}. */
export function wireTunePanel(page: Page): void {
  page.$.tuneRun.addEventListener('click', () => void tuneNow(page));
}

/** Searches the options in the worker (30 s budget), showing each run live, then serves the refit model. */
async function tuneNow(page: Page): Promise<void> {
  const { $, state } = page;
  if (!state.data || state.busy) return;
  const form = readTrainForm($.trainForm);
  const controller = new AbortController();
  setBusy(page, controller, 'train');
  const metric = form.feedback === 'explicit' ? 'RMSE' : 'NDCG@10';
  $.tuneTable.tHead!.replaceChildren(el('tr', null, ...['run', 'rung', 'factors', 'λ', 'confidence / biases', 'iterations', `held-out ${metric}`, 's'].map((h) => el('th', { attrs: { scope: 'col' } }, h))));
  $.tuneTable.tBodies[0].replaceChildren();
  $.tuneTable.hidden = false;
  $.tuneStatus.textContent = 'Tuning: searching on 20 % of each user’s pairs held out from the data…';
  $.trainStats.textContent = 'Tuning automatically (the runs are listed below)…';
  $.runProgress.value = 0;
  $.halfProgress.value = 0;
  $.halfLabel.textContent = 'Half-step';
  let refitting = false;
  try {
    const summary = await state.rec.train(state.data, {
      feedback: form.feedback as 'implicit',
      workers: form.workers as number,
      tune: { budgetSeconds: 30 },
      ...featureOptions(state, form.useFeatures),
      labels: pageLabels(state),
      signal: controller.signal,
      onProgress: (p) => {
        // The search's runs report no iterations: these are the refit's, drawn like any training run.
        if (p.stage === 'iteration') {
          if (!refitting) (refitting = true), page.chart.reset('no held-out data (the refit uses all of it)');
          page.chart.addLoss(p.iteration, p.loss);
          $.trainStats.textContent = `Refitting with the tuned options: iteration ${p.iteration} · loss ${fmt(p.loss, 5)}`;
        }
        if (p.stage === 'tune') {
          $.tuneTable.tBodies[0].append(tuneRow(p));
          $.tuneStatus.textContent = `Tuning: run ${p.trial} done; best so far at the last rung: ${Number.isNaN(p.best) ? '—' : fmt(p.best, 4)}`;
        }
      },
    });
    const t = summary.tuned!;
    // The form shows what tuning chose, so pressing Train again trains with it.
    showTuned($.trainForm, { ...t.params, regularization: summary.regularization, iterations: summary.iterations, factors: summary.options.factors });
    const chosen = Object.entries(t.params).map(([k, v]) => `${k} = ${typeof v === 'number' ? fmt(v, 3) : v}`).join(', ');
    $.tuneStatus.textContent = `Tuned in ${fmt(t.seconds, 3)} s over ${t.trials.length} runs: ${chosen} → held-out ${metric} ${fmt(t.score, 4)}. Trained on all the data with them: now serving.`;
    $.runProgress.value = 1;
    $.trainStats.textContent = `Tuned and trained ${summary.users} users × ${summary.items} items, f = ${summary.options.factors}, λ = ${fmt(summary.regularization, 3)}, ${summary.iterations} iterations.`;
    for (const row of $.tuneTable.tBodies[0].rows) {
      const trial = t.trials[Number(row.dataset.trial) - 1];
      if (trial && trial.rung === 2 && trial.score === t.score) row.classList.add('best');
    }
    await page.modelChanged();
  } catch (e) {
    $.tuneStatus.textContent = (e as Error).name === 'AbortError' ? `Tuning cancelled. ${state.model ? 'The previous model is still serving.' : ''}` : `Tuning failed: ${(e as Error).message}`;
  } finally {
    setBusy(page, null, null);
  }
}
