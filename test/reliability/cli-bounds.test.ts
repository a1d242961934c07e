/**
 * Issue 26 items 5 and 10: every reader of the CLI is bounded before it allocates — a model or
 * import source must be a regular file of a checked size (`/dev/zero`, a FIFO, a directory are
 * refused, not read until memory runs out), directories are walked with caps, `recommend
 * --users` streams its lines and sizes its buffers by the catalogue, not by k.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, FAST, lastJson, ratingsTsv, runCli } from '../helpers/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'als-rel3-bounds-'));
const run = (args: string[]) => runCli(args, dir);
const model = join(dir, 'm.als');

beforeAll(async () => {
  expect(existsSync(cli), 'run `npm run build:lib` first').toBe(true);
  writeFileSync(join(dir, 'r.tsv'), ratingsTsv());
  expect((await run(['train', join(dir, 'r.tsv'), '--out', model, ...FAST])).code).toBe(0);
});

/** Runs the CLI under bash with a V8 heap limit, stdout to a file; returns exit code, peak RSS (KiB) and stderr. */
function runLimited(heapMiB: number, args: string[], stdoutFile: string): { code: number; maxRssKiB: number; stderr: string } {
  const script = `/usr/bin/time -f "maxrss %M" "${process.execPath}" --max-old-space-size=${heapMiB} "$0" "$@" > "${stdoutFile}" 2> "${stdoutFile}.err"; echo $?`;
  const code = Number(execFileSync('/bin/bash', ['-c', script, cli, ...args], { cwd: dir }).toString().trim());
  const stderr = readFileSync(`${stdoutFile}.err`, 'utf8');
  return { code, maxRssKiB: Number(/maxrss (\d+)/.exec(stderr)?.[1] ?? NaN), stderr };
}

describe('recommend --users streams, and k is capped by the catalogue (issue 26, item 5)', () => {
  it('200 000 users under a 64 MiB heap: every line written (holding every result ran out of heap before)', () => {
    writeFileSync(join(dir, 'many.txt'), Array.from({ length: 200_000 }, (_, j) => String(1 + (j % 30))).join('\n') + '\n');
    const out = join(dir, 'many.jsonl');
    const r = runLimited(64, ['recommend', '--model', model, '--users', `@${join(dir, 'many.txt')}`, '--k', '20', '--json'], out);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBe(200_000);
    expect(JSON.parse(lines[199_999]).user).toBe('20');
  }, 120_000);

  it('--k 400000 for 300 users of a 20-item catalogue: at most 20 items each, memory as for k = 20', () => {
    writeFileSync(join(dir, 'u300.txt'), Array.from({ length: 300 }, (_, j) => String(1 + (j % 30))).join('\n'));
    const out = join(dir, 'k.jsonl');
    const r = runLimited(256, ['recommend', '--model', model, '--users', `@${join(dir, 'u300.txt')}`, '--k', '400000', '--json', '--unknown-users', 'error'], out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.maxRssKiB).toBeLessThan(400 * 1024); // was 2.7 GB at this k (buffers of users × k)
    for (const line of readFileSync(out, 'utf8').trim().split('\n')) expect(JSON.parse(line).items.length).toBeLessThanOrEqual(20);
  });

  it('an unknown user among many is refused before any line is written', async () => {
    const r = await run(['recommend', '--model', model, '--users', '1,2,nobody', '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Unknown user "nobody".*--unknown-users popular/);
  });

  it('users-for-item --k 1e9 answers with every user at most, not "use fewer factors"', async () => {
    const r = await run(['users-for-item', '--model', model, '--item', '1', '--k', '1000000000', '--include-seen', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((lastJson(r.stdout).users as unknown[]).length).toBe(30);
  });
});

describe('files are bounded before they are read (issue 26, item 10)', () => {
  it.each([
    ['--model /dev/zero', ['recommend', '--model', '/dev/zero', '--user', '1'], /--model \/dev\/zero is a character device, not a regular file/],
    ['import /dev/zero', ['import', '/dev/zero', '--out', 'x.als'], /SOURCE \/dev\/zero is a character device/],
    ['--users @/dev/zero', ['recommend', '--model', 'm.als', '--users', '@/dev/zero'], /--users @ \/dev\/zero is a character device/],
    ['--exclude @/dev/urandom', ['recommend', '--model', 'm.als', '--user', '1', '--exclude', '@/dev/urandom'], /--exclude @ \/dev\/urandom is a character device/],
    ['--item-features /dev/zero', ['train', 'r.tsv', '--item-features', '/dev/zero', '--out', 'y.als', ...FAST], /--item-features \/dev\/zero is a character device/],
  ])('%s exits 1 at once with IO_ERROR naming the flag', async (_, args, message) => {
    const t = Date.now();
    const r = await run(args);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(Date.now() - t).toBeLessThan(20_000);
  });

  it('a FIFO as --model is refused without blocking on it', async () => {
    execFileSync('mkfifo', [join(dir, 'model-fifo')]);
    const r = await run(['recommend', '--model', join(dir, 'model-fifo'), '--user', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is a FIFO \(named pipe\), not a regular file/);
  });

  it('FILE a directory: IO_ERROR "is a directory", never "unexpected error: EISDIR"', async () => {
    mkdirSync(join(dir, 'adir'));
    for (const args of [['train', join(dir, 'adir'), '--out', join(dir, 'z.als'), ...FAST], ['update', '--model', model, join(dir, 'adir')], ['evaluate', '--model', model, '--test', join(dir, 'adir')]]) {
      const r = await run(args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/adir is a directory; give a ratings file/);
      expect(r.stderr).not.toMatch(/unexpected error/);
    }
  });

  it('an import directory walk is capped (depth) and says so', async () => {
    let d = join(dir, 'deep');
    for (let j = 0; j < 12; j++) d = join(d, `l${j}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'x.parquet'), 'PAR1');
    const r = await run(['import', join(dir, 'deep'), '--out', join(dir, 'deep.als')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is more than 8 directories deep/);
  });
});
