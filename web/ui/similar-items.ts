/** Items (section 4): the ten items most similar to a chosen one (cosine of their factors, asked of the worker). */
import { fill, renderScored } from './item-rows.js';
import type { Page } from './page.js';

/** Shows the items most similar to `item`; picking one of them shows its own. */
export async function showItem(page: Page, item: string | undefined): Promise<void> {
  const { $, state } = page;
  if (!state.model || item === undefined) return;
  $.item.value = item;
  try {
    const at = state.model.itemIds.indexOf(item);
    const sims = await state.rec.similarItems(at >= 0 ? state.model.items[at] : isNaN(Number(item)) ? item : Number(item), 10);
    renderScored(state, $.similar, sims, (id) => void showItem(page, id));
  } catch (e) {
    fill($.similar, [], (e as Error).message);
  }
}

/** The item field. */
export function wireSimilarItems(page: Page): void {
  page.$.item.addEventListener('change', () => void showItem(page, page.$.item.value.trim()));
}
