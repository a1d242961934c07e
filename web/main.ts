/**
 * The demo page: load data (built-in or a file), train with live progress, inspect users and
 * items, fold in "you" as a new user, keep the model. It uses the library's public entry only;
 * the engine runs in a Web Worker (createRecommender), this thread only draws.
 */
import {
  createRecommender,
  isAlsError,
  loadFromIndexedDB,
  saveToIndexedDB,
  type FeatureRecord,
  type DatasetHandle,
  type ModelView,
  type CrossValidationSummary,
  type Recommender,
  type ScoredItem,
  type TrainProgress,
} from '../src/index.js';
import { demoDataset } from './data/builtin.js';
import type { ItemInfo } from './data/titles.js';
import { genreFeatures, movieLensKind, readSideFile } from './data/side-files.js';
import { NewFilmPanel } from './ui/new-film.js';
import { pca2 } from './pca.js';
import { byId, el, fmt, showError } from './ui/dom.js';
import { genreColour, ItemMap } from './ui/item-map.js';
import { LossChart } from './ui/loss-chart.js';

/** What the page holds on this thread: ids, titles and what the worker sent to draw the model. */
interface PageState {
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
}

const $ = {
  env: byId('env'),
  dataset: byId<HTMLSelectElement>('dataset'),
  useBuiltin: byId<HTMLButtonElement>('use-builtin'),
  drop: byId('drop'),
  file: byId<HTMLInputElement>('file'),
  titlesFile: byId<HTMLInputElement>('titles-file'),
  parseProgress: byId<HTMLProgressElement>('parse-progress'),
  dataError: byId('data-error'),
  dataSummary: byId('data-summary'),
  trainForm: byId<HTMLFormElement>('train-form'),
  train: byId<HTMLButtonElement>('train'),
  cancel: byId<HTMLButtonElement>('cancel'),
  runProgress: byId<HTMLProgressElement>('run-progress'),
  halfProgress: byId<HTMLProgressElement>('half-progress'),
  halfLabel: byId('half-label'),
  trainStats: byId('train-stats'),
  tuneRun: byId<HTMLButtonElement>('tune-run'),
  tuneStatus: byId('tune-status'),
  tuneTable: byId<HTMLTableElement>('tune-table'),
  cvForm: byId<HTMLFormElement>('cv-form'),
  cvRun: byId<HTMLButtonElement>('cv-run'),
  cvCancel: byId<HTMLButtonElement>('cv-cancel'),
  cvStatus: byId('cv-status'),
  cvTable: byId<HTMLTableElement>('cv-table'),
  user: byId<HTMLInputElement>('user'),
  userList: byId('user-list'),
  randomUser: byId<HTMLButtonElement>('random-user'),
  userTaste: byId('user-taste'),
  history: byId('history'),
  recs: byId('recs'),
  explain: byId('explain'),
  item: byId<HTMLInputElement>('item'),
  itemList: byId('item-list'),
  similar: byId('similar'),
  legend: byId('legend'),
  meSearch: byId<HTMLInputElement>('me-search'),
  meClear: byId<HTMLButtonElement>('me-clear'),
  meAdd: byId<HTMLButtonElement>('me-add'),
  meItems: byId('me-items'),
  meStats: byId('me-stats'),
  meRecs: byId('me-recs'),
  modelName: byId<HTMLInputElement>('model-name'),
  saveIdb: byId<HTMLButtonElement>('save-idb'),
  loadIdb: byId<HTMLButtonElement>('load-idb'),
  download: byId<HTMLButtonElement>('download'),
  modelFile: byId<HTMLInputElement>('model-file'),
  factorsFile: byId<HTMLInputElement>('factors-file'),
  modelStatus: byId('model-status'),
  modelError: byId('model-error'),
};

performance.mark('demo:script');
const chart = new LossChart(byId('chart'));
const state: PageState = { rec: await createRecommender(), data: null, split: null, items: new Map(), tastes: new Map(), genres: [], model: null, busy: null, myPicks: new Map(), builtinTitles: false, me: null, itemFeatures: null, userFeatures: null, dataFromFile: false };
const map = new ItemMap(byId<HTMLCanvasElement>('map'), byId('map-tip'), (id) => state.items.get(id), []);
map.onPick = (id) => void showItem(id);
const newFilm = new NewFilmPanel(
  { form: byId<HTMLFormElement>('new-film-form'), title: byId<HTMLInputElement>('new-film-title'), genres: byId('new-film-genres'), status: byId('new-film-status'), error: byId('new-film-error'), fans: byId('new-film-fans') },
  {
    rec: state.rec,
    onAdded: async (id, title, genre) => {
      state.items.set(id, { title, genre });
      await modelChanged();
      await showItem(id);
    },
    describeUser: (user) => {
      const t = state.tastes.get(user);
      return t ? `loves ${t[0]} and ${t[1]}` : '';
    },
  },
);

// ---------- small helpers ----------

