/**
 * The demo page end to end in headless Debian Chromium: the static build (vite build +
 * preview, as any static host would serve it) and the dev server. Screenshots go to
 * test-output/screenshots/. Needs build/*.wasm (`npm run build:wasm`, part of `npm test`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { build, createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBrowser } from '../helpers/browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const configFile = join(root, 'vite.web.config.ts');
const shots = join(root, 'test-output/screenshots');
const outDir = mkdtempSync(join(tmpdir(), 'als-demo-build-'));
// Skipped (vite.config.ts prints the one line why) when no Chromium-family browser is found.
const chromiumPath = testBrowser();
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server: PreviewServer;
let context: BrowserContext;
let profile: string;

/** Waits until the page has trained on the built-in data and shows recommendations. */
async function openReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
}

/** Waits until the element's text contains `text` (Playwright's own matchers are not in vitest). */
async function waitText(page: Page, selector: string, text: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(([sel, t]) => document.querySelector(sel)?.textContent?.includes(t) ?? false, [selector, text] as const, { timeout });
}

/** Waits until exactly `n` elements match. */
async function waitCount(page: Page, selector: string, n: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(([sel, k]) => document.querySelectorAll(sel).length === k, [selector, n] as const, { timeout });
}

/** Every request that would leave the renderer (blob: and data: URLs are local). */
function watchNetwork(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    if (!/^(blob|data):/.test(r.url())) seen.push(r);
  });
  return seen;
}

async function csp(page: Page): Promise<{ executed: boolean; violations: string[] }> {
  return page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    const img = document.createElement('img');
    img.setAttribute('src', 'x:');
    img.setAttribute('onerror', 'window.__inlineRan = true');
    document.body.append(img);
    await new Promise((r) => setTimeout(r, 200));
    img.remove();
    return { executed: (window as { __inlineRan?: boolean }).__inlineRan === true, violations };
  });
}

