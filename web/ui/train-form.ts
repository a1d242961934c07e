/**
 * The training form (section 2): reads its fields into the options of `train`, sets a field
 * when loaded data decides it, and picks the default worker count as the page opens. Training,
 * tuning and cross-validation all start from these options.
 */
import type { FeatureRecord } from '../../src/index.js';
import type { PageState } from './page.js';

/** The form's options for `train`, plus `holdout` and `useFeatures` (the page's own boxes). */
export function readTrainForm(trainForm: HTMLFormElement): Record<string, unknown> {
  const f = new FormData(trainForm);
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
export function featureOptions(state: PageState, use: unknown): { itemFeatures?: FeatureRecord[]; userFeatures?: FeatureRecord[] } {
  if (!use) return {};
  return { ...(state.itemFeatures ? { itemFeatures: state.itemFeatures } : {}), ...(state.userFeatures ? { userFeatures: state.userFeatures } : {}) };
}

/** The λ field: a number, or undefined for the library's default (blank or "auto"). */
function regularizationField(f: FormData): number | undefined {
  const raw = String(f.get('regularization') ?? '').trim();
  return raw === '' || raw === 'auto' ? undefined : Number(raw);
}

/** Sets one field of the form by name (e.g. `feedback` when the loaded data decides it). */
export function setField(trainForm: HTMLFormElement, name: string, value: string): void {
  const f = trainForm.elements.namedItem(name) as HTMLSelectElement | HTMLInputElement;
  f.value = value;
}

/**
 * Defaults to one worker per core (parallel sweeps on a shared memory when the page is
 * cross-origin isolated), so the first run also loads the pool while the page opens.
 */
export function chooseDefaultWorkers(trainForm: HTMLFormElement): void {
  const select = trainForm.elements.namedItem('workers') as HTMLSelectElement;
  const cores = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
  const best = [...select.options].map((o) => Number(o.value)).filter((w) => w <= cores).pop() ?? 1;
  select.value = String(best);
}
