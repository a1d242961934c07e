/**
 * Keep the model (section 6): save to and load from this browser's IndexedDB, download a model
 * file, open one, or import item factors trained elsewhere; each action reports in one status line.
 */
import { isAlsError, listIndexedDBModels, loadFromIndexedDB, saveToIndexedDB } from '../../src/index.js';
import { byId, el, fmt, showError } from './dom.js';
import type { Page } from './page.js';
import { describeLoaded, modelNameFor } from './page-labels.js';

/** Runs one model action, showing `label…` while it runs, then its message or its error. */
async function modelAction(page: Page, label: string, action: () => Promise<string>): Promise<void> {
  const { $ } = page;
  showError($.modelError, null);
  $.modelStatus.textContent = `${label}…`;
  try {
    $.modelStatus.textContent = await action();
  } catch (e) {
    $.modelStatus.textContent = '';
    showError($.modelError, isAlsError(e) || e instanceof Error ? e : String(e));
  }
}

/** Offers the names of the models saved in this browser in the name field's list. */
async function listSaved(): Promise<void> {
  try {
    byId('model-names').replaceChildren(...(await listIndexedDBModels()).map((name) => el('option', { attrs: { value: name } })));
  } catch {
    // No IndexedDB (a private window may refuse it): the field still takes a typed name.
  }
}

/** The Save, Load, Download buttons and the model and factors file pickers. */
export function wireModelStore(page: Page): void {
  const { $, state } = page;
  void listSaved();
  $.saveIdb.addEventListener('click', () =>
    modelAction(page, 'Saving', async () => {
      const bytes = await saveToIndexedDB(state.rec, $.modelName.value);
      await listSaved();
      return `Saved “${$.modelName.value}” in this browser's IndexedDB (${fmt(bytes / 1024, 3)} KiB).`;
    }),
  );
  $.loadIdb.addEventListener('click', () =>
    modelAction(page, 'Loading', async () => {
      const name = $.modelName.value;
      await loadFromIndexedDB(state.rec, name);
      await page.modelChanged();
      describeLoaded(page, state.model!, `this browser (“${name}”)`);
      $.modelName.value = name;
      return `Loaded “${name}” from IndexedDB.`;
    }),
  );
  $.download.addEventListener('click', () =>
    modelAction(page, 'Preparing', async () => {
      const bytes = await state.rec.save();
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
      // Named after the data (the name field follows each dataset loaded), never a stale default.
      const a = el('a', { attrs: { href: url, download: `${$.modelName.value.trim() || modelNameFor(state.dataName)}.als` } });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return `Downloaded ${fmt(bytes.byteLength / 1024, 3)} KiB.`;
    }),
  );
  $.modelFile.addEventListener('change', () => {
    const f = $.modelFile.files?.[0];
    $.modelFile.value = '';
    if (f)
      void modelAction(page, 'Loading', async () => {
        await state.rec.loadModel(new Uint8Array(await f.arrayBuffer()));
        await page.modelChanged();
        describeLoaded(page, state.model!, f.name);
        return `Loaded ${f.name}.`;
      });
  });
  $.factorsFile.addEventListener('change', () => {
    const f = $.factorsFile.files?.[0];
    $.factorsFile.value = '';
    if (f)
      void modelAction(page, 'Importing', async () => {
        const info = await state.rec.importFactors(new Uint8Array(await f.arrayBuffer()));
        await page.modelChanged();
        return `Imported ${info?.items} item factors (f = ${info?.factors}) from ${f.name}: similar items and fold-in work on them.`;
      });
  });
}