beforeAll(async () => {
  if (!chromiumPath) return;
  expect(existsSync(join(root, 'build/als-relaxed.wasm')), 'run `npm run build:wasm` first').toBe(true);
  mkdirSync(shots, { recursive: true });
  await build({ configFile, build: { outDir, emptyOutDir: true }, logLevel: 'error' });
  server = await preview({ configFile, build: { outDir }, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  profile = mkdtempSync(join(tmpdir(), 'als-demo-profile-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath!, headless: true, args, viewport: { width: 1280, height: 900 } });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (server) await new Promise<void>((r) => server.httpServer.close(() => r()));
  if (profile) rmSync(profile, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

describe.skipIf(!chromiumPath)('the demo page (static build)', () => {
  it('trains on the built-in data at once, then trains, explains, cancels, folds in a new user, cross-validates and tunes without a single network request', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const url = server.resolvedUrls!.local[0];
    await openReady(page, url);
    await waitCount(page, '#recs li[data-id]', 10);
    await page.waitForSelector('#chart[data-loss-points="12"][data-metric-points="0"]');
    expect(await page.locator('#history li[data-id]').count()).toBeGreaterThan(5);
    const env = await page.textContent('#env');
    expect(env).toContain('Web Worker');
    expect(env).toMatch(/cross-origin isolated\s*true/);
    // Planted taste: most of user1's top 10 are in their two genres.
    const taste = (await page.textContent('#user-taste'))!;
    const [g1, g2] = /: (.+) and (.+) —/.exec(taste)!.slice(1);
    const genres = await page.locator('#recs li .genre').allTextContents();
    expect(genres.filter((g) => g === g1 || g === g2).length).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: join(shots, 'demo-opened.png'), fullPage: true });

    // From here on, nothing may touch the network.
    const requests = watchNetwork(page);

    // Train again with other options: the chart gets a loss and a held-out metric per iteration.
    await page.fill('#train-form [name=factors]', '12');
    await page.fill('#train-form [name=iterations]', '6');
    await page.click('#train');
    await page.waitForFunction(() => /Trained .* f = 12, 6 iterations/.test(document.getElementById('train-stats')!.textContent!), null, { timeout: 60_000 });
    expect(await page.textContent('#train-stats')).toMatch(/GFLOP\/s/);
    await waitText(page, '#env', 'f = 12');
    // One loss and one held-out NDCG point per iteration (the first run on open skips the held-out part).
    await page.waitForSelector('#chart[data-loss-points="6"][data-metric-points="6"]');

    // Explain a recommendation.
    await page.locator('#recs li[data-id]').first().click();
    await waitText(page, '#explain', 'Because you liked');
    expect(await page.locator('#explain li[data-id]').count()).toBeGreaterThan(0);

    // Similar items and the map: keyboard on the canvas shows a title.
    await page.focus('#map');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#map-tip', { state: 'visible' });
    await page.keyboard.press('Enter');
    await waitCount(page, '#similar li[data-id]', 10);

    // Cancel a long run: the previous model (f = 12) keeps serving.
    await page.fill('#train-form [name=factors]', '48');
    await page.fill('#train-form [name=iterations]', '500');
    await page.click('#train');
    await page.waitForFunction(() => (document.getElementById('run-progress') as HTMLProgressElement).value > 0, null, { timeout: 30_000 });
    await page.click('#cancel');
    await waitText(page, '#train-stats', 'Cancelled', 30_000);
    await page.waitForSelector('#train:not([disabled])');
    expect(await page.textContent('#env')).toContain('f = 12');
    await page.screenshot({ path: join(shots, 'demo-cancelled.png'), fullPage: true });

    // You as a new user: three Horror films → mostly Horror recommended, with the fold-in time.
    await page.fill('#me-search', 'Horror');
    const picks = page.locator('#me-items button.pick');
    for (let k = 0; k < 3; k++) await picks.nth(k).click();
    await waitText(page, '#me-stats', '3 picks');
    await waitText(page, '#me-stats', ' ms');
    await waitCount(page, '#me-recs li[data-id]', 10);
    const mine = await page.locator('#me-recs li .genre').allTextContents();
    expect(mine.filter((g) => g === 'Horror').length).toBeGreaterThanOrEqual(6);
    await page.locator('#me-card').screenshot({ path: join(shots, 'demo-new-user.png') });

    // Add me to the model: an incremental update keeps "you" as a real user; a later pick updates it again.
    const usersBefore = Number(/(\d+) users ×/.exec((await page.textContent('#env'))!)![1]);
    await page.click('#me-add');
    await waitText(page, '#me-stats', '3 ratings kept as user “you”');
    await waitText(page, '#me-stats', '1 user and 3 items re-solved');
    await waitText(page, '#env', `${usersBefore + 1} users ×`);
    await waitCount(page, '#me-recs li[data-id]', 10);
    expect(await page.locator('#me-items button.pick[disabled]').count()).toBe(3);
    const picked = await page.locator('#me-items button.pick[aria-pressed=true]').allTextContents();
    expect((await page.locator('#me-recs li .title').allTextContents()).some((t) => picked.includes(t))).toBe(false); // seen items stay out
    await page.locator('#me-items button.pick:not([disabled])').first().click();
    await waitText(page, '#me-stats', '4 ratings kept as user “you”');
    await waitText(page, '#me-stats', '1 user and 1 item re-solved');
    const kept = await page.locator('#me-recs li .genre').allTextContents();
    expect(kept.filter((g) => g === 'Horror').length).toBeGreaterThanOrEqual(5);
    expect(await page.textContent('#env')).toContain(`${usersBefore + 1} users ×`);
    await page.locator('#me-card').screenshot({ path: join(shots, 'demo-kept-user.png') });

    // Cross-validation from the page.
    await page.click('#cv summary');
    await page.fill('#cv-form [name=factors]', '4, 8');
    await page.fill('#cv-form [name=regularization]', '0.1');
    await page.fill('#cv-form [name=alpha]', '10');
    await page.fill('#cv-form [name=iterations]', '3');
    await page.click('#cv-run');
    await waitText(page, '#cv-status', 'Best:', 60_000);
    await waitCount(page, '#cv-table tbody tr', 3); // the two grid points and the defaults' reference trial
    await waitCount(page, '#cv-table tr.best', 1);
    await page.locator('#train-card').screenshot({ path: join(shots, 'demo-train-cv.png') });

    // Tune automatically: each run of the search appears as it finishes, then the refit serves.
    await page.click('#tune-run');
    await page.waitForFunction(() => document.querySelectorAll('#tune-table tbody tr').length >= 2, null, { timeout: 60_000 });
    await waitText(page, '#tune-status', 'Tuned in', 90_000);
    const runs = await page.locator('#tune-table tbody tr').count();
    expect(runs).toBeGreaterThanOrEqual(5);
    await waitCount(page, '#tune-table tr.best', 1);
    expect(await page.textContent('#tune-status')).toMatch(/now serving/);
    // The form shows what tuning chose (pressing Train again trains with it), the chart the refit run.
    const status = (await page.textContent('#tune-status'))!;
    const chosenFactors = /factors = (\d+)/.exec(status)![1];
    expect(await page.inputValue('#train-form [name=factors]')).toBe(chosenFactors);
    expect(await page.getAttribute('#train-form [name=factors]', 'data-tuned')).toBe('true');
    expect(await page.getAttribute('#train-form [name=iterations]', 'data-tuned')).toBe('true');
    expect(Number(await page.inputValue('#train-form [name=regularization]'))).toBeGreaterThan(0);
    expect(Number(await page.getAttribute('#chart', 'data-loss-points'))).toBe(Number(await page.inputValue('#train-form [name=iterations]')));
    await page.waitForSelector('#train:not([disabled])');
    await waitCount(page, '#recs li[data-id]', 10);
    await page.locator('#train-card').screenshot({ path: join(shots, 'demo-tune.png') });

    expect(requests.map((r) => r.url())).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('saves the model in IndexedDB and loads it in a fresh page; downloads and re-loads a model file; imports item factors', async () => {
    const url = server.resolvedUrls!.local[0];
    const page = await context.newPage();
    await openReady(page, url);
    await page.fill('#train-form [name=factors]', '7');
    await page.fill('#train-form [name=iterations]', '3');
    await page.click('#train');
    await waitText(page, '#env', 'f = 7', 60_000);
    const before = await page.locator('#recs li[data-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    await page.click('#save-idb');
    await waitText(page, '#model-status', 'Saved');
    const download = page.waitForEvent('download');
    await page.click('#download');
    const file = await (await download).path();
    await page.close();

    const fresh = await context.newPage();
    await openReady(fresh, url); // trains its own f = 32 model first
    await waitText(fresh, '#env', 'f = 32');
    await fresh.click('#load-idb');
    await waitText(fresh, '#model-status', 'Loaded');
    await waitText(fresh, '#env', 'f = 7');
    const after = await fresh.locator('#recs li[data-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(after).toEqual(before);

    // A model file: the downloaded one loads; a corrupt one is refused with a message.
    await fresh.setInputFiles('#model-file', file);
    await waitText(fresh, '#model-status', 'Loaded');
    await fresh.setInputFiles('#model-file', { name: 'broken.als', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model at all') });
    await fresh.waitForSelector('#model-error', { state: 'visible' });
    await waitText(fresh, '#model-error', 'BAD_MODEL_FILE');
    await waitText(fresh, '#env', 'f = 7');

    // Item factors trained elsewhere (Spark-style JSON lines): a genre one-hot per film, so
    // similar items and fold-in must stay within the genre; the model has no users.
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: `m${i + 1}`, features: Array.from({ length: 10 }, (_, g) => (g === i % 10 ? 1 : 0) + 0.01 * (((i * 7 + g * 3) % 5) - 2)) }));
    await fresh.setInputFiles('#factors-file', { name: 'itemFactors.json', mimeType: 'application/json', buffer: Buffer.from(lines.join('\n')) });
    await waitText(fresh, '#model-status', 'Imported 300 item factors');
    await waitText(fresh, '#env', '0 users × 300 items, f = 10');
    await waitText(fresh, '#history', 'no users');
    await fresh.fill('#item', 'm1');
    await fresh.dispatchEvent('#item', 'change');
    await waitCount(fresh, '#similar li[data-id]', 10);
    // The list of the model before the import may still show for a moment: wait for the new one.
    await expect.poll(async () => new Set(await fresh.locator('#similar li .genre').allTextContents()), { timeout: 15_000 }).toEqual(new Set(['Sci-Fi']));
    await fresh.fill('#me-search', 'Comedy');
    await fresh.locator('#me-items button.pick').first().click();
    await waitCount(fresh, '#me-recs li[data-id]', 10);
    expect(new Set(await fresh.locator('#me-recs li .genre').allTextContents())).toEqual(new Set(['Comedy']));
    await fresh.close();
  });

  it('adds a new film by its genres: who would like it, and why; recommendations explain the film side by its genres', async () => {
    const page = await context.newPage();
    await openReady(page, server.resolvedUrls!.local[0]);
    const requests = watchNetwork(page);
    await waitCount(page, '#new-film-genres input[name=feature]', 10);
    await page.fill('#new-film-title', 'Night Train');
    await page.check('#new-film-genres input[value="genre=Thriller"]');
    await page.click('#new-film-add');
    await waitText(page, '#new-film-status', 'Added “Night Train” (Thriller) as item new-1');
    await waitCount(page, '#new-film-fans li', 5);
    const fans = await page.locator('#new-film-fans li').allTextContents();
    // The built-in club's planted tastes: the five users who would like it most love thrillers, because of its genre.
    for (const f of fans) expect(f).toMatch(/loves (Thriller and|.* and Thriller).*because of genre=Thriller/);
    // It is an item like any other now: similar items (shown at once), a title in the lists.
    expect(await page.inputValue('#item')).toBe('Night Train'); // the item field shows titles (it takes them too)
    const similarGenres = await page.locator('#similar li .genre').allTextContents();
    expect(similarGenres.filter((g) => g === 'Thriller').length).toBeGreaterThanOrEqual(7);
    // Explaining a recommendation shows the film side too.
    await page.locator('#recs li[data-id]').first().click();
    await waitText(page, '#explain', 'From the film');
    expect(await page.textContent('#explain')).toMatch(/because of genre=/);
    await page.locator('#new-film-card').screenshot({ path: join(shots, 'demo-new-film.png') });
    expect(requests.map((r) => r.url())).toEqual([]);

    // Saved, then loaded in a fresh page: the next film takes the next free id (new-1 is the model's).
    await page.click('#save-idb');
    await waitText(page, '#model-status', 'Saved');
    await page.close();
    const fresh = await context.newPage();
    await openReady(fresh, server.resolvedUrls!.local[0]);
    await fresh.click('#load-idb');
    await waitText(fresh, '#model-status', 'Loaded');
    await fresh.fill('#new-film-title', 'Night Bus');
    await fresh.check('#new-film-genres input[value="genre=Thriller"]');
    await fresh.click('#new-film-add');
    await waitText(fresh, '#new-film-status', 'Added “Night Bus” (Thriller) as item new-2');
    expect(await fresh.isVisible('#new-film-error')).toBe(false);
    await fresh.close();
  });

  it.skipIf(!existsSync(join(root, '../shared/data/ml-100k/u.item')))('takes MovieLens-100K u.data, then u.item as titles + genres, then u.user (dropped) as user attributes', async () => {
    const ml = join(root, '../shared/data/ml-100k');
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await openReady(page, server.resolvedUrls!.local[0]);
    await page.uncheck('#train-form [name=holdout]');
    await page.fill('#train-form [name=iterations]', '5');
    await page.setInputFiles('#file', join(ml, 'u.data'));
    await page.waitForFunction(() => /Trained 943 users × 1682 items/.test(document.getElementById('train-stats')!.textContent!), null, { timeout: 90_000 });
    await page.setInputFiles('#titles-file', join(ml, 'u.item'));
    await waitText(page, '#data-summary', 'Titles: 1,682 from u.item, with genres');
    expect(await page.isVisible('#data-error')).toBe(false);
    await page.waitForFunction(() => document.querySelectorAll('#new-film-genres input[name=feature]').length === 19, null, { timeout: 90_000 });
    // Titles, not bare numbers, in every list.
    const titles = await page.locator('#recs li .title').allTextContents();
    expect(titles.length).toBe(10);
    for (const t of titles) expect(t).toMatch(/\(\d{4}\)$|[A-Za-z]/);
    expect(titles.some((t) => /^\d+$/.test(t))).toBe(false);
    // u.user, dropped on the page (sniffed by content): user attributes, training again with them.
    const userText = readFileSync(join(ml, 'u.user'), 'latin1');
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'u.user'));
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, userText);
    await waitText(page, '#data-summary', 'User attributes: 943 users from u.user');
    await page.waitForFunction(() => /Trained 943 users × 1682 items/.test(document.getElementById('train-stats')!.textContent!), null, { timeout: 90_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('shows a CSV error on the page, renders titles and ids from files as text, and the CSP blocks inline script', async () => {
    const url = server.resolvedUrls!.local[0];
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    await openReady(page, url);

    await page.setInputFiles('#file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('user,item,rating\nu1,i1,5\nu1,i2,five\nu2,i1,3\n') });
    await page.waitForSelector('#data-error', { state: 'visible' });
    await waitText(page, '#data-error', 'line 3');
    await waitText(page, '#data-error', 'PARSE_ERROR');
    expect(await page.textContent('#data-summary')).toContain('previous dataset');

    // Hostile titles and ids: shown literally, nothing runs.
    const evil = '<img src=x onerror="window.__pwned=1;alert(1)">';
    const titles = `id,title,genres\ni1,"${evil.replace(/"/g, '""')}",Drama\ni2,<b>Bold</b>,Drama\ni3,Plain,Comedy\n`;
    await page.setInputFiles('#titles-file', { name: 'titles.csv', mimeType: 'text/csv', buffer: Buffer.from(titles) });
    const rows: string[] = ['user,item,rating'];
    for (let u = 0; u < 30; u++) for (const i of ['i1', 'i2', 'i3', `i${4 + (u % 5)}`]) rows.push(`${u === 0 ? '<script>u0</script>' : `u${u}`},${i},${1 + ((u + i.length) % 5)}`);
    await page.setInputFiles('#file', { name: 'ratings.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.waitForFunction(() => /Trained 30 users/.test(document.getElementById('train-stats')!.textContent!), null, { timeout: 60_000 });
    await page.fill('#item', 'i1');
    await page.dispatchEvent('#item', 'change');
    await page.fill('#me-search', 'img');
    await waitCount(page, '#me-items button.pick', 1);
    expect(await page.locator('#me-items button.pick').textContent()).toBe(evil);
    await page.fill('#user', '<script>u0</script>');
    await page.dispatchEvent('#user', 'change');
    // (with 20 % held out, u0's history and top-N together hold all four items)
    const shown = await page.locator('#user-card .title').allTextContents();
    expect(shown).toContain(evil);
    expect(shown).toContain('<b>Bold</b>');
    expect(await page.locator('main img, main b, main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.locator('#user-card').screenshot({ path: join(shots, 'demo-hostile-titles.png') });

    const policy = await csp(page);
    expect(policy.executed).toBe(false);
    expect(policy.violations).toContain('script-src-elem');
    await page.close();
  });
});

describe.skipIf(!chromiumPath)('the demo page (dev server)', () => {
  let dev: ViteDevServer;
  afterAll(async () => dev?.close());

  it('serves the page with COOP/COEP and the CSP; the worker and WebAssembly run; inline script is blocked', async () => {
    dev = await createServer({ configFile, server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
    await dev.listen();
    const url = dev.resolvedUrls!.local[0];
    const page = await context.newPage();
    const response = await page.goto(url);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("'wasm-unsafe-eval'");
    expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
    await waitCount(page, '#recs li[data-id]', 10);
    expect(await page.textContent('#env')).toMatch(/Web Worker[\s\S]*(relaxed|simd|scalar)[\s\S]*true/);
    const policy = await csp(page);
    expect(policy.executed).toBe(false);
    await page.close();
  });
});
