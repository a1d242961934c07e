/**
 * Loading data (section 1): the built-in film club, a ratings file chosen or dropped, and side
 * files (titles, MovieLens u.item / u.user, feature files) that name and describe the items or
 * users. A new dataset is trained on at once; a side file retrains when it changes the features.
 */
import type { Recommender } from '../../src/index.js';
import { demoDataset } from '../data/builtin.js';
import { genreFeatures, misplacedSideFile, movieLensKind, readSideFile } from '../data/side-files.js';
import { genresOf, modelNameFor, pageLabels } from './page-labels.js';
import { showError } from './dom.js';
import type { Page } from './page.js';
import { setField } from './train-form.js';

/** Loads the built-in film club (`events` or `ratings`) with its titles, tastes and genres; true when it loaded. */
export async function useBuiltin(page: Page, kind: 'events' | 'ratings'): Promise<boolean> {
  const { $, state } = page;
  const ds = demoDataset(kind);
  state.myPicks.clear();
  state.items = ds.items;
  state.tastes = ds.tastes;
  state.genres = ds.genres;
  state.builtinTitles = true;
  state.itemFeatures = genreFeatures(ds.items);
  state.userFeatures = null;
  state.dataFromFile = false;
  state.users = new Map();
  state.sources = {};
  setField($.trainForm, 'feedback', ds.feedback);
  return loadData(page, ds.text, kind === 'events' ? 'built-in film club events' : 'built-in film club ratings');
}

/** Loads a ratings file of the user's (the built-in titles no longer apply); true when it loaded. */
async function loadFile(page: Page, file: File): Promise<boolean> {
  const { $, state } = page;
  // A titles or attributes file in the ratings picker: say where it goes, rather than a parse error about its line 267.
  const misplaced = misplacedSideFile(await file.slice(0, 4096).text());
  if (misplaced) {
    showError($.dataError, new Error(`${file.name}: this looks like ${misplaced} — drop it in the titles picker (“choose a titles or attributes file”), or drop it on this box beside the ratings.`));
    return false;
  }
  state.tastes = new Map();
  state.users = new Map();
  state.sources = {};
  if (state.builtinTitles) [state.items, state.genres, state.builtinTitles, state.itemFeatures] = [new Map(), [], false, null];
  state.myPicks.clear();
  const ok = await loadData(page, file, file.name);
  if (ok) state.dataFromFile = true;
  return ok;
}

/** Parses `source` in the worker with a progress bar and replaces the loaded dataset; on failure the previous one stays. */
async function loadData(page: Page, source: Parameters<Recommender['load']>[0], name: string): Promise<boolean> {
  const { $, state } = page;
  showError($.dataError, null);
  $.parseProgress.hidden = false;
  $.parseProgress.value = 0;
  $.dataSummary.textContent = `Reading ${name}…`;
  try {
    const data = await state.rec.load(source, {
      source: name,
      onProgress: (p) => {
        if (p.stage === 'parse' && p.bytesTotal) $.parseProgress.value = p.bytesRead / p.bytesTotal;
      },
    });
    if (state.data) await state.rec.releaseDataset(state.data);
    if (state.split) for (const h of [state.split.train, state.split.test]) await state.rec.releaseDataset(h);
    state.data = data;
    state.split = null;
    state.dataName = name;
    $.modelName.value = modelNameFor(name);
    $.parseProgress.value = 1;
    performance.mark('demo:loaded');
    const skipped = data.skipped.count ? ` (${data.skipped.count} bad rows skipped)` : '';
    $.dataSummary.textContent = `${name}: ${data.users.toLocaleString('en')} users, ${data.items.toLocaleString('en')} items, ${data.interactions.toLocaleString('en')} interactions${data.events.length ? ` (events: ${data.events.join(', ')})` : ''}${skipped}.`;
    // A file of the user's: the library's own rule (ratings explicit; counts, one constant value or
    // bare pairs implicit). The built-in film club's events keep the form's choice.
    if (!data.hasValue && !data.events.length) setField($.trainForm, 'feedback', 'implicit');
    else if (!data.events.length && typeof source === 'object' && source instanceof File) setField($.trainForm, 'feedback', data.feedback);
    return true;
  } catch (e) {
    showError($.dataError, e);
    $.dataSummary.textContent = state.data ? 'The previous dataset is still loaded.' : '';
    return false;
  } finally {
    $.parseProgress.hidden = true;
  }
}