const title = (id: string | number): string => state.items.get(String(id))?.title ?? String(id);

/** One list row: genre swatch, title (text only), and an optional score bar. */
function itemRow(id: string | number, score?: number, max = 1, extra?: string): HTMLLIElement {
  const info = state.items.get(String(id));
  const li = el('li', { attrs: { 'data-id': String(id) } },
    el('span', { class: 'swatch', vars: { '--c': genreColour(info?.genre ?? '', state.genres) }, attrs: { 'aria-hidden': 'true' } }),
    el('span', { class: 'title' }, info?.title ?? String(id)),
    info?.genre ? el('span', { class: 'genre' }, info.genre) : null,
    extra ? el('span', { class: 'value' }, extra) : null,
    score === undefined ? null : el('span', { class: 'score' }, el('span', { class: 'bar', vars: { '--w': `${Math.max(0, Math.min(1, score / (max || 1))) * 100}%` } }), fmt(score, 3)),
  );
  return li;
}

function fill(list: HTMLElement, rows: Node[], empty = 'Nothing to show.'): void {
  list.replaceChildren(...(rows.length ? rows : [el('li', { class: 'empty' }, empty)]));
}

function setBusy(c: AbortController | null, which: 'train' | 'cv' | null): void {
  state.busy = c;
  $.train.disabled = c !== null;
  $.tuneRun.disabled = c !== null;
  $.cvRun.disabled = c !== null;
  $.useBuiltin.disabled = c !== null;
  $.cancel.disabled = which !== 'train';
  $.cvCancel.disabled = which !== 'cv';
}

async function showEnvironment(): Promise<void> {
  const info = await state.rec.info();
  const facts: [string, string][] = [
    ['engine', info.environment.worker ? 'Web Worker' : 'this thread'],
    ['kernels', info.model?.kernels ?? info.kernelsAvailable[0]],
    ['cross-origin isolated', String(info.environment.crossOriginIsolated)],
    ['model', info.model ? `${info.model.users} users × ${info.model.items} items, f = ${info.model.factors}` : 'none yet'],
  ];
  $.env.replaceChildren(...facts.flatMap(([k, v]) => [el('dt', null, k), el('dd', null, v)]));
}

// ---------- 1 · data ----------

async function useBuiltin(kind: 'events' | 'ratings'): Promise<boolean> {
  const ds = demoDataset(kind);
  state.myPicks.clear();
  state.items = ds.items;
  state.tastes = ds.tastes;
  state.genres = ds.genres;
  state.builtinTitles = true;
  state.itemFeatures = genreFeatures(ds.items);
  state.userFeatures = null;
  state.dataFromFile = false;
  setField('feedback', ds.feedback);
  return loadData(ds.text, kind === 'events' ? 'built-in film club events' : 'built-in film club ratings');
}

async function loadFile(file: File): Promise<boolean> {
  state.tastes = new Map();
  if (state.builtinTitles) [state.items, state.genres, state.builtinTitles, state.itemFeatures] = [new Map(), [], false, null];
  state.myPicks.clear();
  const ok = await loadData(file, file.name);
  if (ok) state.dataFromFile = true;
  return ok;
}

async function loadData(source: Parameters<Recommender['load']>[0], name: string): Promise<boolean> {
  showError($.dataError, null);
  $.parseProgress.hidden = false;
  $.parseProgress.value = 0;
  $.dataSummary.textContent = `Reading ${name}…`;
  try {
    const data = await state.rec.load(source, {
      source: name,
      onProgress: (p) => {
        if (p.stage === 'parse' && p.bytesTotal) $.parseProgress.value = p.bytesRead / p.bytesTotal;
      },
    });
    if (state.data) await state.rec.releaseDataset(state.data);
    if (state.split) for (const h of [state.split.train, state.split.test]) await state.rec.releaseDataset(h);
    state.data = data;
    state.split = null;
    $.parseProgress.value = 1;
    performance.mark('demo:loaded');
    const skipped = data.skipped.count ? ` (${data.skipped.count} bad rows skipped)` : '';
    $.dataSummary.textContent = `${name}: ${data.users.toLocaleString('en')} users, ${data.items.toLocaleString('en')} items, ${data.interactions.toLocaleString('en')} interactions${data.events.length ? ` (events: ${data.events.join(', ')})` : ''}${skipped}.`;
    if (!data.hasValue && !data.events.length) setField('feedback', 'implicit');
    else if (data.hasValue && !data.events.length && typeof source === 'object' && source instanceof File) setField('feedback', 'explicit');
    return true;
  } catch (e) {
    showError($.dataError, e);
    $.dataSummary.textContent = state.data ? 'The previous dataset is still loaded.' : '';
    return false;
  } finally {
    $.parseProgress.hidden = true;
  }
}

function setField(name: string, value: string): void {
  const f = $.trainForm.elements.namedItem(name) as HTMLSelectElement | HTMLInputElement;
  f.value = value;
}

