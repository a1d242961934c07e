/**
 * What every panel of the demo page shares: the state this thread holds, the page's elements,
 * and the two actions one panel starts in another (train, redraw after a model change). main.ts
 * builds the one {@link Page}; the panels take it as their first argument.
 */
import type { DatasetHandle, FeatureRecord, ModelView, Recommender } from '../../src/index.js';
import type { ItemInfo } from '../data/titles.js';
import type { PageElements } from './elements.js';
import type { LossChart } from './loss-chart.js';

/** What the page holds on this thread: ids, titles and what the worker sent to draw the model. */
export interface PageState {
  rec: Recommender;
  /** The full dataset, and its train/test halves when a run held out data. */
  data: DatasetHandle | null;
  split: { train: DatasetHandle; test: DatasetHandle } | null;
  items: Map<string, ItemInfo>;
  tastes: Map<string, [string, string]>;
  genres: string[];
  /** The current model as the worker describes it (ids, item factors for the map, popularity), and its ids as strings. */
  model: (ModelView & { userIds: string[]; itemIds: string[] }) | null;
  busy: AbortController | null;
  myPicks: Map<string, number>;
  /** Whether `items` are the built-in catalogue's titles (dropped when a user file is loaded). */
  builtinTitles: boolean;
  /** "You" kept in the model as a real user (Add me to the model): the user id, and what the last update did. */
  me: { id: string; last: string } | null;
  /** Side information trained with (when the form's box is ticked): item genres, user attributes. */
  itemFeatures: FeatureRecord[] | null;
  userFeatures: FeatureRecord[] | null;
  /** Whether the loaded data is a file of the user's (then a titles or attributes file dropped later retrains with them). */
  dataFromFile: boolean;
  /** The ratings' name (a file name, or the built-in dataset's): the model is named after it. */
  dataName: string;
  /** The side files that named items and users, by role (`items`, `users`). */
  sources: Record<string, string>;
  /** User attributes by user id (from u.user), shown beside user ids. */
  users: Map<string, Record<string, string>>;
}

/** The page as the panels see it. */
export interface Page {
  /** The page's elements. */
  readonly $: PageElements;
  /** The state on this thread (panels change its fields in place). */
  readonly state: PageState;
  /** After any model change: ask the worker for its view of the model, then redraw every panel. */
  modelChanged(): Promise<void>;
  /** Trains with the form's options; `quick` (the run as the page opens) skips the held-out scoring. */
  trainNow(quick?: boolean): Promise<void>;
  /** The loss chart (training and the refit after tuning draw on it). */
  readonly chart: LossChart;
}

/** The state as the page opens: the recommender, nothing loaded. */
export function initialState(rec: Recommender): PageState {
  return { rec, data: null, split: null, items: new Map(), tastes: new Map(), genres: [], model: null, busy: null, myPicks: new Map(), builtinTitles: false, me: null, itemFeatures: null, userFeatures: null, dataFromFile: false, dataName: '', sources: {}, users: new Map() };
}

/** Marks a run in progress (or none): one run at a time, and only its own Cancel button enabled. */
export function setBusy(page: Page, c: AbortController | null, which: 'train' | 'cv' | null): void {
  const { $ } = page;
  page.state.busy = c;
  $.train.disabled = c !== null;
  $.tuneRun.disabled = c !== null;
  $.cvRun.disabled = c !== null;
  $.useBuiltin.disabled = c !== null;
  $.cancel.disabled = which !== 'train';
  $.cvCancel.disabled = which !== 'cv';
}

/** An item's title, or its id when the page has no title for it. */
export const title = (state: PageState, id: string | number): string => state.items.get(String(id))?.title ?? String(id);

/** Item ids by number of training interactions, most first. */
export function popularItems(state: PageState, k: number): string[] {
  const m = state.model!;
  const counts = m.itemCounts;
  return [...counts.keys()].sort((a, b) => counts[b] - counts[a] || a - b).slice(0, k).map((i) => m.itemIds[i]);
}
