/**
 * Cross-validation: a grid of options from the CV form, k folds run in the worker with progress
 * in a status line, then one table row per grid point (mean ± std of each metric, the best
 * marked); with "refit", the best options trained on all the data become the served model.
 */
import { pageLabels } from './page-labels.js';
import type { CrossValidationSummary } from '../../src/index.js';
import { el, fmt } from './dom.js';
import { setBusy, type Page } from './page.js';
import { readTrainForm } from './train-form.js';

/** Numbers of a grid field: separated by spaces, commas or semicolons. */
function list(v: FormDataEntryValue | null): number[] {
  return String(v ?? '')
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number);
}

/** The CV form runs a cross-validation; its Cancel button aborts it. */
export function wireCvPanel(page: Page): void {
  const { $, state } = page;
  $.cvForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!state.data || state.busy) return;
    const f = new FormData($.cvForm);
    const base = readTrainForm($.trainForm);
    const implicit = base.feedback === 'implicit';
    const grid = { factors: list(f.get('factors')), regularization: list(f.get('regularization')), ...(implicit ? { alpha: list(f.get('alpha')) } : {}) };
    const controller = new AbortController();
    setBusy(page, controller, 'cv');
    $.cvStatus.textContent = 'Cross-validating…';
    try {
      const cv = await state.rec.crossValidate(state.data, {
        base: { feedback: base.feedback as 'implicit', iterations: Number(f.get('iterations')), ...(implicit ? { confidence: base.confidence as 'linear' } : {}) },
        grid,
        folds: Number(f.get('folds')),
        k: 10,
        seed: 1,
        refit: f.get('refit') === 'on',
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage === 'trial') $.cvStatus.textContent = `Trial ${p.trial + 1}/${p.trials}, fold ${p.fold + 1}/${p.folds}: ${JSON.stringify(p.params)}`;
        },
      });
      showCv($.cvTable, cv);
      $.cvStatus.textContent = `Best: ${cv.best.reference ? 'the defaults (no grid point beat them)' : Object.entries(cv.best.params).map(([k, v]) => `${k} = ${v}`).join(', ')} → ${cv.metric} ${fmt(cv.best.score, 4)} ± ${fmt(cv.best.std, 2)} (${cv.folds} folds).${cv.model ? ' Refit on all data: now serving.' : ''}`;
      if (cv.model) {
        await state.rec.setLabels(pageLabels(state)); // the refit model keeps the page's names
        await page.modelChanged();
      }
    } catch (err) {
      $.cvStatus.textContent = (err as Error).name === 'AbortError' ? 'Cross-validation cancelled.' : `Cross-validation failed: ${(err as Error).message}`;
    } finally {
      setBusy(page, null, null);
    }
  });
  $.cvCancel.addEventListener('click', () => state.busy?.abort());
}

/** The results table: one row per grid point, the chosen metric starred, the best row marked. */
function showCv(cvTable: HTMLTableElement, cv: CrossValidationSummary): void {
  const keys = Object.keys(cv.trials[0]?.params ?? {});
  const metrics = Object.keys(cv.trials[0]?.mean ?? {});
  const head = el('tr', null, ...keys.map((k) => el('th', { attrs: { scope: 'col' } }, k)), ...metrics.map((m) => el('th', { attrs: { scope: 'col' } }, m === cv.metric ? `${m} ★` : m)), el('th', { attrs: { scope: 'col' } }, 's'));
  const best = JSON.stringify(cv.best.params);
  // The defaults' reference trial (no searched params) is one row, named.
  const rows = cv.trials.map((t) =>
    el('tr', { class: JSON.stringify(t.params) === best ? 'best' : '' },
      ...(t.reference ? [el('td', { attrs: { colspan: String(Math.max(1, keys.length)) } }, 'the defaults')] : keys.map((k) => el('td', null, String((t.params as Record<string, unknown>)[k])))),
      ...metrics.map((m) => el('td', null, `${fmt(t.mean[m as 'rmse']!, 3)} ± ${fmt(t.std[m as 'rmse']!, 2)}`)),
      el('td', null, fmt(t.seconds, 2)),
    ),
  );
  cvTable.tHead!.replaceChildren(head);
  cvTable.tBodies[0].replaceChildren(...rows);
  cvTable.hidden = false;
}
