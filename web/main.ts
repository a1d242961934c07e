/**
 * The demo page: load data (built-in or a file), train with live progress, inspect users and
 * items, fold in "you" as a new user, keep the model. It uses the library's public entry only;
 * the engine runs in a Web Worker (createRecommender), this thread only draws.
 *
 * This module only wires the page together: each panel lives in its own module under ui/, and
 * they share one {@link Page} (state, elements, and the train / redraw actions).
 */
import { createRecommender } from '../src/index.js';
import { NewFilmPanel } from './ui/new-film.js';
import { byId } from './ui/dom.js';
import { pageElements } from './ui/elements.js';
import { ItemMap } from './ui/item-map.js';
import { LossChart } from './ui/loss-chart.js';
import { initialState, type Page } from './ui/page.js';
import { showEnvironment } from './ui/environment.js';
import { useBuiltin, wireDataPanel } from './ui/data-panel.js';
import { chooseDefaultWorkers } from './ui/train-form.js';
import { trainNow, wireTrainPanel } from './ui/train-panel.js';
import { wireTunePanel } from './ui/tune-panel.js';
import { wireCvPanel } from './ui/cv-panel.js';
import { wireUserPanel } from './ui/user-panel.js';
import { showItem, wireSimilarItems } from './ui/similar-items.js';
import { wireMePanel } from './ui/me-panel.js';
import { wireModelStore } from './ui/model-store.js';
import { modelChanged } from './ui/model-view.js';
import { pageLabels } from './ui/page-labels.js';

const $ = pageElements();

performance.mark('demo:script');
const chart = new LossChart(byId('chart'));
const state = initialState(await createRecommender());
const page: Page = {
  $,
  state,
  modelChanged: () => modelChanged(page, map, newFilm),
  trainNow: (quick) => trainNow(page, chart, quick),
  chart,
};
const map = new ItemMap(byId<HTMLCanvasElement>('map'), byId('map-tip'), (id) => state.items.get(id), []);
map.onPick = (id) => void showItem(page, id);
const newFilm = new NewFilmPanel(
  { form: byId<HTMLFormElement>('new-film-form'), title: byId<HTMLInputElement>('new-film-title'), genres: byId('new-film-genres'), status: byId('new-film-status'), error: byId('new-film-error'), fans: byId('new-film-fans') },
  {
    rec: state.rec,
    onAdded: async (id, title, genres) => {
      state.items.set(id, { title, genre: genres[0] ?? '', ...(genres.length > 1 ? { genres } : {}) });
      await state.rec.setLabels(pageLabels(state)); // the new film's title is saved with the model
      await page.modelChanged();
      await showItem(page, id);
    },
    describeUser: (user) => {
      const t = state.tastes.get(user);
      const about = Object.values(state.users.get(user) ?? {}).filter(Boolean).join(' · ');
      return [about, t ? `loves ${t[0]} and ${t[1]}` : ''].filter(Boolean).join(', ');
    },
  },
);

// Sections in page order: 1 · data, 2 · train (tuning, cross-validation), 3 · a user,
// 4 · items, 5 · you, 6 · keep the model.
wireDataPanel(page);
wireTrainPanel(page);
wireTunePanel(page);
wireCvPanel(page);
wireUserPanel(page);
wireSimilarItems(page);
wireMePanel(page);
wireModelStore(page);

// ---------- start: the built-in dataset, trained at once ----------

void showEnvironment(page); // in parallel: the worker answers in order anyway
chooseDefaultWorkers($.trainForm);
if (await useBuiltin(page, 'events')) await page.trainNow(true);
document.body.dataset.ready = 'true';
