/**
 * The demo page speaks in names (issue 27), end to end in headless Chromium with the real
 * MovieLens-100K files (u.data, u.item, u.user; skipped with a notice when they are absent):
 * titles before and after save → reload → load, the data summary, legend, feedback and name
 * restored from the model, a titles file in the ratings picker, a typed title for similar items,
 * fans with their attributes, real user counts in the progress, no sideways scroll at 390 px.
 * Screenshots go to test-output/screenshots/ (and to SHOTS_DIR when set).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBrowser } from '../helpers/browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ml = join(root, '../shared/data/ml-100k');
const present = existsSync(join(ml, 'u.data')) && existsSync(join(ml, 'u.item')) && existsSync(join(ml, 'u.user'));
if (!present) console.warn('notice: ../shared/data/ml-100k (u.data, u.item, u.user) is absent — the demo names end-to-end test is skipped');
const chromiumPath = testBrowser();
const shots = [join(root, 'test-output/screenshots'), ...(process.env.SHOTS_DIR ? [process.env.SHOTS_DIR] : [])];
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server: PreviewServer;
let context: BrowserContext;
let outDir: string;
let profile: string;

async function openReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
}

async function waitText(page: Page, selector: string, text: string | RegExp, timeout = 90_000): Promise<void> {
  const source = typeof text === 'string' ? text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : text.source;
  await page.waitForFunction(([sel, re]) => new RegExp(re).test(document.querySelector(sel)?.textContent ?? ''), [selector, source] as const, { timeout });
}

async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  for (const dir of shots) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, name), fullPage });
  }
}

/** The titles of the top-10 list of user 196. */
async function recsOf196(page: Page): Promise<string[]> {
  await page.evaluate(() => document.getElementById('recs')!.replaceChildren());
  await page.fill('#user', '196');
  await page.dispatchEvent('#user', 'change');
  await page.waitForFunction(() => document.querySelectorAll('#recs li[data-id]').length === 10, null, { timeout: 30_000 });
  return page.locator('#recs li .title').allTextContents();
}

const run = present && chromiumPath;