$.useBuiltin.addEventListener('click', async () => {
  if (await useBuiltin($.dataset.value as 'events' | 'ratings')) await trainNow();
});
$.file.addEventListener('change', async () => {
  const f = $.file.files?.[0];
  if (f && (await loadFile(f))) await trainNow();
  $.file.value = '';
});
$.titlesFile.addEventListener('change', async () => {
  const f = $.titlesFile.files?.[0];
  $.titlesFile.value = '';
  if (f && (await useSideFile(f)) && state.data && state.dataFromFile) await trainNow();
});

/** Text of a file: UTF-8, or Latin-1 when it is not valid UTF-8 (MovieLens-100K's u.item). */
async function fileText(f: Blob): Promise<string> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Titles, u.item (titles + genres), u.user (user attributes) or a feature file; true when it changed what training uses. */
async function useSideFile(f: File): Promise<boolean> {
  try {
    const side = readSideFile(await fileText(f), f.name);
    showError($.dataError, null);
    if (side.kind === 'u.user') {
      state.userFeatures = side.userFeatures;
      $.dataSummary.textContent += ` User attributes: ${new Set(side.userFeatures.map((r) => r.id)).size.toLocaleString('en')} users from ${f.name}.`;
      return true;
    }
    if (side.kind === 'features') {
      state.itemFeatures = side.itemFeatures;
      $.dataSummary.textContent += ` Item features: ${side.itemFeatures.length.toLocaleString('en')} from ${f.name}.`;
      return true;
    }
    state.items = side.items;
    state.builtinTitles = false;
    state.itemFeatures = side.kind === 'u.item' ? side.itemFeatures : genreFeatures(side.items);
    if (state.itemFeatures.length === 0) state.itemFeatures = null;
    state.genres = [...new Set([...state.items.values()].map((i) => i.genre).filter(Boolean))].slice(0, 10);
    $.dataSummary.textContent += ` Titles: ${state.items.size.toLocaleString('en')} from ${f.name}${state.itemFeatures ? ', with genres' : ''}.`;
    if (state.model) await modelChanged();
    return state.itemFeatures !== null;
  } catch (e) {
    showError($.dataError, e);
    return false;
  }
}

/** Whether a dropped file is a titles or attributes file rather than ratings (by name, or MovieLens u.item / u.user by content). */
async function isSideFile(f: File): Promise<boolean> {
  return /movies|titles|items?\b|users?\b|feature|attribute/i.test(f.name.replace(/^u\.data$/, '')) || movieLensKind(await f.slice(0, 4096).text()) !== null;
}

for (const ev of ['dragenter', 'dragover']) $.drop.addEventListener(ev, (e) => (e.preventDefault(), $.drop.classList.add('over')));
for (const ev of ['dragleave', 'drop']) $.drop.addEventListener(ev, () => $.drop.classList.remove('over'));
$.drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  const files = [...((e as DragEvent).dataTransfer?.files ?? [])];
  const side: File[] = [];
  let ratings: File | undefined;
  for (const f of files) if (await isSideFile(f)) side.push(f); else ratings ??= f;
  let retrain = false;
  for (const f of side) retrain = (await useSideFile(f)) || retrain;
  if (ratings) {
    if (await loadFile(ratings)) await trainNow();
  } else if (retrain && state.data && state.dataFromFile) await trainNow();
});
$.drop.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') (e.preventDefault(), $.file.click());
});

// ---------- 2 · train ----------

function readTrainForm(): Record<string, unknown> {
  const f = new FormData($.trainForm);
  const num = (k: string) => Number(f.get(k));
  const feedback = String(f.get('feedback')) as 'implicit' | 'explicit';
  return {
    feedback,
    factors: num('factors'),
    // Blank or 'auto': the library's default (λ measured from the data for implicit, 0.1 with ALS-WR for explicit).
    ...(regularizationField(f) === undefined ? {} : { regularization: regularizationField(f) }),
    // Blank α: the library's default for the form (2 for log, 1 for linear and scaled).
    ...(feedback === 'implicit' ? { ...(String(f.get('alpha') ?? '').trim() === '' ? {} : { alpha: num('alpha') }), confidence: String(f.get('confidence')) } : {}),
    solver: String(f.get('solver')),
    iterations: num('iterations'),
    workers: num('workers'),
    holdout: f.get('holdout') === 'on',
    useFeatures: f.get('features') === 'on',
  };
}

/** The side information to train with (the form's box ticked, and the page has some). */
function featureOptions(use: unknown): { itemFeatures?: FeatureRecord[]; userFeatures?: FeatureRecord[] } {
  if (!use) return {};
  return { ...(state.itemFeatures ? { itemFeatures: state.itemFeatures } : {}), ...(state.userFeatures ? { userFeatures: state.userFeatures } : {}) };
}

