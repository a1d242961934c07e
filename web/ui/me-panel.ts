/**
 * You, as a new user (section 5): pick items you like; the page folds your picks in for
 * recommendations at once, or "Add me to the model" keeps you as a real user by an incremental
 * update, after which each new pick updates the model again.
 */
import { el, fmt } from './dom.js';
import { fill, renderScored } from './item-rows.js';
import { genreColour } from './item-map.js';
import { popularItems, title, type Page } from './page.js';

/** The pick buttons: the 30 most popular items, or the first 40 matching the search (title, genre or id). */
export function renderPicks(page: Page): void {
  const { $, state } = page;
  const m = state.model;
  if (!m) return;
  const q = $.meSearch.value.trim().toLowerCase();
  const ids = q
    ? m.itemIds.filter((id) => `${title(state, id)} ${state.items.get(id)?.genres?.join(' ') ?? state.items.get(id)?.genre ?? ''} ${id}`.toLowerCase().includes(q)).slice(0, 40)
    : popularItems(state, 30);
  $.meItems.replaceChildren(
    ...ids.map((id) => {
      const info = state.items.get(id);
      const b = el('button', { class: 'pick', attrs: { type: 'button', 'aria-pressed': String(state.myPicks.has(id)), 'data-id': id }, vars: { '--c': genreColour(info?.genre ?? '', state.genres) } }, info?.title ?? id);
      b.title = info?.genres?.join(', ') ?? info?.genre ?? '';
      // Kept in the model: a pick is an interaction now (an update adds, it cannot take back).
      if (state.me && state.myPicks.has(id)) b.disabled = true;
      b.addEventListener('click', () => {
        const value = m.feedback === 'explicit' ? 5 : 1;
        if (state.me) {
          state.myPicks.set(id, value);
          b.setAttribute('aria-pressed', 'true');
          b.disabled = true;
          void keepMe(page, [{ item: id, value }]);
          return;
        }
        if (state.myPicks.has(id)) state.myPicks.delete(id);
        else state.myPicks.set(id, value);
        b.setAttribute('aria-pressed', String(state.myPicks.has(id)));
        void updateMe(page);
      });
      return b;
    }),
  );
}

/**
 * Adds "you" to the model (the first time, with every pick) or your new picks (afterwards) by an
 * incremental update in the worker: only you and the picked items are re-solved.
 */
async function keepMe(page: Page, picks = [...page.state.myPicks].map(([item, value]) => ({ item, value }))): Promise<void> {
  const { $, state } = page;
  const m = state.model;
  if (!m || picks.length === 0) {
    $.meStats.textContent = 'Pick an item or two first.';
    return;
  }
  let id = state.me?.id ?? 'you';
  for (let k = 2; !state.me && m.userIds.includes(id); k++) id = `you-${k}`;
  $.meAdd.disabled = true;
  try {
    const t0 = performance.now();
    const s = await state.rec.update(picks.map((p) => ({ user: id, ...p })));
    const ms = performance.now() - t0;
    state.me = { id, last: `last update: ${s.usersSolved} user and ${s.itemsSolved} item${s.itemsSolved === 1 ? '' : 's'} re-solved in ${fmt(ms, 2)} ms (round trip)` };
    await page.modelChanged();
  } catch (e) {
    $.meStats.textContent = `Could not update the model: ${(e as Error).message}`;
  } finally {
    $.meAdd.disabled = false;
  }
}

/** Your top 10: as the user kept in the model, or folded in from your picks (the most popular items when none is known). */
export async function updateMe(page: Page): Promise<void> {
  const { $, state } = page;
  if (!state.model) return;
  // A retrained or loaded model does not know "you" any more: back to fold-in.
  if (state.me && !state.model.userIds.includes(state.me.id)) state.me = null;
  $.meAdd.textContent = state.me ? `You are “${state.me.id}” in the model` : 'Add me to the model';
  $.meAdd.disabled = state.me !== null;
  if (state.me) {
    const top = await state.rec.recommend(state.me.id, 10);
    $.meStats.textContent = `${state.myPicks.size} ratings kept as user “${state.me.id}” · ${state.me.last} · top 10 for a known user.`;
    renderScored(state, $.meRecs, top);
    return;
  }
  const history = [...state.myPicks].map(([item, value]) => ({ item, value }));
  if (history.length === 0) {
    $.meStats.textContent = 'Pick an item or two.';
    fill($.meRecs, [], 'Your recommendations appear here.');
    return;
  }
  const t0 = performance.now();
  const top = await state.rec.recommendForHistory(history, 10);
  const ms = performance.now() - t0;
  const unknown = top.unknownItems.length ? ` · ${top.unknownItems.length} not in this model` : '';
  const how = top.fallback === 'popular' ? 'no pick is in this model: the most popular items' : `fold-in + top 10 over ${state.model.itemIds.length} items`;
  $.meStats.textContent = `${history.length} pick${history.length > 1 ? 's' : ''}${unknown} · ${how}: ${fmt(ms, 2)} ms (round trip to the worker).`;
  renderScored(state, $.meRecs, top);
}

/** The search field, Add me to the model, and Clear. */
export function wireMePanel(page: Page): void {
  const { $, state } = page;
  $.meSearch.addEventListener('input', () => renderPicks(page));
  $.meAdd.addEventListener('click', () => void keepMe(page));
  $.meClear.addEventListener('click', () => {
    // "You" stay in the model as a user (section 3); new picks are folded in again.
    state.me = null;
    state.myPicks.clear();
    renderPicks(page);
    void updateMe(page);
  });
}
