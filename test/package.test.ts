/**
 * What the published dist/ must be for a bundler to take it as is (`npm run build:lib` first):
 * no top-level await in any module (Vite's default worker format, iife, refuses it:
 * INVALID_TLA_FORMAT), and source maps that resolve — each map carries its sources' text, since
 * the package ships no src/ (a dev server warned once per file). And its entries, resolved by
 * package name as a consumer's Node does: `"."` small (at most 35 runtime names), the
 * synchronous API at `als-wasm/in-thread`, no internals in either.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INTERNAL_NAMES, MAX_MAIN_RUNTIME_NAMES } from './helpers/public-entries.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : []));
}

/** Lines of tsc output that hold an `await` outside any function: tsc writes top-level statements at column 0. */
export function topLevelAwaits(code: string): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const line of code.split('\n')) {
    if (depth === 0 && /(^|[^.\w])await\b/.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line)) out.push(line.trim());
    // Braces of functions, classes and blocks (strings and regexes with braces are rare in this code base and only inflate the depth).
    for (const ch of line.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '')) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
  }
  return out;
}

describe('the published dist/', () => {
  it('is built', () => {
    expect(existsSync(join(dist, 'index.js')), 'run `npm run build:lib` first').toBe(true);
  });

  it('finds a top-level await (the check can fail)', () => {
    expect(topLevelAwaits("const os = await import('node:os');\nasync function f() {\n  await g();\n}\n")).toEqual(["const os = await import('node:os');"]);
  });

  it('has no top-level await in any module', () => {
    const found = files(dist, '.js').flatMap((f) => topLevelAwaits(readFileSync(f, 'utf8')).map((l) => `${relative(root, f)}: ${l}`));
    expect(found).toEqual([]);
  });

  it('ships source maps that carry the text of every source they name', () => {
    const maps = files(dist, '.js.map');
    expect(maps.length).toBeGreaterThan(50);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(m, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, relative(root, m)).toBe(map.sources.length);
      for (const [j, source] of map.sources.entries()) {
        const file = join(m, '..', source);
        expect(map.sourcesContent![j], `${relative(root, m)} → ${source}`).toBe(readFileSync(file, 'utf8'));
      }
    }
  });

  it('resolves its entries by package name: "." is small, the in-thread API is the subpath, no internals', () => {
    // A child Node process imports the package by its own name (self-reference through "exports").
    const script = "const main = await import('als-wasm'); const inThread = await import('als-wasm/in-thread'); console.log(JSON.stringify({ main: Object.keys(main), inThread: Object.keys(inThread) }));";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    const { main, inThread } = JSON.parse(out) as { main: string[]; inThread: string[] };
    expect(main.length).toBeGreaterThan(5);
    expect(main.length).toBeLessThanOrEqual(MAX_MAIN_RUNTIME_NAMES);
    expect(main).toContain('createRecommender');
    expect(inThread).toEqual(expect.arrayContaining(['train', 'AlsModel', 'parseText', 'evaluateModel', 'crossValidate', 'saveModel', 'loadModel']));
    expect([...main, ...inThread].filter((n) => INTERNAL_NAMES.includes(n))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './in-thread', './package.json']);
  });
});