/** The λ field: a number, or undefined for the library's default (blank or "auto"). */
function regularizationField(f: FormData): number | undefined {
  const raw = String(f.get('regularization') ?? '').trim();
  return raw === '' || raw === 'auto' ? undefined : Number(raw);
}

/** Trains with the form's options; `quick` (the run as the page opens) skips the held-out scoring so recommendations show sooner. */
async function trainNow(quick = false): Promise<void> {
  if (!state.data || state.busy) return;
  const { holdout: wanted, useFeatures, ...opts } = readTrainForm();
  const holdout = wanted && !quick;
  const controller = new AbortController();
  setBusy(controller, 'train');
  const iterations = opts.iterations as number;
  const metricName = opts.feedback === 'explicit' ? 'held-out RMSE' : 'held-out NDCG@10';
  chart.reset(holdout ? metricName : 'no held-out data');
  $.runProgress.value = 0;
  $.halfProgress.value = 0;
  $.trainStats.textContent = 'Training…';
  let finished = false;
  try {
    if (holdout && !state.split) state.split = await state.rec.split(state.data, { method: 'per-user', fraction: 0.2, seed: 1 });
    const data = holdout ? state.split!.train : state.data;
    performance.mark('demo:train-start');
    const t0 = performance.now();
    const summary = await state.rec.train(data, {
      ...(opts as object),
      ...featureOptions(useFeatures),
      validation: holdout ? { data: state.split!.test } : undefined,
      signal: controller.signal,
      onProgress: (p) => {
        // Progress crosses the worker as separate messages: the last may land after the result,
        // so late events still reach the chart but no longer overwrite the final summary.
        if (p.stage === 'iteration') chart.addLoss(p.iteration, p.loss);
        if (p.stage === 'validation') chart.addMetric(p.iteration, p.value);
        if (finished) return;
        if (p.stage === 'sweep') {
          const half = p.rowsDone / p.rowsTotal;
          $.halfProgress.value = half;
          $.halfLabel.textContent = `${p.side} ${p.rowsDone}/${p.rowsTotal}`;
          $.runProgress.value = (p.iteration - 1 + (p.side === 'items' ? 0.5 : 0) + half / 2) / iterations;
        } else if (p.stage === 'validating') {
          // Held-out scoring of a big test set takes a while: show it moving.
          $.halfProgress.value = p.usersDone / p.usersTotal;
          $.halfLabel.textContent = `held-out scoring ${p.usersDone}/${p.usersTotal} users`;
        } else if (p.stage === 'iteration') {
          $.trainStats.textContent = `Iteration ${p.iteration}/${iterations} · loss ${fmt(p.loss, 5)} · ${fmt(p.seconds * 1000, 3)} ms/iteration · ${fmt(p.gflops, 3)} GFLOP/s`;
        }
      },
    });
    finished = true;
    const wall = (performance.now() - t0) / 1000;
    performance.mark('demo:trained');
    const secs = summary.secondsPerIteration;
    const median = [...secs].sort((a, b) => a - b)[Math.floor(secs.length / 2)];
    const gf = [...summary.gflops].sort((a, b) => a - b)[Math.floor(secs.length / 2)];
    $.runProgress.value = 1;
    $.trainStats.textContent = `Trained ${summary.users} users × ${summary.items} items (${summary.interactions.toLocaleString('en')} pairs), f = ${summary.options.factors}, ${summary.iterations} iterations in ${fmt(wall, 3)} s · median ${fmt(median * 1000, 3)} ms/iteration · ${fmt(gf, 3)} GFLOP/s · λ = ${fmt(summary.regularization, 3)}${summary.regularizationCalibration ? ` (measured on held-out pairs, ${fmt(summary.regularization / summary.regularizationCalibration.closedForm, 2)} × the closed form)` : ''} · ${summary.kernels} kernels · workers used: ${summary.workersUsed}${holdout ? ' · trained on 80 %, 20 % held out' : ''}.${quick && wanted ? ' (This first run skipped the held-out scoring so the page opens fast: press Train to plot it.)' : ''}`;
    await modelChanged();
  } catch (e) {
    finished = true;
    if ((e as Error).name === 'AbortError') $.trainStats.textContent = `Cancelled. ${state.model ? 'The previous model is still serving.' : ''}`;
    else $.trainStats.textContent = `Training failed: ${(e as Error).message}`;
  } finally {
    setBusy(null, null);
  }
}

$.trainForm.addEventListener('submit', (e) => (e.preventDefault(), void trainNow()));
$.cancel.addEventListener('click', () => state.busy?.abort());

// ---------- automatic tuning ----------

