/** Items (section 4): the ten items most similar to a chosen one (cosine of their factors, asked of the worker). */
import { fill, renderScored } from './item-rows.js';
import { title, type Page, type PageState } from './page.js';

/**
 * The item an input names: an id of the model, else the title typed (case-insensitively: the
 * whole title, else the only title containing the text); the text itself when nothing matches.
 */
export function itemFromInput(state: PageState, text: string): string {
  const ids = state.model?.itemIds ?? [];
  if (ids.includes(text)) return text;
  const q = text.trim().toLowerCase();
  const known = ids.filter((id) => state.items.has(id));
  const exact = known.find((id) => state.items.get(id)!.title.toLowerCase() === q);
  if (exact !== undefined) return exact;
  const partial = q === '' ? [] : known.filter((id) => state.items.get(id)!.title.toLowerCase().includes(q));
  return partial.length === 1 ? partial[0] : text;
}

/** Shows the items most similar to `item`; picking one of them shows its own. */
export async function showItem(page: Page, item: string | undefined): Promise<void> {
  const { $, state } = page;
  if (!state.model || item === undefined) return;
  const id = itemFromInput(state, item);
  if (!state.model.itemIds.includes(id)) {
    const q = item.trim().toLowerCase();
    const n = q === '' ? 0 : [...state.items.values()].filter((i) => i.title.toLowerCase().includes(q)).length;
    fill($.similar, [], n > 1 ? `“${item}” is in ${n} titles: pick one from the list.` : `No item “${item}” in this model, by id or by title.`);
    return;
  }
  $.item.value = title(state, id);
  $.item.dataset.id = id;
  try {
    const at = state.model.itemIds.indexOf(id);
    const sims = await state.rec.similarItems(at >= 0 ? state.model.items[at] : isNaN(Number(id)) ? id : Number(id), 10);
    renderScored(state, $.similar, sims, (id) => void showItem(page, id));
  } catch (e) {
    fill($.similar, [], (e as Error).message);
  }
}

/** The item field. */
export function wireSimilarItems(page: Page): void {
  page.$.item.addEventListener('change', () => void showItem(page, page.$.item.value.trim()));
}
