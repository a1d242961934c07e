/**
 * The browser finder of the test set-up (test/helpers/browser.ts): where it looks, in which
 * order, and what it says when nothing is found — over a fake file system.
 */
import { describe, expect, it } from 'vitest';
import { findChromium, skipNotice, type BrowserSearch } from './helpers/browser.js';

/** A search over the given executable files and folders. */
function fake(files: string[], over: Partial<BrowserSearch> = {}): BrowserSearch {
  const set = new Set(files);
  return {
    env: {},
    platform: 'linux',
    home: '/home/u',
    isExecutable: (p) => set.has(p),
    list: (dir) => [...new Set(files.filter((f) => f.startsWith(dir + '/')).map((f) => f.slice(dir.length + 1).split('/')[0]))],
    ...over,
  };
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and reports a CHROMIUM_PATH that is not there instead of looking elsewhere', () => {
    expect(findChromium(fake(['/opt/c/chrome', '/usr/bin/chromium'], { env: { CHROMIUM_PATH: '/opt/c/chrome' } }))).toEqual({ path: '/opt/c/chrome', from: 'CHROMIUM_PATH' });
    const missing = findChromium(fake(['/usr/bin/chromium'], { env: { CHROMIUM_PATH: '/nonexistent' } }));
    expect(missing).toEqual({ path: null, reason: 'CHROMIUM_PATH=/nonexistent is not an executable file (unset it to search PATH and the usual places)' });
  });

  it('then chromium, chromium-browser, google-chrome on PATH, in PATH order', () => {
    const s = fake(['/a/google-chrome', '/b/chromium', '/usr/bin/chromium'], { env: { PATH: '/a:/b' } });
    expect(findChromium(s)).toEqual({ path: '/a/google-chrome', from: 'PATH' });
    expect(findChromium(fake(['/b/chromium-browser'], { env: { PATH: '/a:/b' } }))).toEqual({ path: '/b/chromium-browser', from: 'PATH' });
  });

  it("then Playwright's cache (newest revision first, PLAYWRIGHT_BROWSERS_PATH honoured), then the usual paths", () => {
    const cache = ['/home/u/.cache/ms-playwright/chromium-1169/chrome-linux/chrome', '/home/u/.cache/ms-playwright/chromium-1187/chrome-linux/chrome'];
    expect(findChromium(fake([...cache, '/usr/bin/chromium']))).toEqual({ path: cache[1], from: "Playwright's cache" });
    expect(findChromium(fake(['/pw/chromium-1200/chrome-linux64/chrome'], { env: { PLAYWRIGHT_BROWSERS_PATH: '/pw' } }))).toEqual({ path: '/pw/chromium-1200/chrome-linux64/chrome', from: "Playwright's cache" });
    expect(findChromium(fake(['/usr/bin/chromium']))).toEqual({ path: '/usr/bin/chromium', from: 'a usual install path' });
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(findChromium(fake([mac], { platform: 'darwin' }))).toEqual({ path: mac, from: 'a usual install path' });
    const win = 'C:\\Program Files/Google/Chrome/Application/chrome.exe';
    expect(findChromium(fake([win], { platform: 'win32', env: { PROGRAMFILES: 'C:\\Program Files' } })).path).toBe(win);
  });

  it('ALS_BROWSER_SEARCH=path hides the cache and the usual paths; nothing found gives one line saying how to enable the tests', () => {
    const found = findChromium(fake(['/usr/bin/chromium'], { env: { ALS_BROWSER_SEARCH: 'path', PATH: '/x' } }));
    expect(found).toEqual({ path: null, reason: 'no Chromium-family browser found (looked for chromium, chromium-browser, google-chrome on PATH (ALS_BROWSER_SEARCH=path))' });
    const line = skipNotice(found as { reason: string });
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^Browser tests skipped: no Chromium-family browser found \(.*\)\. To run them, .*apt-get install -y chromium.*CHROMIUM_PATH=/);
  });
});