/** One row per run of the search, added as its progress event arrives. */
function tuneRow(p: Extract<TrainProgress, { stage: 'tune' }>): HTMLElement {
  const q = p.params;
  const what = q.confidence ? `${q.confidence}, α ${fmt(q.alpha!, 3)}${q.weighting === 'bm25' ? ', BM25' : ''}` : q.biases ? 'biases' : 'no biases';
  return el('tr', { attrs: { 'data-trial': String(p.trial) } }, el('td', null, String(p.trial)), el('td', null, String(p.rung)), el('td', null, String(q.factors)), el('td', null, fmt(q.regularization, 3)), el('td', null, what), el('td', null, String(q.iterations)), el('td', null, Number.isNaN(p.score) ? 'failed' : fmt(p.score, 4)), el('td', null, fmt(p.seconds, 2)));
}

$.tuneRun.addEventListener('click', () => void tuneNow());

/** Searches the options in the worker (30 s budget), showing each run live, then serves the refit model. */
async function tuneNow(): Promise<void> {
  if (!state.data || state.busy) return;
  const form = readTrainForm();
  const controller = new AbortController();
  setBusy(controller, 'train');
  const metric = form.feedback === 'explicit' ? 'RMSE' : 'NDCG@10';
  $.tuneTable.tHead!.replaceChildren(el('tr', null, ...['run', 'rung', 'factors', 'λ', 'confidence / biases', 'iterations', `held-out ${metric}`, 's'].map((h) => el('th', { attrs: { scope: 'col' } }, h))));
  $.tuneTable.tBodies[0].replaceChildren();
  $.tuneTable.hidden = false;
  $.tuneStatus.textContent = 'Tuning: searching on 20 % of each user’s pairs held out from the data…';
  $.trainStats.textContent = 'Tuning automatically (the runs are listed below)…';
  $.runProgress.value = 0;
  $.halfProgress.value = 0;
  $.halfLabel.textContent = 'Half-step';
  try {
    const summary = await state.rec.train(state.data, {
      feedback: form.feedback as 'implicit',
      workers: form.workers as number,
      tune: { budgetSeconds: 30 },
      ...featureOptions(form.useFeatures),
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'tune') {
          $.tuneTable.tBodies[0].append(tuneRow(p));
          $.tuneStatus.textContent = `Tuning: run ${p.trial} done; best so far at the last rung: ${Number.isNaN(p.best) ? '—' : fmt(p.best, 4)}`;
        }
      },
    });
    const t = summary.tuned!;
    const chosen = Object.entries(t.params).map(([k, v]) => `${k} = ${typeof v === 'number' ? fmt(v, 3) : v}`).join(', ');
    $.tuneStatus.textContent = `Tuned in ${fmt(t.seconds, 3)} s over ${t.trials.length} runs: ${chosen} → held-out ${metric} ${fmt(t.score, 4)}. Trained on all the data with them: now serving.`;
    $.runProgress.value = 1;
    $.trainStats.textContent = `Tuned and trained ${summary.users} users × ${summary.items} items, f = ${summary.options.factors}, λ = ${fmt(summary.regularization, 3)}, ${summary.iterations} iterations.`;
    for (const row of $.tuneTable.tBodies[0].rows) {
      const trial = t.trials[Number(row.dataset.trial) - 1];
      if (trial && trial.rung === 2 && trial.score === t.score) row.classList.add('best');
    }
    await modelChanged();
  } catch (e) {
    $.tuneStatus.textContent = (e as Error).name === 'AbortError' ? `Tuning cancelled. ${state.model ? 'The previous model is still serving.' : ''}` : `Tuning failed: ${(e as Error).message}`;
  } finally {
    setBusy(null, null);
  }
}

// ---------- cross-validation ----------

function list(v: FormDataEntryValue | null): number[] {
  return String(v ?? '')
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number);
}

$.cvForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!state.data || state.busy) return;
  const f = new FormData($.cvForm);
  const base = readTrainForm();
  const implicit = base.feedback === 'implicit';
  const grid = { factors: list(f.get('factors')), regularization: list(f.get('regularization')), ...(implicit ? { alpha: list(f.get('alpha')) } : {}) };
  const controller = new AbortController();
  setBusy(controller, 'cv');
  $.cvStatus.textContent = 'Cross-validating…';
  try {
    const cv = await state.rec.crossValidate(state.data, {
      base: { feedback: base.feedback as 'implicit', iterations: Number(f.get('iterations')), ...(implicit ? { confidence: base.confidence as 'linear' } : {}) },
      grid,
      folds: Number(f.get('folds')),
      k: 10,
      seed: 1,
      refit: f.get('refit') === 'on',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'trial') $.cvStatus.textContent = `Trial ${p.trial + 1}/${p.trials}, fold ${p.fold + 1}/${p.folds}: ${JSON.stringify(p.params)}`;
      },
    });
    showCv(cv);
    $.cvStatus.textContent = `Best: ${Object.entries(cv.best.params).map(([k, v]) => `${k} = ${v}`).join(', ')} → ${cv.metric} ${fmt(cv.best.score, 4)} ± ${fmt(cv.best.std, 2)} (${cv.folds} folds).${cv.model ? ' Refit on all data: now serving.' : ''}`;
    if (cv.model) await modelChanged();
  } catch (err) {
    $.cvStatus.textContent = (err as Error).name === 'AbortError' ? 'Cross-validation cancelled.' : `Cross-validation failed: ${(err as Error).message}`;
  } finally {
    setBusy(null, null);
  }
});
$.cvCancel.addEventListener('click', () => state.busy?.abort());

