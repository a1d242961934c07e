/**
 * The CLI speaks in names (issue 27): train keeps titles and user attributes in the model (from
 * --item-names / --user-names, or an --item-features u.item), the serving commands print them
 * next to the ids and --json carries "title"; --help is per command, usage mistakes are short.
 * Run as a user would: the built dist/cli.js in a child process, on the real MovieLens-100K
 * files when they are present (a small file of our own otherwise).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'als-names-'));
const ml = fileURLToPath(new URL('../../../shared/data/ml-100k/', import.meta.url));
const present = existsSync(join(ml, 'u.item'));
if (!present) console.warn('notice: ../shared/data/ml-100k is absent — the CLI names tests on real MovieLens files are skipped');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: dir }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}
const last = (s: string) => JSON.parse(s.trim().split('\n').pop()!);

describe('help and usage mistakes', () => {
  beforeAll(() => expect(existsSync(cli), 'run `npm run build` first').toBe(true));

  it('train --help prints train\'s usage only (≤ 60 lines) on stdout and exits 0', async () => {
    const r = await run(['train', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/als-wasm train FILE --out MODEL/);
    expect(r.stdout).toMatch(/--item-names FILE/);
    expect(r.stdout).not.toMatch(/als-wasm similar-users/);
    expect(r.stdout.trim().split('\n').length).toBeLessThanOrEqual(60);
    for (const cmd of ['recommend', 'similar', 'evaluate', 'cv', 'update', 'export', 'import', 'explain']) {
      const h = await run([cmd, '--help']);
      expect(h.code, cmd).toBe(0);
      expect(h.stdout, cmd).toMatch(new RegExp(`als-wasm ${cmd}\\b`));
    }
  });

  it('als-wasm alone lists the commands in a few lines', async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/users-for-item/);
    expect(r.stdout.trim().split('\n').length).toBeLessThanOrEqual(25);
  });

  it('a usage mistake is one line plus where the usage is, exit 2', async () => {
    const r = await run(['train', 'x.tsv', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['als-wasm: "train" does not take --bogus', 'see `als-wasm train --help`']);
    const k = await run(['recommend', '--model', 'm.alsm', '--user', '1', '--k', '0']);
    expect(k.code).toBe(2);
    expect(k.stderr.trim().split('\n')).toHaveLength(2);
    const unknown = await run(['trian']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "trian"\nsee `als-wasm --help`/);
  });
});

describe.skipIf(!present)('names from the real MovieLens-100K files', () => {
  const model = join(dir, 'ml.alsm');
  const bare = join(dir, 'bare.alsm');
  beforeAll(async () => {
    const r = await run(['train', join(ml, 'u.data'), '--out', model, '--item-features', join(ml, 'u.item'), '--user-names', join(ml, 'u.user'), '--factors', '16', '--iterations', '4', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(last(r.stdout).names).toEqual({ items: 1682, users: 943 });
    const b = await run(['train', join(ml, 'u.data'), '--out', bare, '--factors', '8', '--iterations', '2']);
    expect(b.code, b.stderr).toBe(0);
  }, 120_000);

  it('recommend prints titles next to ids; --json carries "title"', async () => {
    const r = await run(['recommend', '--model', model, '--user', '196', '--k', '5']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l).toMatch(/^\s+\d\. .+\(\d{4}\) \[\d+\]\s+\d+\.\d{4}$/);
    const j = last((await run(['recommend', '--model', model, '--user', '196', '--k', '3', '--json'])).stdout);
    for (const it of j.items) expect(Object.keys(it)).toEqual(['id', 'title', 'score']);
  });

  it('similar takes a typed title; users-for-item prints user attributes', async () => {
    const s = await run(['similar', '--model', model, '--item', 'star wars (1977)', '--k', '3', '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(last(s.stdout).items.map((i: { title: string }) => i.title)).toContain('Return of the Jedi (1983)');
    const u = await run(['users-for-item', '--model', model, '--item', '50', '--k', '3']);
    expect(u.stdout).toMatch(/^\s+1\. \d+ \((under 18|\d\d-\d\d|56\+) · [MF] · [a-z]+\)\s+\d/m);
    const e = await run(['explain', '--model', model, '--user', '196', '--item', '50', '--top', '2']);
    expect(e.stdout).toMatch(/for item Star Wars \(1977\) \[50\]/);
  });

  it('a model without names gets them from --item-names on the serving command', async () => {
    const plain = await run(['recommend', '--model', bare, '--user', '196', '--k', '2']);
    expect(plain.stdout).not.toMatch(/\[/);
    const named = await run(['recommend', '--model', bare, '--user', '196', '--k', '2', '--item-names', join(ml, 'u.item')]);
    expect(named.stdout).toMatch(/\(\d{4}\) \[\d+\]/);
    const wrong = await run(['recommend', '--model', bare, '--user', '196', '--item-names', join(ml, 'u.user')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/pass it as --user-names/);
  });
});

describe('names alone, without features', () => {
  it('train --item-names keeps titles but learns no features', async () => {
    const data = join(dir, 'small.csv');
    const titles = join(dir, 'titles.csv');
    const rows = ['user,item,rating'];
    for (let u = 1; u <= 30; u++) for (let i = 1; i <= 12; i++) if ((u * 7 + i * 3) % 4 !== 0) rows.push(`${u},${i},${1 + ((u + i) % 5)}`);
    writeFileSync(data, rows.join('\n') + '\n');
    writeFileSync(titles, 'id,title,genres\n' + Array.from({ length: 12 }, (_, i) => `${i + 1},"Film ${i + 1}, The",Drama`).join('\n') + '\n');
    const out = join(dir, 'small.alsm');
    const t = await run(['train', data, '--out', out, '--item-names', titles, '--factors', '3', '--iterations', '3', '--json']);
    expect(t.code, t.stderr).toBe(0);
    const j = last(t.stdout);
    expect(j.names).toEqual({ items: 12, users: 0 });
    expect(j.itemFeatures).toBeUndefined();
    const r = await run(['recommend', '--model', out, '--user', '1', '--k', '2', '--json']);
    expect(last(r.stdout).items[0].title).toMatch(/^Film \d+, The$/);
  });
});
