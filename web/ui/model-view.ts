/**
 * The model on this thread: after any model change, ask the worker for its view of the model
 * (ids, item factors, popularity) and redraw every panel from it — the id lists, the factor map
 * and its legend, the user, the similar items, your picks, the new-film genres, the environment.
 */
import { pca2 } from '../pca.js';
import { byId, el } from './dom.js';
import { showEnvironment } from './environment.js';
import { fill } from './item-rows.js';
import { genreColour, type ItemMap } from './item-map.js';
import { applyLabels } from './page-labels.js';
import { renderPicks, updateMe } from './me-panel.js';
import type { NewFilmPanel } from './new-film.js';
import { popularItems, title, type Page } from './page.js';
import { showItem } from './similar-items.js';
import { showUser } from './user-panel.js';

/** After any model change: ask the worker for its view of the model, then redraw every panel. */
export async function modelChanged(page: Page, map: ItemMap, newFilm: NewFilmPanel): Promise<void> {
  const { $, state } = page;
  const view = await state.rec.modelView();
  // A model keeps the names it was trained with: a loaded one brings its own titles, genres and user attributes.
  if (view.labels) applyLabels(state, view.labels);
  const users = view.users.map(String);
  const items = view.items.map(String);
  state.model = { ...view, userIds: users, itemIds: items };
  const m = state.model;
  $.userList.replaceChildren(...users.slice(0, 2000).map((u) => el('option', { attrs: { value: u } })));
  // Titles as the values: typing "star wars" offers "Star Wars (1977)" (similar-items.ts resolves a title to its id).
  $.itemList.replaceChildren(...items.slice(0, 5000).map((i) => el('option', { attrs: { value: title(state, i), ...(state.items.has(i) ? { label: `#${i}` } : {}) } })));
  // Rows scaled to unit length first: the map shows direction (taste), the same geometry as
  // "similar items" (cosine); a vector's length mostly tracks popularity and would dominate PC 1.
  const { coords, explained } = pca2(unitRows(m.itemFactors, items.length, m.factors), items.length, m.factors);
  map.setPoints(items.map((id, k) => ({ id, x: coords[2 * k], y: coords[2 * k + 1] })), (id) => state.items.get(id), state.genres);
  byId('map').setAttribute('aria-label', `Scatter plot of ${items.length} items by the first two principal components of their factors (${Math.round(explained * 100)} % of the variance); hover or use arrow keys for titles`);
  $.legend.replaceChildren(...state.genres.map((g) => el('li', null, el('span', { class: 'swatch', vars: { '--c': genreColour(g, state.genres) } }), g)));
  const user = users.includes($.user.value) ? $.user.value : users[0];
  if (user !== undefined) await showUser(page, user);
  else {
    $.user.value = '';
    fill($.history, [], 'This model has no users (imported item factors): try “You, as a new user”.');
    fill($.recs, []);
  }
  const shownItem = $.item.dataset.id;
  await showItem(page, shownItem !== undefined && items.includes(shownItem) ? shownItem : popularItems(state, 1)[0] ?? items[0]);
  renderPicks(page);
  await updateMe(page);
  newFilm.setFeatures(m.itemFeatures, items);
  await showEnvironment(page);
}

/** A copy of a row-major matrix with every non-zero row scaled to length 1. */
function unitRows(M: Float64Array, rows: number, f: number): Float64Array {
  const out = new Float64Array(M.length);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < f; j++) s += M[r * f + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < f; j++) out[r * f + j] = M[r * f + j] * inv;
  }
  return out;
}
