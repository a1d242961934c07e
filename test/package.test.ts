/**
 * What the published dist/ must be for a bundler to take it as is (`npm run build:lib` first):
 * no top-level await in any module (Vite's default worker format, iife, refuses it:
 * INVALID_TLA_FORMAT), and source maps that resolve — each map carries its sources' text, since
 * the package ships no src/ (a dev server warned once per file).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
});
