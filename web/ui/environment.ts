/** The "environment" facts at the top of the page: where the engine runs, its kernels, the model's size. */
import { el } from './dom.js';
import type { Page } from './page.js';

/** Asks the worker what it runs on and lists it in the page's `#env` definition list. */
export async function showEnvironment(page: Page): Promise<void> {
  const info = await page.state.rec.info();
  const facts: [string, string][] = [
    ['engine', info.environment.worker ? 'Web Worker' : 'this thread'],
    ['kernels', info.model?.kernels ?? info.kernelsAvailable[0]],
    ['cross-origin isolated', String(info.environment.crossOriginIsolated)],
    ['model', info.model ? `${info.model.users} users × ${info.model.items} items, f = ${info.model.factors}` : 'none yet'],
  ];
  page.$.env.replaceChildren(...facts.flatMap(([k, v]) => [el('dt', null, k), el('dd', null, v)]));
}
