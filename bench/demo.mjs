// Time from navigation to the first recommendations on screen, for the demo page's static
// build (web-dist/, `npm run build`) served by `vite preview` with its COOP/COEP + CSP headers,
// in headless Debian Chromium. Each run is a fresh browser context (empty cache, no IndexedDB).
// The page trains on the built-in dataset as it opens (f = 32, 12 iterations on all the data,
// no held-out scoring on this first run), then shows user1's top 10: the page marks that moment
// with performance.mark('first-recommendations'), whose startTime counts from navigation start.
//
//   node bench/demo.mjs [runs=7]
import { loadavg, cpus } from 'node:os';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const runs = Number(process.argv[2] ?? 7);
const configFile = new URL('../vite.web.config.ts', import.meta.url).pathname;
if (!existsSync(new URL('../web-dist/index.html', import.meta.url))) throw new Error('run `npm run build` first (web-dist/ is missing)');
const server = await preview({ configFile, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const marks = [];
const trains = [];
try {
  for (let r = 0; r < runs + 1; r++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('first-recommendations').length > 0, null, { timeout: 120_000 });
    const ms = await page.evaluate(() => performance.getEntriesByName('first-recommendations')[0].startTime);
    const phases = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${m.name.replace('demo:', '')} ${m.startTime.toFixed(0)}`).join(', '));
    const train = await page.evaluate(() => {
      const at = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
      return (at('demo:trained') - at('demo:train-start')) / 1000;
    });
    await context.close();
    if (r === 0) continue; // warm-up: the OS file cache and Chromium's first start
    marks.push(ms);
    trains.push(train);
    console.error(`run ${r}: first recommendations after ${ms.toFixed(0)} ms (training ${trains.at(-1).toFixed(2)} s; marks in ms: ${phases})`);
  }
} finally {
  await browser.close();
  await new Promise((r) => server.httpServer.close(r));
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(
  `Demo page, navigation → first recommendations (static build, headless Chromium, ${runs} runs, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}): ` +
    `median ${(median(marks) / 1000).toFixed(2)} s (min ${(Math.min(...marks) / 1000).toFixed(2)}, max ${(Math.max(...marks) / 1000).toFixed(2)}); ` +
    `of which training median ${median(trains).toFixed(2)} s.`,
);