/** Text of a file: UTF-8, or Latin-1 when it is not valid UTF-8 (MovieLens-100K's u.item). */
async function fileText(f: Blob): Promise<string> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Titles, u.item (titles + genres), u.user (user attributes) or a feature file; true when it changed what training uses. */
async function useSideFile(page: Page, f: File): Promise<boolean> {
  const { $, state } = page;
  try {
    const side = readSideFile(await fileText(f), f.name);
    showError($.dataError, null);
    if (side.kind === 'u.user') {
      state.userFeatures = side.userFeatures;
      state.users = new Map(Object.entries(side.labels.users ?? {}));
      state.sources.users = f.name;
      $.dataSummary.textContent += ` User attributes: ${new Set(side.userFeatures.map((r) => r.id)).size.toLocaleString('en')} users from ${f.name}.`;
      if (state.model) await namesChanged(page);
      return true;
    }
    if (side.kind === 'features') {
      state.itemFeatures = side.itemFeatures;
      $.dataSummary.textContent += ` Item features: ${side.itemFeatures.length.toLocaleString('en')} from ${f.name}.`;
      return true;
    }
    state.items = side.items;
    state.builtinTitles = false;
    state.sources.items = f.name;
    state.itemFeatures = side.kind === 'u.item' ? side.itemFeatures : genreFeatures(side.items);
    if (state.itemFeatures.length === 0) state.itemFeatures = null;
    // Every genre of the file (u.item: all 19, also those no film of the data has), for the legend.
    state.genres = genresOf(side.labels, state.items);
    $.dataSummary.textContent += ` Titles: ${state.items.size.toLocaleString('en')} from ${f.name}${state.itemFeatures ? ', with genres' : ''}.`;
    if (state.model) await namesChanged(page);
    return state.itemFeatures !== null;
  } catch (e) {
    showError($.dataError, e);
    return false;
  }
}

/** The page's names changed: the current model keeps them too (saved with it), then every panel redraws with them. */
async function namesChanged(page: Page): Promise<void> {
  await page.state.rec.setLabels(pageLabels(page.state));
  await page.modelChanged();
}

/** Whether a dropped file is a titles or attributes file rather than ratings (by name, or MovieLens u.item / u.user by content). */
async function isSideFile(f: File): Promise<boolean> {
  return /movies|titles|items?\b|users?\b|feature|attribute/i.test(f.name.replace(/^u\.data$/, '')) || movieLensKind(await f.slice(0, 4096).text()) !== null;
}

/** The built-in button, the ratings and side-file pickers, and the drop zone (Enter or Space opens the picker). */
export function wireDataPanel(page: Page): void {
  const { $, state } = page;
  $.useBuiltin.addEventListener('click', async () => {
    if (await useBuiltin(page, $.dataset.value as 'events' | 'ratings')) await page.trainNow();
  });
  $.file.addEventListener('change', async () => {
    const f = $.file.files?.[0];
    if (f && (await loadFile(page, f))) await page.trainNow();
    $.file.value = '';
  });
  $.titlesFile.addEventListener('change', async () => {
    const f = $.titlesFile.files?.[0];
    $.titlesFile.value = '';
    if (f && (await useSideFile(page, f)) && state.data && state.dataFromFile) await page.trainNow();
  });

  for (const ev of ['dragenter', 'dragover']) $.drop.addEventListener(ev, (e) => (e.preventDefault(), $.drop.classList.add('over')));
  for (const ev of ['dragleave', 'drop']) $.drop.addEventListener(ev, () => $.drop.classList.remove('over'));
  $.drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    const files = [...((e as DragEvent).dataTransfer?.files ?? [])];
    const side: File[] = [];
    let ratings: File | undefined;
    for (const f of files) if (await isSideFile(f)) side.push(f); else ratings ??= f;
    let retrain = false;
    for (const f of side) retrain = (await useSideFile(page, f)) || retrain;
    if (ratings) {
      if (await loadFile(page, ratings)) await page.trainNow();
    } else if (retrain && state.data && state.dataFromFile) await page.trainNow();
  });
  $.drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') (e.preventDefault(), $.file.click());
  });
}