function showCv(cv: CrossValidationSummary): void {
  const keys = Object.keys(cv.trials[0]?.params ?? {});
  const metrics = Object.keys(cv.trials[0]?.mean ?? {});
  const head = el('tr', null, ...keys.map((k) => el('th', { attrs: { scope: 'col' } }, k)), ...metrics.map((m) => el('th', { attrs: { scope: 'col' } }, m === cv.metric ? `${m} ★` : m)), el('th', { attrs: { scope: 'col' } }, 's'));
  const best = JSON.stringify(cv.best.params);
  const rows = cv.trials.map((t) =>
    el('tr', { class: JSON.stringify(t.params) === best ? 'best' : '' },
      ...keys.map((k) => el('td', null, String((t.params as Record<string, unknown>)[k]))),
      ...metrics.map((m) => el('td', null, `${fmt(t.mean[m as 'rmse']!, 3)} ± ${fmt(t.std[m as 'rmse']!, 2)}`)),
      el('td', null, fmt(t.seconds, 2)),
    ),
  );
  $.cvTable.tHead!.replaceChildren(head);
  $.cvTable.tBodies[0].replaceChildren(...rows);
  $.cvTable.hidden = false;
}

// ---------- the model on this thread ----------

/** After any model change: ask the worker for its view of the model, then redraw every panel. */
async function modelChanged(): Promise<void> {
  const view = await state.rec.modelView();
  const users = view.users.map(String);
  const items = view.items.map(String);
  state.model = { ...view, userIds: users, itemIds: items };
  const m = state.model;
  $.userList.replaceChildren(...users.slice(0, 2000).map((u) => el('option', { attrs: { value: u } })));
  $.itemList.replaceChildren(...items.slice(0, 5000).map((i) => el('option', { attrs: { value: i, label: title(i) } })));
  // Rows scaled to unit length first: the map shows direction (taste), the same geometry as
  // "similar items" (cosine); a vector's length mostly tracks popularity and would dominate PC 1.
  const { coords, explained } = pca2(unitRows(m.itemFactors, items.length, m.factors), items.length, m.factors);
  map.setPoints(items.map((id, k) => ({ id, x: coords[2 * k], y: coords[2 * k + 1] })), (id) => state.items.get(id), state.genres);
  byId('map').setAttribute('aria-label', `Scatter plot of ${items.length} items by the first two principal components of their factors (${Math.round(explained * 100)} % of the variance); hover or use arrow keys for titles`);
  $.legend.replaceChildren(...state.genres.map((g) => el('li', null, el('span', { class: 'swatch', vars: { '--c': genreColour(g, state.genres) } }), g)));
  const user = users.includes($.user.value) ? $.user.value : users[0];
  if (user !== undefined) await showUser(user);
  else {
    $.user.value = '';
    fill($.history, [], 'This model has no users (imported item factors): try “You, as a new user”.');
    fill($.recs, []);
  }
  await showItem(items.includes($.item.value) ? $.item.value : popularItems(1)[0] ?? items[0]);
  renderPicks();
  await updateMe();
  newFilm.setFeatures(m.itemFeatures);
  await showEnvironment();
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

/** Item ids by number of training interactions, most first. */
function popularItems(k: number): string[] {
  const m = state.model!;
  const counts = m.itemCounts;
  return [...counts.keys()].sort((a, b) => counts[b] - counts[a] || a - b).slice(0, k).map((i) => m.itemIds[i]);
}

// ---------- 3 · a user ----------

async function showUser(user: string): Promise<void> {
  const m = state.model;
  if (!m) return;
  $.user.value = user;
  if (!m.userIds.includes(user)) {
    fill($.history, [], `No user “${user}” in the model.`);
    fill($.recs, []);
    return;
  }
  const taste = state.tastes.get(user);
  $.userTaste.textContent = taste ? `Planted taste of ${user}: ${taste[0]} and ${taste[1]} — the recommendations should be mostly these.` : '';
  // Ids that look numeric were read as numbers: ask with the id as the model holds it.
  const rows = await state.rec.history(m.users[m.userIds.indexOf(user)]);
  const explicit = m.feedback === 'explicit';
  fill($.history, rows.slice(0, 15).map((r) => itemRow(String(r.item), undefined, 1, explicit ? `${'★'.repeat(Math.round(r.value))}` : `×${fmt(r.value, 3)}`)));
  if (rows.length > 15) $.history.append(el('li', { class: 'empty' }, `… and ${rows.length - 15} more`));
  const top = await state.rec.recommend(user, 10);
  renderScored($.recs, top, (id) => void explainItem(user, id));
  // For bench/demo.mjs: time from navigation to the first recommendations on screen.
  if (performance.getEntriesByName('first-recommendations').length === 0) performance.mark('first-recommendations');
  $.explain.replaceChildren();
}

function renderScored(list: HTMLElement, top: ScoredItem[], onSelect?: (id: string) => void): void {
  const max = Math.max(...top.map((t) => Math.abs(t.score)), 1e-12);
  fill(list, top.map((t) => {
    const li = itemRow(t.id, t.score, max);
    if (onSelect) {
      li.tabIndex = 0;
      li.setAttribute('role', 'button');
      li.addEventListener('click', () => onSelect(String(t.id)));
      li.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onSelect(String(t.id))));
    }
    return li;
  }), 'No recommendations.');
}

