/**
 * Issue 26 items 1, 2, 4 and the mode of a replaced model: the CLI writes only to a regular
 * file or a new path, never onto any input of the command, keeps the old file's mode, and two
 * processes updating one model file both keep their update (a lock beside the model).
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, FAST, lastJson, ratingsTsv, runCli } from '../helpers/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'als-rel3-out-'));
const run = (args: string[], env: Record<string, string> = {}) => runCli(args, dir, env);
const data = join(dir, 'r.tsv');

beforeAll(() => {
  expect(existsSync(cli), 'run `npm run build:lib` first').toBe(true);
  writeFileSync(data, ratingsTsv());
});

describe('--out only to a regular file or a new path (issue 26, item 1)', () => {
  it.each([
    ['a FIFO', () => { execFileSync('mkfifo', [join(dir, 'fifo')]); return join(dir, 'fifo'); }, (p: string) => lstatSync(p).isFIFO()],
    ['a symbolic link to /dev/null', () => { symlinkSync('/dev/null', join(dir, 'null-link')); return join(dir, 'null-link'); }, (p: string) => statSync(p).isCharacterDevice()],
    ['a symbolic link to the standard output', () => { symlinkSync('/proc/self/fd/1', join(dir, 'stdout-link')); return join(dir, 'stdout-link'); }, (p: string) => lstatSync(p).isSymbolicLink()],
    ['/dev/stdout', () => '/dev/stdout', () => true],
    ['a directory', () => { mkdirSync(join(dir, 'adir')); return join(dir, 'adir'); }, (p: string) => statSync(p).isDirectory()],
    ['a path in a missing directory', () => join(dir, 'nowhere', 'm.als'), (p: string) => !existsSync(p)],
  ])('train --out %s exits 2 naming --out, before any work, the path left as it was', async (_, make, unchanged) => {
    const out = make();
    const r = await run(['train', data, '--out', out, ...FAST]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--out /);
    expect(r.stderr).not.toMatch(/^(parsing|training:)/m);
    expect(unchanged(out)).toBe(true);
  });

  it('a link to /proc/self/fd/1 while the standard output is a regular file: refused, the file keeps its text', () => {
    symlinkSync('/proc/self/fd/1', join(dir, 'fd1-link'));
    const outFile = join(dir, 'stdout.txt');
    const script = `echo before > "${outFile}"; "${process.execPath}" "${cli}" train "${data}" --out "${join(dir, 'fd1-link')}" ${FAST.join(' ')} >> "${outFile}" 2> "${outFile}.err"; echo $?`;
    const code = Number(execFileSync('/bin/bash', ['-c', script]).toString().trim());
    expect(code).toBe(2);
    expect(readFileSync(`${outFile}.err`, 'utf8')).toMatch(/leads to \/proc\/self\/fd\/1, an open file of a process/);
    expect(readFileSync(outFile, 'utf8')).toBe('before\n');
  });

  it('export --format spark-json --out onto a regular file is refused; an existing directory is fine', async () => {
    const m = join(dir, 'exp.als');
    expect((await run(['train', data, '--out', m, ...FAST])).code).toBe(0);
    writeFileSync(join(dir, 'plain.txt'), 'keep');
    const bad = await run(['export', '--model', m, '--format', 'spark-json', '--out', join(dir, 'plain.txt')]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(readFileSync(join(dir, 'plain.txt'), 'utf8')).toBe('keep');
    mkdirSync(join(dir, 'sj'));
    const ok = await run(['export', '--model', m, '--format', 'spark-json', '--out', join(dir, 'sj')]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('never onto any input (issue 26, item 2)', () => {
  it('train --item-features items.csv --out items.csv exits 2, the side file untouched', async () => {
    writeFileSync(join(dir, 'items.csv'), '1,drama\n2,comedy\n');
    const r = await run(['train', data, '--item-features', join(dir, 'items.csv'), '--out', join(dir, 'items.csv'), ...FAST]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--out .*items\.csv is the input file .*\(--item-features\)/);
    expect(readFileSync(join(dir, 'items.csv'), 'utf8')).toBe('1,drama\n2,comedy\n');
  });

  it('import f.json --item-ids @ids.txt --out ids.txt, and --out inside the imported directory, exit 2', async () => {
    writeFileSync(join(dir, 'f.csv'), '0,0.1,0.2\n1,0.3,0.4\n');
    writeFileSync(join(dir, 'ids.txt'), 'a\nb\n');
    const r = await run(['import', join(dir, 'f.csv'), '--item-ids', `@${join(dir, 'ids.txt')}`, '--out', join(dir, 'ids.txt')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--item-ids @/);
    expect(readFileSync(join(dir, 'ids.txt'), 'utf8')).toBe('a\nb\n');
    mkdirSync(join(dir, 'spark', 'itemFactors'), { recursive: true });
    writeFileSync(join(dir, 'spark', 'itemFactors', 'part-0.parquet'), 'PAR1');
    const inside = await run(['import', join(dir, 'spark'), '--out', join(dir, 'spark', 'itemFactors', 'part-0.parquet')]);
    expect(inside.code, inside.stderr).toBe(2);
    expect(inside.stderr).toMatch(/inside SOURCE/);
    expect(readFileSync(join(dir, 'spark', 'itemFactors', 'part-0.parquet'), 'utf8')).toBe('PAR1');
  });

  it('train --warm-start M --out M (replacing the start model on purpose) is still allowed', async () => {
    const m = join(dir, 'warm.als');
    expect((await run(['train', data, '--out', m, ...FAST])).code).toBe(0);
    const again = await run(['train', data, '--warm-start', m, '--out', m, ...FAST]);
    expect(again.code, again.stderr).toBe(0);
  });
});

describe('a replaced model keeps its mode', () => {
  it('a 0600 model stays 0600 after train and update replace it', async () => {
    const m = join(dir, 'private.als');
    expect((await run(['train', data, '--out', m, ...FAST])).code).toBe(0);
    chmodSync(m, 0o600);
    expect((await run(['train', data, '--out', m, ...FAST])).code).toBe(0);
    expect(statSync(m).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, 'more.tsv'), '900\t1\t5\n');
    expect((await run(['update', '--model', m, join(dir, 'more.tsv')])).code).toBe(0);
    expect(statSync(m).mode & 0o777).toBe(0o600);
  });
});

describe('two writers of one model file (issue 26, item 4)', () => {
  it('two update processes at once: both new users are in the model, both exit 0 (3 rounds)', async () => {
    for (let round = 0; round < 3; round++) {
      const m = join(dir, `shared${round}.als`);
      expect((await run(['train', data, '--out', m, ...FAST])).code).toBe(0);
      writeFileSync(join(dir, 'a.tsv'), `newA\t1\t5\nnewA\t2\t4\n`);
      writeFileSync(join(dir, 'b.tsv'), `newB\t3\t5\nnewB\t4\t2\n`);
      const [a, b] = await Promise.all([run(['update', '--model', m, join(dir, 'a.tsv'), '--json']), run(['update', '--model', m, join(dir, 'b.tsv'), '--json'])]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const users = [lastJson(a.stdout).users, lastJson(b.stdout).users].sort();
      expect(users).toEqual([31, 32]); // the second read the first's result
      const both = await run(['recommend', '--model', m, '--users', 'newA,newB', '--k', '2', '--json']);
      expect(both.code, both.stderr).toBe(0);
      expect(existsSync(`${m}.lock`)).toBe(false);
    }
  });

  it('a lock left by a process that is gone is taken over', async () => {
    const m = join(dir, 'stale.als');
    expect((await run(['train', data, '--out', m, ...FAST])).code).toBe(0);
    writeFileSync(`${m}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: '2020-01-01' }));
    writeFileSync(join(dir, 'c.tsv'), 'newC\t1\t5\n');
    const r = await run(['update', '--model', m, join(dir, 'c.tsv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(`${m}.lock`)).toBe(false);
  });

  it('a lock held by a live process: the writer waits, then fails loudly with the holder named, the model unchanged', async () => {
    const m = join(dir, 'held.als');
    expect((await run(['train', data, '--out', m, ...FAST])).code).toBe(0);
    const before = readFileSync(m);
    writeFileSync(`${m}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: 'now' }));
    writeFileSync(join(dir, 'd.tsv'), 'newD\t1\t5\n');
    const r = await run(['update', '--model', m, join(dir, 'd.tsv')], { ALS_WASM_LOCK_TIMEOUT_MS: '400' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`waiting: .* process ${process.pid}`));
    expect(r.stderr).toMatch(new RegExp(`is being written by process ${process.pid}.*remove .*held\\.als\\.lock`));
    expect(readFileSync(m).equals(before)).toBe(true);
    const t = await run(['train', data, '--out', m, ...FAST], { ALS_WASM_LOCK_TIMEOUT_MS: '200' });
    expect(t.code).toBe(1);
    expect(readFileSync(m).equals(before)).toBe(true);
  });
});
