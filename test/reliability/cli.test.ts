/**
 * Issue 14 (items 3 and 5): the CLI as a hostile user meets it — a full disk while saving, an
 * --out that names the data, out-of-range values, ids carrying terminal escapes, advice naming
 * library options. Runs the built `dist/cli.js` in a child process (`npm run build:lib` first).
 */
import { execFile } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import { parseText } from '../../src/data/parse.js';
import { maxWorkers } from '../../src/parallel/cores.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'als-cli-rel-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], cwd = dir): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const run = (args: string[], cwd = dir) => exec(process.execPath, [cli, ...args], cwd);

/** Runs the CLI with writes limited to `kib` KiB (RLIMIT_FSIZE): a write beyond fails with EFBIG, as on a full disk. */
const runWithFileSizeLimit = (kib: number, args: string[]) =>
  exec('/bin/bash', ['-c', `trap '' XFSZ; ulimit -f ${kib}; exec "$0" "$@"`, process.execPath, cli, ...args]);

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Explicit ratings, tab-separated: 30 users × 20 items. */
function ratings(): string {
  const lines: string[] = [];
  for (let u = 1; u <= 30; u++) for (let i = 1; i <= 20; i++) if ((u * 7 + i * 3) % 4 === 0) lines.push(`${u}\t${i}\t${1 + ((u + i) % 5)}`);
  return lines.join('\n') + '\n';
}

const data = join(dir, 'ratings.tsv');
const fast = ['--factors', '3', '--iterations', '2', '--workers', '1'];

beforeAll(() => {
  expect(existsSync(cli), 'run `npm run build:lib` first').toBe(true);
  writeFileSync(data, ratings());
});

