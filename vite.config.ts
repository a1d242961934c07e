/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { playwright } from '@vitest/browser-playwright';
import { skipNotice, findChromium } from './test/helpers/browser.js';

/**
 * A Chromium-family browser found on this machine (CHROMIUM_PATH, PATH, Playwright's cache, the
 * usual paths). None: the browser project is left out with one line saying how to enable it —
 * unless ALS_REQUIRE_BROWSER=1 (CI), where that is a failure.
 */
const browser = findChromium();
if (browser.path === null) {
  if (process.env.ALS_REQUIRE_BROWSER === '1') throw new Error(`ALS_REQUIRE_BROWSER=1 but ${browser.reason}: install Chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  // Vitest may load this file more than once (e.g. in its workers): say it once per run.
  if (!process.env.ALS_BROWSER_NOTICE_SHOWN) console.warn(skipNotice(browser));
  process.env.ALS_BROWSER_NOTICE_SHOWN = '1';
}

/** Flags for headless Chromium (Playwright's own browser download does not work here). */
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Cross-origin isolation, so the demo page may use SharedArrayBuffer (parallel sweeps). */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: '.',
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  test: {
    // The JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-output/results.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/fixtures/**', '**/node_modules/**'],
          pool: 'forks',
          // Node 20 ships relaxed SIMD behind a flag; the flag is rejected in NODE_OPTIONS.
          execArgv: ['--experimental-wasm-relaxed-simd'],
          testTimeout: 60_000,
        },
      },
      ...(browser.path === null ? [] : [{
        extends: true as const,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          // Every WebAssembly.Memory reserves ~10 GiB of address space, and one renderer holds
          // all the tabs' workers: after many recommenders, a new one can fail to reserve until
          // the released ones are collected (seen once in 9 full runs, as "could not allocate
          // memory"). One retry, after that collection, tells this from a real failure.
          retry: 1,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' as const }],
            provider: playwright({
              launchOptions: { executablePath: browser.path, args: chromiumArgs },
            }),
          },
        },
      }]),
    ],
  },
});