async function explainItem(user: string, item: string): Promise<void> {
  const x = await state.rec.explain(user, item, { topN: 5 });
  const parts = x.contributions.filter((c) => c.contribution > 0);
  $.explain.replaceChildren(
    el('h3', null, `Why “${title(item)}” (score ${fmt(x.score, 3)})`),
    el('p', null, parts.length ? 'Because you liked:' : 'No single item in the history explains this score.'),
    el('ol', { class: 'items' }, ...x.contributions.map((c) => itemRow(String(c.item), c.contribution, Math.abs(x.contributions[0]?.contribution ?? 1)))),
    el('p', { class: 'hint' }, `Contributions c·yᵢᵀWʸⱼ add up to the score${x.rest ? `; the rest of the history adds ${fmt(x.rest, 3)}` : ''}${x.baseline ? `; baseline ${fmt(x.baseline, 3)}` : ''}.`),
    ...(x.byFeatures ? [becauseOf(x.byFeatures)] : []),
  );
}

/** The item side of a score: its features' shares ("because of genre=Thriller") and its viewers'. */
function becauseOf(b: NonNullable<Awaited<ReturnType<Recommender['explain']>>['byFeatures']>): HTMLElement {
  const parts = b.features.filter((c) => c.contribution > 0).map((c) => `${c.feature} (+${fmt(c.contribution, 2)})`);
  return el('p', { class: 'because' }, parts.length ? `From the film's side: because of ${parts.join(', ')}` : 'From the film\'s side: no feature raises this score', b.interactions ? `; people who watched it add ${fmt(b.interactions, 2)}.` : ' (nobody has watched it yet: its features are all the model knows).');
}

$.user.addEventListener('change', () => void showUser($.user.value.trim()));
$.randomUser.addEventListener('click', () => {
  const m = state.model;
  if (m && m.userIds.length) void showUser(m.userIds[Math.floor(Math.random() * m.userIds.length)]);
});

// ---------- 4 · items ----------

async function showItem(item: string | undefined): Promise<void> {
  if (!state.model || item === undefined) return;
  $.item.value = item;
  try {
    const at = state.model.itemIds.indexOf(item);
    const sims = await state.rec.similarItems(at >= 0 ? state.model.items[at] : isNaN(Number(item)) ? item : Number(item), 10);
    renderScored($.similar, sims, (id) => void showItem(id));
  } catch (e) {
    fill($.similar, [], (e as Error).message);
  }
}
$.item.addEventListener('change', () => void showItem($.item.value.trim()));

// ---------- 5 · you ----------

function renderPicks(): void {
  const m = state.model;
  if (!m) return;
  const q = $.meSearch.value.trim().toLowerCase();
  const ids = q
    ? m.itemIds.filter((id) => `${title(id)} ${state.items.get(id)?.genre ?? ''} ${id}`.toLowerCase().includes(q)).slice(0, 40)
    : popularItems(30);
  $.meItems.replaceChildren(
    ...ids.map((id) => {
      const info = state.items.get(id);
      const b = el('button', { class: 'pick', attrs: { type: 'button', 'aria-pressed': String(state.myPicks.has(id)), 'data-id': id }, vars: { '--c': genreColour(info?.genre ?? '', state.genres) } }, info?.title ?? id);
      b.title = info?.genre ?? '';
      // Kept in the model: a pick is an interaction now (an update adds, it cannot take back).
      if (state.me && state.myPicks.has(id)) b.disabled = true;
      b.addEventListener('click', () => {
        const value = m.feedback === 'explicit' ? 5 : 1;
        if (state.me) {
          state.myPicks.set(id, value);
          b.setAttribute('aria-pressed', 'true');
          b.disabled = true;
          void keepMe([{ item: id, value }]);
          return;
        }
        if (state.myPicks.has(id)) state.myPicks.delete(id);
        else state.myPicks.set(id, value);
        b.setAttribute('aria-pressed', String(state.myPicks.has(id)));
        void updateMe();
      });
      return b;
    }),
  );
}

/**
 * Adds "you" to the model (the first time, with every pick) or your new picks (afterwards) by an
 * incremental update in the worker: only you and the picked items are re-solved.
 */
