/**
 * The documentation stays usable: the README is short and shows the test command (`.ci/run`
 * runs "the README's test command"), and every relative link in the README, docs/*.md,
 * BENCHMARKS.md and RELIABILITY.md points at a file that exists — and, for a `#fragment` into
 * Markdown, at a heading that exists — so moving or renaming a page cannot leave dead links.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Markdown with fenced code blocks, indented code lines and inline code spans removed: links there are not links. */
function prose(md: string): string {
  return md
    .replace(/^(```|~~~)[\s\S]*?^\1/gm, '')
    .replace(/^ {4,}\S.*$/gm, '')
    .replace(/`[^`\n]*`/g, '');
}

/** The targets of the Markdown links and images in a document (`[text](target)`, `![alt](target "title")`). */
export function linkTargets(md: string): string[] {
  return [...prose(md).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (letters of any script kept), spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown document's headings, with GitHub's `-1`, `-2` suffixes for repeats. */
export function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const text = md.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** What is wrong with each relative link of the document at `path` (repository-relative): a missing file or heading. */
export function brokenLinks(path: string, md: string, read: (p: string) => string | null): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(md)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [file, fragment] = target.split('#');
    const resolved = file === '' ? path : relative(root, join(root, dirname(path), decodeURIComponent(file)));
    const text = read(resolved);
    if (text === null) {
      problems.push(`${path}: ${target} → ${resolved} does not exist`);
      continue;
    }
    if (fragment && resolved.endsWith('.md') && !anchors(text).has(decodeURIComponent(fragment))) {
      problems.push(`${path}: ${target} → no heading #${fragment} in ${resolved}`);
    }
  }
  return problems;
}

/** A repository file's text ('' for a binary or a directory that exists), or null when there is none. */
function readRepo(path: string): string | null {
  const full = join(root, path);
  if (!existsSync(full)) return null;
  return path.endsWith('.md') ? readFileSync(full, 'utf8') : '';
}

const docs = ['README.md', 'BENCHMARKS.md', 'RELIABILITY.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('documentation', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('the README is at most 200 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
  });

  it('the README shows the set-up and test commands', () => {
    expect(readme).toMatch(/^\s*npm ci && npm start\b/m);
    expect(readme).toMatch(/^\s*npm test\b/m);
  });

  it('finds broken links and headings (the check can fail)', () => {
    const files: Record<string, string> = { 'docs/a.md': '# Title\n\n## The `precision` option (f32)\n\n## Notes\n\n## Notes\n', 'docs/pic.png': '' };
    const read = (p: string) => files[p] ?? null;
    const md = [
      '[ok](a.md#the-precision-option-f32) [ok](a.md#notes-1) ![img](pic.png) [web](https://example.com/x) [self](#title)',
      '[gone](missing.md) [bad anchor](a.md#nope) `[not a link](nowhere.md)`',
      '```', '[in code](nowhere.md)', '```',
    ].join('\n');
    expect(brokenLinks('docs/a.md', `# Title\n${md}`, read)).toEqual([
      'docs/a.md: missing.md → docs/missing.md does not exist',
      'docs/a.md: a.md#nope → no heading #nope in docs/a.md',
    ]);
    expect(slug('How `\'auto\'` finds λ')).toBe('how-auto-finds-λ');
  });

  it.each(docs)('every relative link in %s resolves', (path) => {
    expect(brokenLinks(path, readFileSync(join(root, path), 'utf8'), readRepo)).toEqual([]);
  });
});
