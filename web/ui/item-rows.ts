/**
 * Lists of items as the panels show them: one row per item (genre swatch, title, score bar),
 * an "empty" row when there is nothing, and scored lists whose rows can be picked.
 */
import type { ScoredItem } from '../../src/index.js';
import { el, fmt } from './dom.js';
import { genreColour } from './item-map.js';
import type { PageState } from './page.js';

/** One list row: genre swatch, title (text only), and an optional score bar. */
export function itemRow(state: PageState, id: string | number, score?: number, max = 1, extra?: string): HTMLLIElement {
  const info = state.items.get(String(id));
  const li = el('li', { attrs: { 'data-id': String(id) } },
    el('span', { class: 'swatch', vars: { '--c': genreColour(info?.genre ?? '', state.genres) }, attrs: { 'aria-hidden': 'true' } }),
    el('span', { class: 'title' }, info?.title ?? String(id)),
    info?.genre ? el('span', { class: 'genre', attrs: info.genres ? { title: info.genres.join(', ') } : {} }, info.genre) : null,
    extra ? el('span', { class: 'value' }, extra) : null,
    score === undefined ? null : el('span', { class: 'score' }, el('span', { class: 'bar', vars: { '--w': `${Math.max(0, Math.min(1, score / (max || 1))) * 100}%` } }), fmt(score, 3)),
  );
  return li;
}

/** Replaces a list's rows, or shows one "empty" row saying `empty`. */
export function fill(list: HTMLElement, rows: Node[], empty = 'Nothing to show.'): void {
  list.replaceChildren(...(rows.length ? rows : [el('li', { class: 'empty' }, empty)]));
}

/** Scored items as rows with bars scaled to the largest |score|; with `onSelect`, a row is a button (click, Enter, Space). */
export function renderScored(state: PageState, list: HTMLElement, top: ScoredItem[], onSelect?: (id: string) => void): void {
  const max = Math.max(...top.map((t) => Math.abs(t.score)), 1e-12);
  fill(list, top.map((t) => {
    const li = itemRow(state, t.id, t.score, max);
    if (onSelect) {
      li.tabIndex = 0;
      li.setAttribute('role', 'button');
      li.addEventListener('click', () => onSelect(String(t.id)));
      li.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onSelect(String(t.id))));
    }
    return li;
  }), 'No recommendations.');
}
