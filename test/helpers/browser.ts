/**
 * Finds a Chromium-family browser for the browser and end-to-end tests, so that `npm test` runs
 * them wherever one is installed and skips them (with one line saying how to enable them) where
 * none is — a fresh machine still passes. CI sets ALS_REQUIRE_BROWSER=1: a missing browser is
 * then a failure, not a skip.
 */
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** What the search looks at; the defaults are this process's environment and file system. */
export interface BrowserSearch {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
  /** Whether `path` is an executable file. */
  isExecutable(path: string): boolean;
  /** The entries of a folder ([] when it does not exist). */
  list(dir: string): string[];
}

/** The result: a browser's path, or why none was found and how to get one. */
export type BrowserFound = { path: string; from: string } | { path: null; reason: string };

/** Executable names looked up on PATH, in order. */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

/** Where browsers usually are when they are not on PATH. */
function usualPaths(platform: NodeJS.Platform, env: BrowserSearch['env']): string[] {
  if (platform === 'darwin') {
    return ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    return roots.flatMap((r) => [join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'), join(r, 'Chromium', 'Application', 'chrome.exe')]);
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium'];
}

/** Playwright's browser cache (`PLAYWRIGHT_BROWSERS_PATH`, else its per-platform default). */
function playwrightExecutables(s: BrowserSearch): string[] {
  const cache = s.env.PLAYWRIGHT_BROWSERS_PATH && s.env.PLAYWRIGHT_BROWSERS_PATH !== '0'
    ? s.env.PLAYWRIGHT_BROWSERS_PATH
    : s.platform === 'darwin' ? join(s.home, 'Library', 'Caches', 'ms-playwright')
    : s.platform === 'win32' ? join(s.env.LOCALAPPDATA ?? join(s.home, 'AppData', 'Local'), 'ms-playwright')
    : join(s.home, '.cache', 'ms-playwright');
  // Newest revision first: chromium-1187 before chromium-1169.
  const dirs = s.list(cache).filter((d) => /^chromium-\d+$/.test(d)).sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
  const inside = s.platform === 'darwin' ? [['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium']]
    : s.platform === 'win32' ? [['chrome-win', 'chrome.exe']]
    : [['chrome-linux', 'chrome'], ['chrome-linux64', 'chrome']];
  return dirs.flatMap((d) => inside.map((parts) => join(cache, d, ...parts)));
}

/**
 * Looks for a Chromium-family browser: `CHROMIUM_PATH`, then `chromium`, `chromium-browser`,
 * `google-chrome` on PATH, then Playwright's cache, then the usual install paths of Linux,
 * macOS and Windows. `ALS_BROWSER_SEARCH=path` limits the search to CHROMIUM_PATH and PATH (a
 * test of the skip on a machine that has a browser in a usual place uses it).
 * @param s - the environment and file system to search (default: this process's)
 */
export function findChromium(s: BrowserSearch = systemSearch()): BrowserFound {
  const given = s.env.CHROMIUM_PATH;
  if (given) {
    if (s.isExecutable(given)) return { path: given, from: 'CHROMIUM_PATH' };
    return { path: null, reason: `CHROMIUM_PATH=${given} is not an executable file (unset it to search PATH and the usual places)` };
  }
  const exe = s.platform === 'win32' ? '.exe' : '';
  for (const dir of (s.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const path = join(dir, name + exe);
      if (s.isExecutable(path)) return { path, from: 'PATH' };
    }
  }
  if (s.env.ALS_BROWSER_SEARCH !== 'path') {
    for (const path of playwrightExecutables(s)) if (s.isExecutable(path)) return { path, from: "Playwright's cache" };
    for (const path of usualPaths(s.platform, s.env)) if (s.isExecutable(path)) return { path, from: 'a usual install path' };
  }
  const where = s.env.ALS_BROWSER_SEARCH === 'path' ? 'PATH (ALS_BROWSER_SEARCH=path)' : "PATH, Playwright's cache and the usual install paths";
  return { path: null, reason: `no Chromium-family browser found (looked for chromium, chromium-browser, google-chrome on ${where})` };
}

/** The one line printed when the browser tests are skipped. */
export function skipNotice(found: { reason: string }): string {
  return `Browser tests skipped: ${found.reason}. To run them, install Chromium (Debian: apt-get install -y chromium) or set CHROMIUM_PATH=/path/to/chrome.`;
}

/** The search over this process's environment and file system. */
export function systemSearch(): BrowserSearch {
  return {
    env: process.env,
    platform: process.platform,
    home: homedir(),
    isExecutable: (path) => {
      try {
        accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    list: (dir) => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}

/**
 * The browser the tests use, or null when the tests are to be skipped.
 * @throws Error when none is found and ALS_REQUIRE_BROWSER=1 (CI): a missing browser fails the run
 */
export function testBrowser(): string | null {
  const found = findChromium();
  if (found.path !== null) return found.path;
  if (process.env.ALS_REQUIRE_BROWSER === '1') throw new Error(`ALS_REQUIRE_BROWSER=1 but ${found.reason}. Install Chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  return null;
}