beforeAll(async () => {
  if (!run) return;
  outDir = mkdtempSync(join(tmpdir(), 'als-names-build-'));
  await build({ configFile: join(root, 'vite.web.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'error' });
  server = await preview({ configFile: join(root, 'vite.web.config.ts'), build: { outDir }, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  profile = mkdtempSync(join(tmpdir(), 'als-names-profile-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath!, headless: true, args, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  for (const d of [outDir, profile]) if (d) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!run)('the demo with the real MovieLens-100K files', () => {
  it('shows titles before and after save → reload → load, and the page state comes back from the model', async () => {
    const url = server.resolvedUrls!.local[0];
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await openReady(page, url);
    await page.uncheck('#train-form [name=holdout]');
    await page.fill('#train-form [name=iterations]', '5');

    // u.item in the ratings picker: where it goes, not a parse error with library advice.
    await page.setInputFiles('#file', join(ml, 'u.item'));
    await waitText(page, '#data-error', 'this looks like a titles file (u.item) — drop it in the titles picker');
    expect(await page.textContent('#data-error')).not.toMatch(/onBadRow|timestamp/);
    expect(await page.getAttribute('#titles-file', 'accept')).toMatch(/\.item.*\.user|\.user.*\.item/);

    // The progress label, every value it takes while training: real users (943), features apart.
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { halfLabels: string[] }).halfLabels = []);
      new MutationObserver(() => seen.push(document.getElementById('half-label')!.textContent!)).observe(document.getElementById('half-label')!, { childList: true, characterData: true, subtree: true });
      // Runs finished: each "Trained …" summary counts one (a later run's wait must not match an earlier summary).
      const w = window as unknown as { trained: number };
      w.trained = 0;
      new MutationObserver(() => void (/^Trained /.test(document.getElementById('train-stats')!.textContent!) && w.trained++)).observe(document.getElementById('train-stats')!, { childList: true, characterData: true, subtree: true });
    });
    const trainedRuns = (n: number) => page.waitForFunction((k) => (window as unknown as { trained: number }).trained >= k, n, { timeout: 180_000 });
    await page.setInputFiles('#file', join(ml, 'u.data'));
    await trainedRuns(1);
    await waitText(page, '#train-stats', 'Trained 943 users × 1682 items');
    expect(await page.inputValue('#model-name')).toBe('u-data');
    await page.setInputFiles('#titles-file', join(ml, 'u.item'));
    await waitText(page, '#data-summary', 'Titles: 1,682 from u.item, with genres');
    await trainedRuns(2); // the genres are learned with the ratings: a second run
    await page.waitForFunction(() => document.querySelectorAll('#new-film-genres input[name=feature]').length === 19, null, { timeout: 120_000 });
    await page.setInputFiles('#titles-file', join(ml, 'u.user'));
    await waitText(page, '#data-summary', 'User attributes: 943 users from u.user');
    await trainedRuns(3); // and the attributes: a third
    await waitText(page, '#train-stats', /^Trained 943 users × 1682 items/);
    const labels = await page.evaluate(() => (window as unknown as { halfLabels: string[] }).halfLabels);
    expect(labels.some((l) => /^users \d+\/943\b/.test(l))).toBe(true);
    expect(labels.filter((l) => /\/962\b/.test(l))).toEqual([]);

    // The legend lists every genre of u.item (19); films with several genres show them all on hover.
    expect(await page.locator('#legend li').count()).toBe(19);
    const before = await recsOf196(page);
    expect(before).toHaveLength(10);
    for (const t of before) expect(t).toMatch(/\(\d{4}\)$/);

    // A typed title finds its item (case-insensitively), and the similar items are titled.
    await page.fill('#item', 'star wars (1977)');
    await page.dispatchEvent('#item', 'change');
    await waitText(page, '#similar', 'Return of the Jedi (1983)');
    expect(await page.inputValue('#item')).toBe('Star Wars (1977)');
    expect(await page.locator('#item-list option[value="Star Wars (1977)"]').count()).toBe(1);

    // A new film's likeliest fans, with their u.user attributes.
    await page.fill('#new-film-title', 'Space Opera');
    await page.check('#new-film-genres input[value="genre=Sci-Fi"]');
    await page.click('#new-film-add');
    await page.waitForFunction(() => document.querySelectorAll('#new-film-fans li').length === 5, null, { timeout: 60_000 });
    for (const f of await page.locator('#new-film-fans li .title').allTextContents()) expect(f).toMatch(/^\d+ — (under 18|\d\d-\d\d|56\+) · [MF] · [a-z]+/);
    await shot(page, 'demo-movielens-1280.png');

    // Keep it in this browser, then a fresh page (which opens on the built-in film club) loads it back.
    await page.click('#save-idb');
    await waitText(page, '#model-status', 'Saved “u-data”');
    await page.close();

    const fresh = await context.newPage();
    fresh.on('pageerror', (e) => errors.push(String(e)));
    await openReady(fresh, url);
    expect(await fresh.inputValue('#model-name')).toBe('film-club');
    await fresh.fill('#model-name', 'u-data');
    await fresh.click('#load-idb');
    await waitText(fresh, '#model-status', 'Loaded “u-data”');
    await waitText(fresh, '#data-summary', /u\.data — 943 users, 1,683 items, 100,000 interactions, explicit feedback; titles from u\.item, user attributes from u\.user/);
    expect(await fresh.inputValue('#train-form [name=feedback]')).toBe('explicit');
    expect(await fresh.inputValue('#model-name')).toBe('u-data');
    expect(await fresh.locator('#legend li').count()).toBe(19);
    expect(await fresh.locator('#legend li').allTextContents()).toContain('Film-Noir');
    const after = await recsOf196(fresh);
    expect(after).toEqual(before);
    await fresh.fill('#item', 'space opera');
    await fresh.dispatchEvent('#item', 'change');
    await waitText(fresh, '#similar li .title', /\(\d{4}\)/);
    expect(await fresh.inputValue('#item')).toBe('Space Opera');
    // The download is named after the data.
    const [download] = await Promise.all([fresh.waitForEvent('download'), fresh.click('#download')]);
    expect(download.suggestedFilename()).toBe('u-data.als');
    await shot(fresh, 'demo-movielens-after-load-1280.png');

    // A phone's width: nothing scrolls sideways.
    await fresh.setViewportSize({ width: 390, height: 844 });
    await fresh.waitForTimeout(300);
    expect(await fresh.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(fresh, 'demo-movielens-390.png');
    expect(errors).toEqual([]);
    await fresh.close();
  }, 600_000);
});
