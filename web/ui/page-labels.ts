/**
 * The page's names and the model's labels: what the page knows (titles, genres, user
 * attributes, the data's name) goes into every model it trains, and a model loaded later (from
 * this browser or a file) gives it all back — titles, legend, data summary, feedback, the name.
 */
import type { ModelLabels, ModelView } from '../../src/index.js';
import { itemsFromLabels } from '../data/titles.js';
import type { Page, PageState } from './page.js';
import { setField } from './train-form.js';

/** The labels a model trained now keeps: the data's name, the titles and genres, the user attributes. */
export function pageLabels(state: PageState): ModelLabels {
  const items = Object.fromEntries(
    [...state.items].map(([id, info]) => {
      const genres = info.genres ?? (info.genre ? [info.genre] : []);
      return [id, { title: info.title, ...(genres.length ? { genres } : {}) }];
    }),
  );
  return {
    ...(state.dataName ? { name: state.dataName } : {}),
    sources: { ...(state.dataName ? { ratings: state.dataName } : {}), ...state.sources },
    ...(state.items.size ? { items } : {}),
    ...(state.genres.length ? { genres: [...state.genres] } : {}),
    ...(state.users.size ? { users: Object.fromEntries(state.users) } : {}),
  };
}

/** Every genre of the titles (the file's own list when it has one, e.g. u.item's 19), in order. */
export function genresOf(labels: ModelLabels | null | undefined, items: PageState['items']): string[] {
  if (labels?.genres?.length) return [...labels.genres];
  return [...new Set([...items.values()].flatMap((i) => i.genres ?? (i.genre ? [i.genre] : [])))];
}

/** A model (file) name from the data's name: `u.data` → `u-data`, `built-in film club events` → `film-club`. */
export function modelNameFor(dataName: string): string {
  if (/^built-in film club/.test(dataName) || dataName === '') return 'film-club';
  return dataName.replace(/\.[A-Za-z0-9]{1,5}$/, (ext) => `-${ext.slice(1)}`).replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

/** Takes a model's labels into the page: titles and genres, user attributes, the data's name (every model change: a loaded model brings its own). */
export function applyLabels(state: PageState, labels: ModelLabels): void {
  state.items = itemsFromLabels(labels);
  state.genres = genresOf(labels, state.items);
  state.users = new Map(Object.entries(labels.users ?? {}));
  state.dataName = labels.name ?? state.dataName;
  state.sources = Object.fromEntries(Object.entries(labels.sources ?? {}).filter(([role]) => role !== 'ratings'));
  // The built-in catalogue's titles (dropped when a file of the user's is loaded) unless a titles file named the items.
  state.builtinTitles = !state.sources.items && /^built-in film club/.test(state.dataName);
  if (!state.builtinTitles) state.tastes = new Map();
}

/**
 * After a model was loaded (IndexedDB, a model file), whose labels the page has taken back: say
 * what it holds — the data summary, the form's feedback, the model's name (its download is named after it).
 */
export function describeLoaded(page: Page, view: ModelView, from: string): void {
  const { $, state } = page;
  setField($.trainForm, 'feedback', view.feedback);
  setField($.trainForm, 'factors', String(view.factors));
  $.modelName.value = modelNameFor(state.dataName);
  // The training panel described the page's last run, not this model: say what is serving now.
  page.chart.reset('no run on this page for this model');
  $.runProgress.value = 0;
  $.halfProgress.value = 0;
  $.halfLabel.textContent = 'Half-step';
  $.trainStats.textContent = `Serving the loaded model: ${view.users.length.toLocaleString('en')} users × ${view.items.length.toLocaleString('en')} items, f = ${view.factors}, ${view.feedback} feedback. Train trains a new model on the data loaded above.`;
  const named = [state.sources.items && `titles from ${state.sources.items}`, state.sources.users && `user attributes from ${state.sources.users}`].filter(Boolean).join(', ');
  const events = view.eventWeights ? ` (events: ${Object.keys(view.eventWeights).join(', ')})` : '';
  const about = view.labels ? (named ? `; ${named}` : '') : '; no titles were saved with it';
  $.dataSummary.textContent = `Model loaded from ${from}: ${view.labels?.name ?? 'data without a name'} — ${view.users.length.toLocaleString('en')} users, ${view.items.length.toLocaleString('en')} items, ${view.interactions.toLocaleString('en')} interactions${events}, ${view.feedback} feedback${about}.`;
}
