/**
 * The CLI's feature flags, run as a user would (the built dist/cli.js in a child process):
 * train with item/user features (MovieLens u.item / u.user), evaluate on cold items with
 * --candidates, recommend with items added from a feature file.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'als-cli-features-'));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
const last = (s: string) => JSON.parse(s.trim().split('\n').pop()!);
const genreOf = (i: number) => i % 3;

beforeAll(() => {
  // 30 users, 36 films in 3 genres; user u watches 6 films of genre u mod 3. Films 31–36 are cold.
  const rows: string[] = [];
  for (let u = 1; u <= 30; u++) {
    const liked = Array.from({ length: 30 }, (_, t) => t + 1).filter((i) => genreOf(i) === u % 3);
    for (let t = 0; t < 6; t++) rows.push(`${u}\t${liked[(u + t) % liked.length]}\t1\t88000000${t}`);
  }
  writeFileSync(join(dir, 'u.data'), rows.join('\n') + '\n');
  const flags = (i: number) => Array.from({ length: 19 }, (_, g) => (g === 1 + genreOf(i) ? 1 : 0)).join('|');
  writeFileSync(join(dir, 'u.item'), Array.from({ length: 36 }, (_, t) => `${t + 1}|Film ${t + 1} (1995)|01-Jan-1995||http://x|${flags(t + 1)}`).join('\n') + '\n');
  writeFileSync(join(dir, 'u.user'), Array.from({ length: 30 }, (_, t) => `${t + 1}|${20 + t}|${t % 2 ? 'M' : 'F'}|writer|00000`).join('\n') + '\n');
  writeFileSync(join(dir, 'cold.txt'), ['31', '32', '33', '34', '35', '36'].join('\n') + '\n');
  writeFileSync(join(dir, 'cold-test.tsv'), Array.from({ length: 30 }, (_, t) => `${t + 1}\t${31 + ((((t + 1) % 3) + 2) % 3)}\t1`).join('\n') + '\n');
  writeFileSync(join(dir, 'new.csv'), 'film_id,feature\nfresh,genre=Action\n');
});

describe('CLI: side information', () => {
  it('train --item-features u.item --user-features u.user: the cold films are items; evaluate --candidates ranks them', async () => {
    const t = await run(['train', 'u.data', '--out', 'm.alsm', '--feedback', 'implicit', '--factors', '6', '--iterations', '8', '--regularization', '0.1', '--item-features', 'u.item', '--user-features', 'u.user', '--json']);
    expect(t.code, t.stderr).toBe(0);
    expect(last(t.stdout)).toMatchObject({ users: 30, items: 36, interactions: 180, itemFeatures: 3 });
    const e = await run(['evaluate', '--model', 'm.alsm', '--test', 'cold-test.tsv', '--candidates', 'cold.txt', '--k', '2', '--json']);
    expect(e.code, e.stderr).toBe(0);
    const r = last(e.stdout);
    expect(r.users).toBe(30);
    expect(r.ndcg).toBeGreaterThan(0.5); // 2 of the 6 cold films have the user's genre, one is held out
  });

  it('recommend --item-features adds a new film from its genres; errors name the file and line', async () => {
    const r = await run(['recommend', '--model', 'm.alsm', '--user', '3', '--k', '40', '--item-features', 'new.csv', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/added 1 items from new\.csv/);
    expect(last(r.stdout).items.map((x: { id: string }) => x.id)).toContain('fresh');
    writeFileSync(join(dir, 'bad.csv'), '1,genre=x\n2\n');
    const bad = await run(['train', 'u.data', '--out', 'm2.alsm', '--item-features', 'bad.csv']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.csv, line 2/);
    const w = await run(['train', 'u.data', '--out', 'm2.alsm', '--item-features', 'u.item', '--feature-weight', '0']);
    expect(w.code).toBe(2);
    expect((await run(['similar', '--model', 'm.alsm', '--item', '1', '--candidates', 'cold.txt'])).code).toBe(2);
  });
});
