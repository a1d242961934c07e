/**
 * A user (section 3): their history, their top 10 recommendations, and for a picked
 * recommendation why it scores (the history items that add to it, and the film's features).
 */
import type { Recommender } from '../../src/index.js';
import { el, fmt } from './dom.js';
import { fill, itemRow, renderScored } from './item-rows.js';
import { title, type Page } from './page.js';

/** Shows a user of the model: planted taste (built-in data), history (first 15), top 10; clears the explanation. */
export async function showUser(page: Page, user: string): Promise<void> {
  const { $, state } = page;
  const m = state.model;
  if (!m) return;
  $.user.value = user;
  if (!m.userIds.includes(user)) {
    fill($.history, [], `No user “${user}” in the model.`);
    fill($.recs, []);
    return;
  }
  const taste = state.tastes.get(user);
  const about = Object.entries(state.users.get(user) ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
  $.userTaste.textContent = taste ? `Planted taste of ${user}: ${taste[0]} and ${taste[1]} — the recommendations should be mostly these.` : about ? `User ${user}: ${about}.` : '';
  // Ids that look numeric were read as numbers: ask with the id as the model holds it.
  const rows = await state.rec.history(m.users[m.userIds.indexOf(user)]);
  const explicit = m.feedback === 'explicit';
  fill($.history, rows.slice(0, 15).map((r) => itemRow(state, String(r.item), undefined, 1, explicit ? `${'★'.repeat(Math.round(r.value))}` : `×${fmt(r.value, 3)}`)));
  if (rows.length > 15) $.history.append(el('li', { class: 'empty' }, `… and ${rows.length - 15} more`));
  const top = await state.rec.recommend(user, 10);
  renderScored(state, $.recs, top, (id) => void explainItem(page, user, id));
  // For bench/demo.mjs: time from navigation to the first recommendations on screen.
  if (performance.getEntriesByName('first-recommendations').length === 0) performance.mark('first-recommendations');
  $.explain.replaceChildren();
}

/** Why the user gets the item: the top 5 contributions of their history, the rest, the baseline, the film's side. */
async function explainItem(page: Page, user: string, item: string): Promise<void> {
  const { $, state } = page;
  const x = await state.rec.explain(user, item, { topN: 5 });
  const parts = x.contributions.filter((c) => c.contribution > 0);
  $.explain.replaceChildren(
    el('h3', null, `Why “${title(state, item)}” (score ${fmt(x.score, 3)})`),
    el('p', null, parts.length ? 'Because you liked:' : 'No single item in the history explains this score.'),
    el('ol', { class: 'items' }, ...x.contributions.map((c) => itemRow(state, String(c.item), c.contribution, Math.abs(x.contributions[0]?.contribution ?? 1)))),
    el('p', { class: 'hint' }, `Contributions c·yᵢᵀWʸⱼ add up to the score${x.rest ? `; the rest of the history adds ${fmt(x.rest, 3)}` : ''}${x.baseline ? `; baseline ${fmt(x.baseline, 3)}` : ''}.`),
    ...(x.byFeatures ? [becauseOf(x.byFeatures)] : []),
  );
}

/** The item side of a score: its features' shares ("because of genre=Thriller") and its viewers'. */
function becauseOf(b: NonNullable<Awaited<ReturnType<Recommender['explain']>>['byFeatures']>): HTMLElement {
  const parts = b.features.filter((c) => c.contribution > 0).map((c) => `${c.feature} (+${fmt(c.contribution, 2)})`);
  return el('p', { class: 'because' }, parts.length ? `From the film's side: because of ${parts.join(', ')}` : 'From the film\'s side: no feature raises this score', b.interactions ? `; people who watched it add ${fmt(b.interactions, 2)}.` : ' (nobody has watched it yet: its features are all the model knows).');
}

/** The user field and the Random user button. */
export function wireUserPanel(page: Page): void {
  const { $, state } = page;
  $.user.addEventListener('change', () => void showUser(page, $.user.value.trim()));
  $.randomUser.addEventListener('click', () => {
    const m = state.model;
    if (m && m.userIds.length) void showUser(page, m.userIds[Math.floor(Math.random() * m.userIds.length)]);
  });
}