async function keepMe(picks = [...state.myPicks].map(([item, value]) => ({ item, value }))): Promise<void> {
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
    await modelChanged();
  } catch (e) {
    $.meStats.textContent = `Could not update the model: ${(e as Error).message}`;
  } finally {
    $.meAdd.disabled = false;
  }
}

async function updateMe(): Promise<void> {
  if (!state.model) return;
  // A retrained or loaded model does not know "you" any more: back to fold-in.
  if (state.me && !state.model.userIds.includes(state.me.id)) state.me = null;
  $.meAdd.textContent = state.me ? `You are “${state.me.id}” in the model` : 'Add me to the model';
  $.meAdd.disabled = state.me !== null;
  if (state.me) {
    const top = await state.rec.recommend(state.me.id, 10);
    $.meStats.textContent = `${state.myPicks.size} ratings kept as user “${state.me.id}” · ${state.me.last} · top 10 for a known user.`;
    renderScored($.meRecs, top);
    return;
  }
  const history = [...state.myPicks].map(([item, value]) => ({ item, value }));
  if (history.length === 0) {
    $.meStats.textContent = 'Pick an item or two.';
    fill($.meRecs, [], 'Your recommendations appear here.');
    return;
  }
  const t0 = performance.now();
  const top = await state.rec.recommendForNewUser(history, 10);
  const ms = performance.now() - t0;
  const unknown = top.unknownItems.length ? ` · ${top.unknownItems.length} not in this model` : '';
  const how = top.fallback === 'popular' ? 'no pick is in this model: the most popular items' : `fold-in + top 10 over ${state.model.itemIds.length} items`;
  $.meStats.textContent = `${history.length} pick${history.length > 1 ? 's' : ''}${unknown} · ${how}: ${fmt(ms, 2)} ms (round trip to the worker).`;
  renderScored($.meRecs, top);
}

$.meSearch.addEventListener('input', renderPicks);
$.meAdd.addEventListener('click', () => void keepMe());
$.meClear.addEventListener('click', () => {
  // "You" stay in the model as a user (section 3); new picks are folded in again.
  state.me = null;
  state.myPicks.clear();
  renderPicks();
  void updateMe();
});

// ---------- 6 · keep the model ----------

async function modelAction(label: string, action: () => Promise<string>): Promise<void> {
  showError($.modelError, null);
  $.modelStatus.textContent = `${label}…`;
  try {
    $.modelStatus.textContent = await action();
  } catch (e) {
    $.modelStatus.textContent = '';
    showError($.modelError, isAlsError(e) || e instanceof Error ? e : String(e));
  }
}

$.saveIdb.addEventListener('click', () =>
  modelAction('Saving', async () => {
    const bytes = await saveToIndexedDB(state.rec, $.modelName.value);
    return `Saved “${$.modelName.value}” in this browser's IndexedDB (${fmt(bytes / 1024, 3)} KiB).`;
  }),
);
$.loadIdb.addEventListener('click', () =>
  modelAction('Loading', async () => {
    await loadFromIndexedDB(state.rec, $.modelName.value);
    await modelChanged();
    return `Loaded “${$.modelName.value}” from IndexedDB.`;
  }),
);
$.download.addEventListener('click', () =>
  modelAction('Preparing', async () => {
    const bytes = await state.rec.save();
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
    const a = el('a', { attrs: { href: url, download: `${$.modelName.value || 'model'}.als` } });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return `Downloaded ${fmt(bytes.byteLength / 1024, 3)} KiB.`;
  }),
);
$.modelFile.addEventListener('change', () => {
  const f = $.modelFile.files?.[0];
  $.modelFile.value = '';
  if (f)
    void modelAction('Loading', async () => {
      await state.rec.loadModel(new Uint8Array(await f.arrayBuffer()));
      await modelChanged();
      return `Loaded ${f.name}.`;
    });
});
$.factorsFile.addEventListener('change', () => {
  const f = $.factorsFile.files?.[0];
  $.factorsFile.value = '';
  if (f)
    void modelAction('Importing', async () => {
      const info = await state.rec.importFactors(new Uint8Array(await f.arrayBuffer()));
      await modelChanged();
      return `Imported ${info?.items} item factors (f = ${info?.factors}) from ${f.name}: similar items and fold-in work on them.`;
    });
});

// ---------- start: the built-in dataset, trained at once ----------

void showEnvironment(); // in parallel: the worker answers in order anyway
// Default to one worker per core (parallel sweeps on a shared memory when the page is
// cross-origin isolated), so the first run also loads the pool while the page opens.
{
  const select = $.trainForm.elements.namedItem('workers') as HTMLSelectElement;
  const cores = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
  const best = [...select.options].map((o) => Number(o.value)).filter((w) => w <= cores).pop() ?? 1;
  select.value = String(best);
}
if (await useBuiltin('events')) await trainNow(true);
document.body.dataset.ready = 'true';
