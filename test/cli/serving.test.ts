/**
 * The serving commands of the CLI, run as a user would (the built `dist/cli.js` in a child
 * process): `recommend --users` (batch, one JSON line per user), `similar-users`,
 * `users-for-item`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'als-cli-serve-'));
const model = join(dir, 'm.alsm');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const jsonLines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('CLI serving commands', () => {
  beforeAll(async () => {
    expect(existsSync(cli), 'run `npm run build` first').toBe(true);
    const lines: string[] = [];
    for (let u = 1; u <= 30; u++) for (let i = 1; i <= 20; i++) if ((u * 7 + i * 3) % 5 < 2) lines.push(`${u},${i},${1 + ((u + i) % 4)}`);
    writeFileSync(join(dir, 'r.csv'), lines.join('\n') + '\n');
    const r = await run(['train', 'r.csv', '--out', model, '--feedback', 'implicit', '--factors', '4', '--iterations', '2', '--regularization', '1']);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it('recommend --history on a rating model: 1 star is a dislike, an item alone a like; only dislikes get the popular items, said so', async () => {
    const rated = join(dir, 'rated.alsm');
    // Stars leaning high, as real ones do (a fifth are 1s).
    const lines: string[] = [];
    for (let u = 1; u <= 30; u++) for (let i = 1; i <= 20; i++) if ((u * 7 + i * 3) % 5 < 2) lines.push(`${u},${i},${[5, 4, 5, 3, 1][(u + i) % 5]}`);
    writeFileSync(join(dir, 'stars.csv'), lines.join('\n') + '\n');
    const t = await run(['train', 'stars.csv', '--out', rated, '--factors', '4', '--iterations', '2']);
    expect(t.code, t.stderr).toBe(0);
    const top = async (history: string) => {
      const r = await run(['recommend', '--model', rated, '--history', history, '--k', '3', '--json']);
      expect(r.code, r.stderr).toBe(0);
      return { ...JSON.parse(r.stdout.trim().split('\n').pop()!), stderr: r.stderr };
    };
    const alone = await top('3');
    const five = await top('3:4');
    expect(alone.fallback).toBeNull();
    expect(five.fallback).toBeNull();
    const one = await top('3:1');
    expect(one.fallback).toBe('popular');
    expect(one.stderr).toMatch(/the history has only dislikes/);
    expect(one.items.map((x: { id: string }) => x.id)).not.toContain('3');
  });

  it('recommend --users a,b --json: one line per user, each what recommend --user gives', async () => {
    const r = await run(['recommend', '--model', model, '--users', '3,1', '--k', '4', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => l.user)).toEqual(['3', '1']);
    for (const line of lines) {
      const one = await run(['recommend', '--model', model, '--user', String(line.user), '--k', '4', '--json']);
      expect(line.items).toEqual(jsonLines(one.stdout)[0].items);
      expect(line).not.toHaveProperty('fallback');
    }
  });

  it('recommend --users @FILE (blank lines ignored); an unknown user fails, or gets the popular items with --unknown-users popular', async () => {
    writeFileSync(join(dir, 'users.txt'), '2\n\n  5 \nghost\n');
    const fail = await run(['recommend', '--model', model, '--users', '@users.txt', '--json']);
    expect(fail.code).toBe(1);
    expect(fail.stderr).toMatch(/Unknown user "ghost".*--unknown-users popular/);
    const r = await run(['recommend', '--model', model, '--users', '@users.txt', '--k', '3', '--unknown-users', 'popular', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => [l.user, l.fallback ?? null])).toEqual([['2', null], ['5', null], ['ghost', 'popular']]);
    expect(lines[2].items).toHaveLength(3);
    const text = await run(['recommend', '--model', model, '--users', '2,ghost', '--k', '2', '--unknown-users', 'popular']);
    expect(text.stdout).toMatch(/^2\n {2}1\. .*\n {2}2\. .*\nghost \(unknown: most popular items\)\n/);
  });

  it('bad usage exits 2: --user with --users, an empty list, a bad --unknown-users', async () => {
    for (const args of [
      ['--user', '1', '--users', '2'],
      ['--users', ','],
      ['--users', '1', '--unknown-users', 'drop'],
    ]) {
      const r = await run(['recommend', '--model', model, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('similar-users and users-for-item', async () => {
    const s = await run(['similar-users', '--model', model, '--user', '1', '--k', '3', '--json']);
    expect(s.code, s.stderr).toBe(0);
    const users = jsonLines(s.stdout)[0].users as { id: string; score: number }[];
    expect(users).toHaveLength(3);
    expect(users.map((u) => u.id)).not.toContain('1');
    const f = await run(['users-for-item', '--model', model, '--item', '2', '--k', '30', '--json']);
    const all = await run(['users-for-item', '--model', model, '--item', '2', '--k', '30', '--include-seen', '--json']);
    const seen = jsonLines(f.stdout)[0].users as unknown[];
    const everyone = jsonLines(all.stdout)[0].users as unknown[];
    // Item 2 has training users: they are left out unless --include-seen.
    expect(everyone).toHaveLength(30);
    expect(seen.length).toBeLessThan(30);
    const missing = await run(['users-for-item', '--model', model, '--k', '3']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--item is required/);
  });
});
