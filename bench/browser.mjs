// Runs bench/browser/index.html in headless Chromium (Debian's) against a Vite dev server and
// returns its results. Standalone: node bench/browser.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

/** @returns {Promise<Record<string, number | string>>} */
export async function benchBrowser() {
  const server = await createServer({ root, configFile: join(root, 'vite.config.ts'), server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  await server.listen();
  const url = `${server.resolvedUrls.local[0]}bench/browser/index.html`;
  const profile = mkdtempSync(join(tmpdir(), 'als-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 600_000 });
    const results = await page.evaluate(() => window.__results);
    if (results.error) throw new Error(results.error);
    return results;
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(await benchBrowser());
