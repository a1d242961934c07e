/**
 * Issue 26 items 3 and 9 and the CLI part of its minor list: encodings of ratings files and id
 * lists, explicit feedback without ratings, ratings far outside their scale, and messages that
 * name the flags the user gave.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, FAST, lastJson, ratingsTsv, runCli } from '../helpers/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'als-rel3-in-'));
const run = (args: string[]) => runCli(args, dir);
const model = join(dir, 'm.als');

/** UTF-16 LE with a BOM, as Windows tools save "Unicode" text. */
const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

beforeAll(async () => {
  expect(existsSync(cli), 'run `npm run build:lib` first').toBe(true);
  writeFileSync(join(dir, 'r.tsv'), ratingsTsv());
  expect((await run(['train', join(dir, 'r.tsv'), '--out', model, ...FAST])).code).toBe(0);
});

describe('encodings (issue 26, item 3)', () => {
  it('a Latin-1 ratings file keeps José and Josè apart (two users, not one U+FFFD id) and says it read Latin-1', async () => {
    const rows = ['Jos\xe9,a,5', 'Jos\xe9,b,4', 'Jos\xe8,a,1', 'Jos\xe8,c,2', 'Ana,b,3', 'Ana,c,5'].join('\n') + '\n';
    writeFileSync(join(dir, 'latin1.csv'), Buffer.from(rows, 'latin1'));
    const r = await run(['train', join(dir, 'latin1.csv'), '--out', join(dir, 'l.als'), ...FAST, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: latin1\.csv is not UTF-8; read as Latin-1/);
    expect(lastJson(r.stdout).users).toBe(3);
    const rec = await run(['recommend', '--model', join(dir, 'l.als'), '--users', 'José,Josè', '--k', '1', '--include-seen', '--json'].filter((a) => a !== '--include-seen'));
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout.trim().split('\n').map((l) => JSON.parse(l).user)).toEqual(['José', 'Josè']);
  });

  it('a file mixing UTF-8 and Latin-1 is refused naming the line of the first bad byte', async () => {
    const bytes = Buffer.concat([Buffer.from('Zoë,a,5\nAna,b,4\n', 'utf8'), Buffer.from('Jos\xe9,a,1\n', 'latin1')]);
    writeFileSync(join(dir, 'mixed.csv'), bytes);
    const r = await run(['train', join(dir, 'mixed.csv'), '--out', join(dir, 'x.als'), ...FAST]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mixed\.csv line 3: a byte that is not UTF-8 .*mixes encodings/);
  });

  it('UTF-16 lists: --exclude @FILE excludes, --users @FILE names the users', async () => {
    const plain = await run(['recommend', '--model', model, '--user', '1', '--k', '3', '--json']);
    const top = (lastJson(plain.stdout).items as { id: string }[]).map((i) => i.id);
    writeFileSync(join(dir, 'ex16.txt'), utf16le(top.join('\r\n') + '\r\n'));
    const ex = await run(['recommend', '--model', model, '--user', '1', '--k', '3', '--exclude', `@${join(dir, 'ex16.txt')}`, '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    for (const it of lastJson(ex.stdout).items as { id: string }[]) expect(top).not.toContain(it.id);
    writeFileSync(join(dir, 'users16.txt'), utf16le('1\r\n2\r\n'));
    const users = await run(['recommend', '--model', model, '--users', `@${join(dir, 'users16.txt')}`, '--json']);
    expect(users.code, users.stderr).toBe(0);
    expect(users.stdout.trim().split('\n').map((l) => JSON.parse(l).user)).toEqual(['1', '2']);
  });
});

describe('data the run cannot use', () => {
  it('--feedback explicit on data without a rating column exits 2 naming --feedback (was a constant model, exit 0)', async () => {
    writeFileSync(join(dir, 'pairs.tsv'), '1\t1\n2\t2\n1\t2\n3\t1\n');
    const r = await run(['train', join(dir, 'pairs.tsv'), '--feedback', 'explicit', '--out', join(dir, 'p.als'), ...FAST]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--feedback is explicit, but "pairs\.tsv" has no value column/);
    expect(existsSync(join(dir, 'p.als'))).toBe(false);
  });

  it('a rating of 5000 among 1–5 is refused naming its line; --allow-outliers accepts it (train, cv, update)', async () => {
    writeFileSync(join(dir, 'o.tsv'), ratingsTsv() + '3\t4\t5000\n');
    const line = ratingsTsv().split('\n').length; // the last line
    for (const args of [['train', join(dir, 'o.tsv'), '--out', join(dir, 'o.als'), ...FAST], ['cv', join(dir, 'o.tsv'), '--folds', '2', '--iterations', '1']]) {
      const r = await run(args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`o\\.tsv line ${line}: the rating 5000 \\(user "3", item "4"\\) is far outside the scale of the other ratings \\(1 … 5\\).*--allow-outliers`));
    }
    expect((await run(['train', join(dir, 'o.tsv'), '--out', join(dir, 'o.als'), ...FAST, '--allow-outliers'])).code).toBe(0);
    writeFileSync(join(dir, 'up.tsv'), '2\t3\t5000\n');
    const u = await run(['update', '--model', model, join(dir, 'up.tsv'), '--out', join(dir, 'u.als')]);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/up\.tsv line 1: the rating 5000/);
    expect((await run(['update', '--model', model, join(dir, 'up.tsv'), '--out', join(dir, 'u.als'), '--allow-outliers'])).code).toBe(0);
  });

  it('counts are not ratings: plays with a whale train as implicit feedback (repeated pairs summed), no outlier refusal; `user,item,1` too', async () => {
    // Most pairs played once or twice, a long tail, one whale at 5000; the pair (u1, a1) appears twice.
    const rows = ['u1\ta1\t1', 'u1\ta1\t2'];
    for (let u = 0; u < 40; u++) for (let a = 0; a < 6; a++) rows.push(`u${u}\ta${(u * 7 + a * 3) % 25}\t${1 + ((u * a) % 7 === 0 ? 3 : 0) + (a === 5 ? (u % 5) * 4 : 0)}`);
    rows.push('u3\ta4\t5000');
    writeFileSync(join(dir, 'plays.tsv'), rows.join('\n') + '\n');
    const r = await run(['train', join(dir, 'plays.tsv'), '--out', join(dir, 'plays.als'), ...FAST, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ feedback: 'implicit' });
    expect(r.stderr).not.toMatch(/rating model|outside the scale/);
    // An update of the counts model with another whale is data too.
    writeFileSync(join(dir, 'more-plays.tsv'), 'u2\ta3\t1\nu9\ta1\t8000\n');
    const up = await run(['update', '--model', join(dir, 'plays.als'), join(dir, 'more-plays.tsv'), '--out', join(dir, 'plays2.als')]);
    expect(up.code, up.stderr).toBe(0);
    writeFileSync(join(dir, 'ones.tsv'), rows.map((l) => l.replace(/\t\d+$/, '\t1')).join('\n') + '\n');
    const ones = await run(['train', join(dir, 'ones.tsv'), '--out', join(dir, 'ones.als'), ...FAST, '--json']);
    expect(ones.code, ones.stderr).toBe(0);
    expect(lastJson(ones.stdout)).toMatchObject({ feedback: 'implicit' });
    expect(ones.stderr).not.toMatch(/every factor is 0/);
  });

  it('update refuses a rating of 1e-300 as train does (f32 would store 0)', async () => {
    writeFileSync(join(dir, 'tiny.tsv'), '1\t1\t1e-300\n');
    const r = await run(['update', '--model', model, join(dir, 'tiny.tsv'), '--out', join(dir, 't.als')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rating 1e-300 .*too small to store/);
  });

  it('a header "visitor,article" is a header, not a row', async () => {
    writeFileSync(join(dir, 'va.csv'), 'visitor,article\nv1,a1\nv2,a2\nv1,a2\nv3,a1\n');
    const r = await run(['train', join(dir, 'va.csv'), '--out', join(dir, 'va.als'), ...FAST, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ users: 3, items: 2 });
  });
});

describe('messages in the words of the flags given', () => {
  it('--event-weights constructor=2 is an event like any other, not "given twice"', async () => {
    writeFileSync(join(dir, 'ev.csv'), 'user,item,event\nu1,i1,view\nu2,i2,constructor\nu1,i2,view\nu3,i1,constructor\n');
    const r = await run(['train', join(dir, 'ev.csv'), '--event-weights', 'constructor=2,view=1', '--out', join(dir, 'ev.als'), ...FAST]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('--alpha 1e300 blames alpha, never --regularization (which was not given)', async () => {
    const r = await run(['train', join(dir, 'r.tsv'), '--feedback', 'implicit', '--alpha', '1e300', '--out', join(dir, 'a.als'), ...FAST]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The confidence of user .* is .*e\+\d+ .*lower alpha/);
    expect(r.stderr).not.toMatch(/--regularization must/);
  });

  it('--regularization 1e300 trains all-zero factors and says so', async () => {
    const r = await run(['train', join(dir, 'r.tsv'), '--regularization', '1e300', '--out', join(dir, 'z.als'), ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: every factor is 0 .*lower --regularization/);
  });

  it('import of an .npz with a NaN λ: exit 1 naming the file\'s value, not "--regularization must…" exit 2', async () => {
    const { npy, zipStored } = await import('../../src/io/npz-write.js');
    const { npyBytes } = await import('../helpers/npy.js');
    writeFileSync(join(dir, 'nan.npz'), zipStored([['item_factors.npy', npyBytes(Float32Array.of(0.1, 0.2, 0.3, 0.4), [2, 2])], ['regularization.npy', npy({ dtype: '<f8', shape: [], data: [NaN] })]]));
    const r = await run(['import', join(dir, 'nan.npz'), '--out', join(dir, 'nan.als')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/factor file's regularization is NaN/);
  });

  it('a Spark directory whose part files are symbolic links is followed', async () => {
    const { symlinkSync, mkdirSync } = await import('node:fs');
    const { sparkParquet } = await import('../helpers/spark-parquet.js');
    const part = sparkParquet([1, 2], (_, r) => [[0.1, 0.2], [0.3, 0.4]][r]);
    writeFileSync(join(dir, 'real-part.parquet'), part);
    mkdirSync(join(dir, 'sparklink', 'itemFactors'), { recursive: true });
    symlinkSync(join(dir, 'real-part.parquet'), join(dir, 'sparklink', 'itemFactors', 'part-00000.parquet'));
    const r = await run(['import', join(dir, 'sparklink'), '--out', join(dir, 'sl.als'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ items: 2 });
  });
});
