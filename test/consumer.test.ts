/**
 * A consumer app (test/fixtures/consumer) imports the built package by name, is bundled by
 * Vite with its defaults (no worker format: iife, which refuses top-level await), and runs in
 * headless Chromium: the worker is found, the .wasm files are emitted as assets and load,
 * recommendations come back, and the page's own bundle does not carry the engine. The
 * `als-wasm/in-thread` subpath resolves in the bundler and trains the same model on the page.
 * `npm test` builds dist/ first.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { describe, expect, it } from 'vitest';
import { testBrowser } from './helpers/browser.js';
import { sparkParquet } from './helpers/spark-parquet.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const app = join(root, 'test/fixtures/consumer');
// Skipped (vite.config.ts prints the one line why) when no Chromium-family browser is found.
const chromiumPath = testBrowser();
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

describe.skipIf(!chromiumPath)('a Vite consumer app that imports als-wasm by name', () => {
  it('bundles the worker and the .wasm assets, recommends in Chromium, and reloads the model from IndexedDB in a fresh page', async () => {
    expect(existsSync(join(root, 'dist/index.js')), 'run `npm run build` first').toBe(true);
    // "Install" the package the way npm link would.
    const link = join(app, 'node_modules/als-wasm');
    rmSync(join(app, 'node_modules'), { recursive: true, force: true });
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(root, link, 'dir');

    await build({ root: app, configFile: join(app, 'vite.config.ts'), logLevel: 'error' });
    const assets = readdirSync(join(app, 'dist/assets'));
    expect(assets.filter((f) => f.endsWith('.wasm')).length).toBe(6); // 3 builds, plain and shared-memory
    expect(assets.some((f) => /pool-worker/i.test(f) && f.endsWith('.js'))).toBe(true);
    expect(assets.some((f) => /worker/i.test(f) && f.endsWith('.js'))).toBe(true);
    // The page's own bundle (its entry and what that imports statically) holds the client only:
    // the engine is in the worker, and in a chunk only in-thread mode imports.
    const entry = /src="\/assets\/([^"]+\.js)"/.exec(readFileSync(join(app, 'dist/index.html'), 'utf8'))![1];
    const main = new Set<string>();
    const visit = (f: string) => {
      if (main.has(f)) return;
      main.add(f);
      for (const m of readFileSync(join(app, 'dist/assets', f), 'utf8').matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) visit(m[1]);
    };
    visit(entry);
    for (const f of main) expect(readFileSync(join(app, 'dist/assets', f), 'utf8'), f).not.toContain('solveImplicitRows');

    const server = await preview({ root: app, configFile: join(app, 'vite.config.ts'), preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
    const url = server.resolvedUrls!.local[0];
    const profile = mkdtempSync(join(tmpdir(), 'als-consumer-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath!,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const errors: string[] = [];
      const run = async (hash: string) => {
        const page = await context.newPage();
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(url + hash);
        await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'working…', null, { timeout: 60_000 });
        const result = JSON.parse((await page.textContent('#result'))!);
        await page.close();
        return result;
      };
      const saved = await run('#save');
      expect(errors).toEqual([]);
      expect(saved).toMatchObject({ ok: true, worker: true });
      // Served without COOP/COEP: no SharedArrayBuffer, so training runs on one thread and says why.
      expect(saved).toMatchObject({ isolated: false, workers: 1, workersUsed: [1] });
      expect(saved.workersNote).toMatch(/^1 — page not cross-origin isolated/);
      expect(saved.top).toHaveLength(3);
      expect(['relaxed', 'simd', 'scalar']).toContain(saved.kernels);
      // A fresh page: a new worker, the model only from IndexedDB.
      const loaded = await run('#load');
      expect(loaded).toMatchObject({ ok: true, worker: true });
      expect(loaded.top).toEqual(saved.top);
      // The in-thread subpath, resolved by the bundler through "exports": the same model on the page.
      const inThread = await run('#in-thread');
      expect(errors).toEqual([]);
      expect(inThread).toMatchObject({ ok: true, worker: true });
      expect(inThread.inThreadTop).toEqual(inThread.top);

      // Spark factors as Parquet: under the default (iife) worker format the worker bundle holds no
      // Parquet reader; a nested worker of its own decodes the file, fetched only now.
      const worker = assets.find((f) => /^worker-.*\.js$/.test(f))!;
      expect(readFileSync(join(app, 'dist/assets', worker), 'utf8')).not.toContain('parquet file is too short');
      expect(assets.some((f) => /^parquet-worker-.*\.js$/.test(f))).toBe(true);
      writeFileSync(join(app, 'dist/factors.parquet'), sparkFactorsParquet(20, 4));
      const parquet = await run('#parquet');
      expect(errors).toEqual([]);
      expect(parquet).toMatchObject({ ok: true, worker: true });
      expect(parquet.top).toHaveLength(3);

      // The same build served cross-origin isolated: the bundled pool worker runs, 2 workers = 1 worker.
      const isolatedServer = await preview({ root: app, configFile: join(app, 'vite.config.ts'), preview: { port: 0, host: '127.0.0.1', headers: isolation }, logLevel: 'error' });
      try {
        const page = await context.newPage();
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(isolatedServer.resolvedUrls!.local[0] + '#parallel');
        await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'working…', null, { timeout: 60_000 });
        const parallel = JSON.parse((await page.textContent('#result'))!);
        expect(errors).toEqual([]);
        expect(parallel).toMatchObject({ ok: true, worker: true, isolated: true, workersUsed: [1, 2], sameLoss: true });
        expect(parallel.workersNote).toBeUndefined();
      } finally {
        await new Promise<void>((r) => isolatedServer.httpServer.close(() => r()));
      }
    } finally {
      await context.close();
      await new Promise<void>((r) => server.httpServer.close(() => r()));
      rmSync(profile, { recursive: true, force: true });
      // The link points back at the repository: leave no loop behind for test globs.
      rmSync(join(app, 'node_modules'), { recursive: true, force: true });
    }
  }, 180_000); // a Vite build and three page loads: minutes on a loaded 2-core machine
});

/** Spark item factors as Parquet, in the schema Spark writes (`id` int32, `features` a list of floats). */
function sparkFactorsParquet(n: number, f: number): Uint8Array {
  return sparkParquet(Array.from({ length: n }, (_, i) => i + 1), (id) => Array.from({ length: f }, (_, a) => Math.sin(id * (a + 1))));
}
