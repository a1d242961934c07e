/**
 * `als-wasm update`, run as a user would: the built `dist/cli.js` in a child process
 * (`npm test` builds it first).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../src/io/model-file.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'als-cli-update-'));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;

describe('als-wasm update', () => {
  const data = join(dir, 'ratings.tsv');
  const more = join(dir, 'more.tsv');
  const model = join(dir, 'm.alsm');

  beforeAll(async () => {
    expect(existsSync(cli), 'run `npm run build` first').toBe(true);
    const lines: string[] = [];
    for (let u = 1; u <= 30; u++) for (let i = 1; i <= 20; i++) if ((u * 7 + i * 3) % 5 < 2) lines.push(`${u}\t${i}\t${1 + ((u + i) % 5)}`);
    writeFileSync(data, lines.join('\n') + '\n');
    writeFileSync(more, '1\t2\t5\n31\t3\t4\n31\t21\t5\n2\t21\t3\n');
    const r = await run(['train', data, '--out', model, '--feedback', 'explicit', '--factors', '4', '--iterations', '3', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('adds a file to a model, writes --out, and prints the contract JSON last', async () => {
    const out = join(dir, 'm2.alsm');
    const r = await run(['update', '--model', model, more, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ rows: 4, newUsers: 1, newItems: 1, usersSolved: 3, itemsSolved: 3, users: 31, items: 21, out });
    expect(r.stderr).toMatch(/re-solved 3 users and 3 items/);
    const next = await loadModel(readFileSync(out));
    expect(next.recommend('31', 3)).toHaveLength(3);
    // MODEL itself is unchanged when --out names another file.
    expect((await loadModel(readFileSync(model))).users.size).toBe(30);
  });

  it('replaces MODEL in place without --out; --items keep solves only new items', async () => {
    const copy = join(dir, 'copy.alsm');
    writeFileSync(copy, readFileSync(model));
    const r = await run(['update', '--model', copy, more, '--items', 'keep', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ itemsSolved: 1, out: copy });
    expect((await loadModel(readFileSync(copy))).users.size).toBe(31);
  });

  it('refuses --out onto the input file (also through a link), bad values and a missing FILE with exit 2', async () => {
    const same = await run(['update', '--model', model, more, '--out', more]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/is the input file/);
    const link = join(dir, 'link.tsv');
    symlinkSync(more, link);
    expect((await run(['update', '--model', model, more, '--out', link])).code).toBe(2);
    expect(readFileSync(more, 'utf8')).toBe('1\t2\t5\n31\t3\t4\n31\t21\t5\n2\t21\t3\n');
    const bad = await run(['update', '--model', model, more, '--items', 'all']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--items must be solve or keep/);
    expect((await run(['update', '--model', model])).code).toBe(2);
    expect((await run(['update', more])).stderr).toMatch(/--model is required/);
  });

  it('exits 1 naming the file for a bad row or a missing model', async () => {
    const broken = join(dir, 'broken.tsv');
    writeFileSync(broken, '1\t2\t5\n1\tx\n');
    const r = await run(['update', '--model', model, broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.tsv line 2/);
    expect((await run(['update', '--model', join(dir, 'none.alsm'), more])).code).toBe(1);
  });

  it('train --warm-start MODEL continues from its factors: one more iteration beats one from the seeded init', async () => {
    const common = ['--feedback', 'explicit', '--factors', '4', '--iterations', '1', '--workers', '1', '--json'];
    const cold = await run(['train', data, '--out', join(dir, 'cold.alsm'), ...common]);
    const warm = await run(['train', data, '--out', join(dir, 'warm.alsm'), '--warm-start', model, ...common]);
    expect(cold.code, cold.stderr).toBe(0);
    expect(warm.code, warm.stderr).toBe(0);
    const c = lastJson(cold.stdout);
    const w = lastJson(warm.stdout);
    expect(w.warmStart).toBe(model);
    expect(c.warmStart).toBeUndefined();
    expect((w.loss as number[]).at(-1)!).toBeLessThan((c.loss as number[]).at(-1)!);
    // --out may be the start model itself (replaced atomically).
    const copy = join(dir, 'warm-copy.alsm');
    writeFileSync(copy, readFileSync(model));
    const inPlace = await run(['train', data, '--out', copy, '--warm-start', copy, ...common]);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect((await loadModel(readFileSync(copy))).users.size).toBe(30);
  });

  it('train --warm-start refuses --tune and a model of other factors (exit 2), and names a missing model (exit 1)', async () => {
    const tuned = await run(['train', data, '--out', join(dir, 'x.alsm'), '--warm-start', model, '--tune']);
    expect(tuned.code).toBe(2);
    expect(tuned.stderr).toMatch(/--warm-start and --tune/);
    const other = await run(['train', data, '--out', join(dir, 'x.alsm'), '--warm-start', model, '--factors', '8', '--feedback', 'explicit']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--warm-start must be a model with the run's 8 factors/);
    const missing = await run(['train', data, '--out', join(dir, 'x.alsm'), '--warm-start', join(dir, 'nope.alsm')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.alsm/);
    expect(existsSync(join(dir, 'x.alsm'))).toBe(false);
  });
});