describe('model files are written atomically (issue 14, item 3)', () => {
  it('a write that fails mid-file (EFBIG, as on a full disk) leaves the previous model intact, no temp file, exit 1', async () => {
    const out = join(dir, 'atomic', 'model.alsm');
    mkdirSync(join(dir, 'atomic'));
    const first = await run(['train', data, '--out', out, ...fast]);
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(out);
    // f = 200 makes a model far beyond 4 KiB: the new file cannot be written whole.
    const r = await runWithFileSizeLimit(4, ['train', data, '--out', out, '--factors', '200', '--iterations', '1', '--workers', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot write the model to .*model\.alsm: EFBIG.*Nothing was changed/);
    expect(readFileSync(out).equals(before)).toBe(true);
    expect(readdirSync(join(dir, 'atomic'))).toEqual(['model.alsm']);
    // The previous model still loads and serves.
    const rec = await run(['recommend', '--model', out, '--user', '1', '--k', '2', '--json']);
    expect(rec.code, rec.stderr).toBe(0);
  });

  it('the same for cv --out (the refit model)', async () => {
    const out = join(dir, 'atomic-cv.alsm');
    writeFileSync(out, 'previous contents');
    const r = await runWithFileSizeLimit(4, ['cv', data, '--folds', '2', '--factors', '200', '--iterations', '1', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot write the model to .*atomic-cv\.alsm/);
    expect(readFileSync(out, 'utf8')).toBe('previous contents');
    expect(readdirSync(dir).filter((f) => f.includes('atomic-cv') && f.endsWith('.tmp'))).toEqual([]);
  });

  it('a successful save leaves no temp file, and an --out that is a symbolic link keeps the link', async () => {
    const sub = join(dir, 'linked');
    mkdirSync(sub);
    writeFileSync(join(sub, 'real.alsm'), 'old');
    symlinkSync('real.alsm', join(sub, 'current.alsm'));
    const r = await run(['train', data, '--out', join(sub, 'current.alsm'), ...fast]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(sub, 'current.alsm')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(sub, 'real.alsm')).subarray(0, 3).toString()).not.toBe('old');
    expect(readdirSync(sub).sort()).toEqual(['current.alsm', 'real.alsm']);
  });
});

describe('--out naming an input is refused before any work (issue 14, item 3)', () => {
  const cases: [string, (d: string) => string][] = [
    ['the same path', (d) => join(d, 'in.tsv')],
    ['the same file by another path', (d) => `${d}/./sub/../in.tsv`],
    ['a symbolic link to it', (d) => join(d, 'soft.tsv')],
    ['a hard link to it', (d) => join(d, 'hard.tsv')],
  ];
  let d: string;
  beforeAll(() => {
    d = mkdtempSync(join(dir, 'out-'));
    mkdirSync(join(d, 'sub'));
    writeFileSync(join(d, 'in.tsv'), ratings());
    symlinkSync('in.tsv', join(d, 'soft.tsv'));
    linkSync(join(d, 'in.tsv'), join(d, 'hard.tsv'));
  });

  it.each(cases)('train and cv: --out as %s exits 2, the data untouched', async (_, out) => {
    for (const args of [['train', join(d, 'in.tsv'), '--out', out(d), ...fast], ['cv', join(d, 'in.tsv'), '--folds', '2', '--iterations', '1', '--out', out(d)]]) {
      const r = await run(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/--out .* is the input file .*in\.tsv.*would destroy the data/);
      expect(r.stderr).not.toMatch(/^(parsing|training:|iteration)/m);
      expect(readFileSync(join(d, 'in.tsv'), 'utf8')).toBe(ratings());
    }
  });

  it('the relative name from the working directory too', async () => {
    const r = await run(['train', 'in.tsv', '--out', './in.tsv', ...fast], d);
    expect(r.code).toBe(2);
    expect(readFileSync(join(d, 'in.tsv'), 'utf8')).toBe(ratings());
  });
});

describe('every usage error exits 2 (issue 14, item 5)', () => {
  const model = join(dir, 'usage.alsm');
  beforeAll(async () => {
    const r = await run(['train', data, '--out', model, ...fast]);
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    [['train', data, '--out', 'x.alsm', '--factors', '0'], /--factors must be an integer in \[1, 1024\]/],
    [['train', data, '--out', 'x.alsm', '--factors', '2.5'], /--factors must be an integer/],
    [['train', data, '--out', 'x.alsm', '--alpha', '-1'], /--alpha must be a finite number > 0/],
    [['train', data, '--out', 'x.alsm', '--regularization', '-1'], /--regularization must be/],
    [['train', data, '--out', 'x.alsm', '--iterations', '0'], /--iterations must be/],
    [['train', data, '--out', 'x.alsm', '--restarts', '0'], /--restarts must be/],
    [['train', data, '--out', 'x.alsm', '--tolerance', '-1'], /--tolerance must be/],
    [['train', data, '--out', 'x.alsm', '--feedback', 'both'], /--feedback must be/],
    [['train', data, '--out', 'x.alsm', '--solver', 'lu'], /--solver must be/],
    [['train', data, '--out', 'x.alsm', '--confidence', 'cubic'], /--confidence must be/],
    [['train', data, '--out', 'x.alsm', '--workers', '0'], /--workers must be an integer in \[1, /],
    [['train', data, '--out', 'x.alsm', '--feedback', 'explicit', '--alpha', '5'], /--alpha must be omitted with explicit feedback.*or pass --feedback implicit\./],
    [['train', data, '--out', 'x.alsm', '--workers', '257'], /--workers must be an integer in \[1, 256\] \(a run uses at most 4 × the cores here, up to 64\)/],
    [['evaluate', '--model', model, '--test', data, '--k', '0'], /--k must be an integer ≥ 1/],
    [['recommend', '--model', model, '--user', '1', '--k', '-3'], /--k must be an integer ≥ 1/],
    [['similar', '--model', model, '--item', '1', '--k', '1.5'], /--k must be an integer ≥ 1/],
    [['cv', data, '--folds', '1'], /--folds must be an integer in \[2, 100\]/],
    [['cv', data, '--metric', 'accuracy'], /--metric must be one of/],
    [['cv', data, '--factors', '0'], /--factors must be an integer/],
    [['cv', data, '--patience', '0'], /--patience must be/],
    [['cv', data, '--grid', 'bogus=1,2'], /"grid\.bogus"/],
  ])('%j exits 2', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/unexpected error/);
  });

  it('train refuses an out-of-range value before reading the file', async () => {
    const r = await run(['train', join(dir, 'does-not-exist.tsv'), '--out', 'x.alsm', '--alpha', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--alpha/);
  });

  it('--workers up to 4 × the cores is accepted', async () => {
    const w = Math.min(64, 4 * availableParallelism());
    const r = await run(['train', data, '--out', join(dir, 'w.alsm'), '--factors', '3', '--iterations', '1', '--workers', String(w), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout).workers).toBe(w);
  });
});

describe('the library clamps workers (issue 14, item 5)', () => {
  it('workers: 256 runs on at most 4 × the cores (≤ 64), says so, and gives the same losses as 1', async () => {
    const d = parseText(ratings(), { source: 'r.tsv' });
    const opts = { feedback: 'explicit', factors: 3, iterations: 2 } as const;
    const many = await train(d, { ...opts, workers: 256 });
    const one = await train(d, { ...opts, workers: 1 });
    expect(many.report.workersUsed).toBeLessThanOrEqual(maxWorkers());
    expect(maxWorkers()).toBe(Math.min(64, 4 * availableParallelism()));
    expect(many.report.workersNote).toMatch(/256 asked, at most \d+ here/);
    expect(many.report.loss).toEqual(one.report.loss);
  });
});

describe('ids with control characters are printed escaped (issue 14, item 5)', () => {
  const evil = ['\x1b]0;pwned\x07', '\x1b[2J\x1b[H', 'a\x9b31mred', 'rtl\u202etxt.exe', 'bell\x07'];
  const model = join(dir, 'evil.alsm');
  beforeAll(async () => {
    const lines: string[] = [];
    for (let u = 0; u < 12; u++) {
      for (let i = 0; i < 8; i++) if ((u + i) % 3 !== 0) lines.push(`${u === 0 ? evil[0] : `u${u}`}\t${i < evil.length ? evil[i] : `i${i}`}\t1`);
    }
    const file = join(dir, 'evil.tsv');
    writeFileSync(file, lines.join('\n') + '\n');
    const r = await run(['train', file, '--out', model, '--feedback', 'implicit', ...fast]);
    expect(r.code, r.stderr).toBe(0);
  });

  const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('recommend and similar: no raw control character on stdout; \\x1b shown as \\u001b', async () => {
    const rec = await run(['recommend', '--model', model, '--user', evil[0], '--k', '8']);
    const sim = await run(['similar', '--model', model, '--item', evil[1], '--k', '8']);
    for (const r of [rec, sim]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(raw);
      expect(r.stdout).toMatch(/\\u001b/);
    }
    expect(sim.stdout).toContain('\\u001b]0;pwned\\u0007');
  });

  it('--json: the same ids round-trip exactly, with no raw control character on the line', async () => {
    const r = await run(['similar', '--model', model, '--item', evil[1], '--k', '8', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(raw);
    const ids = (lastJson(r.stdout).items as { id: string }[]).map((it) => it.id);
    expect(ids).toEqual(expect.arrayContaining([evil[0], evil[2], evil[3]]));
  });

  it('stderr quoting file text (a skipped row, a bad row) has no raw control character', async () => {
    const file = join(dir, 'esc-rows.tsv');
    writeFileSync(file, ratings() + '3\t2\t\x1b[2J\x9bx\n');
    for (const extra of [['--skip-bad-rows'], []]) {
      const r = await run(['train', file, '--out', join(dir, 'esc-rows.alsm'), ...fast, ...extra]);
      expect(r.code, r.stderr).toBe(extra.length ? 0 : 1);
      expect(r.stderr).toMatch(/line \d+/);
      expect(r.stderr).not.toMatch(raw);
    }
  });

  it('an error quoting an id (unknown user) is escaped too', async () => {
    const r = await run(['recommend', '--model', model, '--user', '\x1b[2Jgone\x9b']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(raw);
    expect(r.stderr).toMatch(/Unknown user/);
  });
});

describe('error messages advise what the CLI has (issue 14, item 5)', () => {
  const bad = join(dir, 'bad.tsv');
  beforeAll(() => writeFileSync(bad, ratings() + '5\t6\tnot-a-number\n'));

  it('a bad row: the message names --skip-bad-rows, not onBadRow; the flag skips it and reports the count (train, evaluate, cv)', async () => {
    const r = await run(['train', bad, '--out', join(dir, 'b.alsm'), ...fast]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.tsv line \d+: .*--skip-bad-rows/);
    expect(r.stderr).not.toMatch(/onBadRow/);

    const ok = await run(['train', bad, '--out', join(dir, 'b.alsm'), ...fast, '--skip-bad-rows', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/skipped 1 bad rows of bad\.tsv \(first: line \d+: /);
    expect(lastJson(ok.stdout).interactions).toBe(ratings().trim().split('\n').length);

    const ev = await run(['evaluate', '--model', join(dir, 'b.alsm'), '--test', bad]);
    expect(ev.code).toBe(1);
    expect(ev.stderr).toMatch(/--skip-bad-rows/);
    const evOk = await run(['evaluate', '--model', join(dir, 'b.alsm'), '--test', bad, '--skip-bad-rows', '--json']);
    expect(evOk.code, evOk.stderr).toBe(0);
    expect(evOk.stderr).toMatch(/skipped 1 bad rows/);

    const cv = await run(['cv', bad, '--folds', '2', '--factors', '2', '--iterations', '1', '--skip-bad-rows', '--json']);
    expect(cv.code, cv.stderr).toBe(0);
    expect(cv.stderr).toMatch(/skipped 1 bad rows/);
  });

  it('parse advice names --decimal, --delimiter and --max-line-length, and those flags work', async () => {
    const amb = join(dir, 'amb.csv');
    writeFileSync(amb, 'u1;i1;1,234\nu2;i2;2,345\nu1;i2;1,000\nu2;i1;3,000\n');
    const r = await run(['train', amb, '--out', join(dir, 'amb.alsm'), ...fast]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--decimal/);
    expect(r.stderr).not.toMatch(/decimal option|decimal: '/);
    const ok = await run(['train', amb, '--out', join(dir, 'amb.alsm'), ...fast, '--decimal', ',', '--feedback', 'explicit', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(lastJson(ok.stdout)).toMatchObject({ users: 2, items: 2 });

    const pipes = join(dir, 'pipes.txt');
    writeFileSync(pipes, 'a|x|1\nb|y|2\na|y|3\n');
    const d = await run(['train', pipes, '--out', join(dir, 'pipes.alsm'), ...fast, '--delimiter', '|', '--json']);
    expect(d.code, d.stderr).toBe(0);
    expect(lastJson(d.stdout)).toMatchObject({ users: 2, items: 2 });

    const long = await run(['train', pipes, '--out', join(dir, 'pipes.alsm'), ...fast, '--max-line-length', '3']);
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(/longer than 3 characters.*--max-line-length/);
    expect(long.stderr).not.toMatch(/maxLineLength/);
    const zero = await run(['train', pipes, '--out', join(dir, 'pipes.alsm'), '--max-line-length', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--max-line-length must be/);
  });

  it('an unknown user: no advice to call recommendForHistory', async () => {
    const r = await run(['recommend', '--model', join(dir, 'b.alsm'), '--user', 'nobody']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unknown user "nobody".*train again/);
    expect(r.stderr).not.toMatch(/recommendForHistory/);
  });
});
