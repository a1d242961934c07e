/**
 * "Add a new film": a title and its genres become a new item of the trained model through
 * `addItems` (its factors solved from its genres' factors, no retraining); the page then lists
 * the users who would like it most, each with the genres that explain their score.
 */
import type { Recommender } from '../../src/index.js';
import { el, fmt, showError } from './dom.js';

/** What the panel needs from the page. */
export interface NewFilmHost {
  rec: Recommender;
  /** Records the title and genres, refreshes the page's model view and panels. */
  onAdded: (id: string, title: string, genres: string[]) => Promise<void>;
  /** A note about a user (e.g. the built-in club's planted tastes), or ''. */
  describeUser: (user: string) => string;
}

/** The panel's elements. */
export interface NewFilmElements {
  form: HTMLFormElement;
  title: HTMLInputElement;
  genres: HTMLElement;
  status: HTMLElement;
  error: HTMLElement;
  fans: HTMLElement;
}

/** The "add a new film" panel. */
export class NewFilmPanel {
  private count = 0;
  /** The model's item ids: a loaded model may already hold `new-1`… from an earlier session. */
  private known = new Set<string>();

  constructor(private readonly $: NewFilmElements, private readonly host: NewFilmHost) {
    $.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.add();
    });
  }

  /** Shows one checkbox per item feature of the model (none: the panel says how to get some) and keeps its item ids, so a new film never takes one. */
  setFeatures(names: string[], itemIds: readonly string[] = []): void {
    this.known = new Set(itemIds);
    this.$.form.querySelector('button')!.disabled = names.length === 0;
    if (names.length === 0) {
      this.$.genres.replaceChildren(el('p', { class: 'hint' }, 'This model has no item features: train with genres (the built-in film club, or drop a u.item or titles file with genres) to add films by their genres.'));
      return;
    }
    // Ticked boxes stay ticked across model changes (adding a film is one).
    const ticked = new Set([...this.$.genres.querySelectorAll<HTMLInputElement>('input[name=feature]:checked')].map((c) => c.value));
    this.$.genres.replaceChildren(
      el('legend', null, 'Genres'),
      ...[...names].sort().map((name) => {
        const box = el('input', { attrs: { type: 'checkbox', name: 'feature', value: name } });
        box.checked = ticked.has(name);
        return el('label', { class: 'check' }, box, name.replace(/^genre=/, ''));
      }),
    );
  }

  private async add(): Promise<void> {
    showError(this.$.error, null);
    // The next `new-N` the model does not hold (ids are never reused: addItems refuses a known one).
    let n = this.count + 1;
    while (this.known.has(`new-${n}`)) n++;
    const title = this.$.title.value.trim() || `New film ${n}`;
    const features = [...this.$.genres.querySelectorAll<HTMLInputElement>('input[name=feature]:checked')].map((c) => c.value);
    if (features.length === 0) {
      showError(this.$.error, new Error('Tick at least one genre: a new film is placed by its genres.'));
      return;
    }
    const id = `new-${n}`;
    this.count = n;
    try {
      const t0 = performance.now();
      await this.host.rec.addItems(features.map((feature) => ({ id, feature })));
      const ms = performance.now() - t0;
      await this.host.onAdded(id, title, features.map((f) => f.replace(/^genre=/, '')));
      this.$.status.textContent = `Added “${title}” (${features.map((f) => f.replace(/^genre=/, '')).join(', ')}) as item ${id} in ${fmt(ms, 2)} ms, without retraining. It now appears in recommendations, similar items and the map.`;
      await this.showFans(id);
    } catch (e) {
      showError(this.$.error, e);
    }
  }

  /** The five users with the highest predicted score for the item, each explained by its features. */
  private async showFans(id: string): Promise<void> {
    // Asked of the worker, which holds the model: the page keeps none.
    const scored = await this.host.rec.usersForItem(id, 5);
    const rows = await Promise.all(
      scored.map(async ({ id: uid, score: s }) => {
        const user = String(uid);
        const why = (await this.host.rec.explain(user, id, { topN: 3 })).byFeatures;
        const reasons = (why?.features ?? []).filter((c) => c.contribution > 0).map((c) => `${c.feature} (+${fmt(c.contribution, 2)})`);
        const note = this.host.describeUser(user);
        return el('li', { attrs: { 'data-user': user } }, el('span', { class: 'title' }, `${user}${note ? ` — ${note}` : ''}`), el('span', { class: 'value' }, reasons.length ? `because of ${reasons.join(', ')}` : 'no genre raises this score'), el('span', { class: 'score' }, fmt(s, 3)));
      }),
    );
    this.$.fans.replaceChildren(...rows);
  }
}
