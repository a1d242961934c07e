// Runs bench/browser/index.html in headless Chromium (Debian's) against a Vite dev server and
// returns its results. Standalone: node bench/browser.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { sampleChromiumMemory } from './chromium-memory.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * @param {string} [page] - the page under bench/browser/, with its query
 * @param {{ memory?: boolean, timeoutMs?: number, log?: boolean }} [opts] - `memory`: sample the browser's process memory (/proc); `log`: echo the page's console
 * @returns {Promise<Record<string, number | string>>}
 */
export async function benchBrowser(page = 'index.html', opts = {}) {
  // No HMR and no file watching: an edit in the tree must not reload a 10-minute benchmark page.
  const server = await createServer({ root, configFile: join(root, 'vite.config.ts'), server: { port: 0, host: '127.0.0.1', hmr: false, watch: null }, logLevel: 'error' });
  await server.listen();
  const url = `${server.resolvedUrls.local[0]}bench/browser/${page}`;
  const profile = mkdtempSync(join(tmpdir(), 'als-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let memory = null;
  try {
    const tab = await context.newPage();
    if (opts.log) tab.on('console', (m) => process.stderr.write(`  [chromium] ${m.text()}\n`));
    memory = opts.memory ? sampleChromiumMemory(profile) : null;
    await tab.goto(url, { waitUntil: 'commit' }); // a long-running page never fires `load` within goto's timeout
    await tab.waitForFunction(() => window.__results !== undefined, null, { timeout: opts.timeoutMs ?? 600_000, polling: 1000 });
    const results = await tab.evaluate(() => window.__results);
    if (results.error) throw new Error(results.error);
    return memory ? { ...results, ...memory.stop() } : results;
  } finally {
    memory?.stop();
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(await benchBrowser());
