/**
 * CLI parity (issue 16, parts 2 and 5), run as a user would: the built `dist/cli.js` in a child
 * process on real files. Training flags for every option, recommend's filters and fold-in,
 * explain, import (implicit .npz, a Spark model directory) and export — and the mistakes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sparkParquet } from './helpers/spark-parquet.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/util/rng.js';
import { loadModel } from '../src/io/model-file.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'als-cli-parity-'));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function lastJson(stdout: string): Record<string, any> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Events (user,item,event) where users of taste t like items ≡ t (mod 3). */
function writeEvents(path: string): void {
  const rng = new Rng(4);
  const lines = ['user,item,event'];
  for (let u = 1; u <= 50; u++) {
    for (let i = 1; i <= 30; i++) {
      if (rng.next() < (i % 3 === u % 3 ? 0.5 : 0.08)) lines.push(`${u},${i},${['view', 'basket', 'purchase'][rng.int(3)]}`);
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

const events = join(dir, 'events.csv');
const model = join(dir, 'model.alsm');

beforeAll(async () => {
  expect(existsSync(cli), 'run `npm run build` first').toBe(true);
  writeEvents(events);
  const r = await run(['train', events, '--out', model, '--feedback', 'implicit', '--factors', '6', '--iterations', '4', '--workers', '1', '--event-weights', 'view=3,basket=10,purchase=40', '--solver', 'cg', '--cg-steps', '2', '--duplicates', 'max', '--kernels', 'scalar', '--json']);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

describe('training flags for every option', () => {
  it('--event-weights, --cg-steps, --duplicates, --kernels reach the model', async () => {
    const m = await loadModel(readFileSync(model));
    expect(m.options).toMatchObject({ eventWeights: { view: 3, basket: 10, purchase: 40 }, cgSteps: 2, duplicates: 'max', solver: 'cg' });
    const r = await run(['train', events, '--out', join(dir, 'k.alsm'), '--feedback', 'implicit', '--factors', '4', '--iterations', '2', '--workers', '1', '--kernels', 'scalar', '--json']);
    expect(lastJson(r.stdout).kernels).toBe('scalar');
  });

  it('cv takes --workers and the same training flags', async () => {
    const r = await run(['cv', events, '--feedback', 'implicit', '--folds', '2', '--grid', 'factors=2,4', '--iterations', '2', '--workers', '2', '--event-weights', 'view=1,basket=2,purchase=3', '--epsilon', '2', '--cg-steps', '1', '--solver', 'cg', '--json']);
    expect(r.code, r.stderr).toBe(0);
    // The two grid points and the defaults' reference trial.
    expect(lastJson(r.stdout).trials).toHaveLength(3);
    expect(lastJson(r.stdout).trials[2].reference).toBe('defaults');
  });

  it.each([
    [['--event-weights', 'view=x'], /--event-weights: "view=x" must look like event=weight/],
    [['--event-weights', 'view=1,view=2'], /"view" is given twice/],
    [['--duplicates', 'first'], /--duplicates must be one of sum, last, max, got "first"/],
    [['--kernels', 'gpu'], /--kernels must be one of auto, relaxed, simd, scalar, reference/],
    [['--cg-steps', '0'], /--cg-steps/],
    [['--bogus'], /"train" does not take --bogus/],
  ])('train %j is a usage error (exit 2) naming the flag', async (flags, message) => {
    const r = await run(['train', events, '--out', join(dir, 'never.alsm'), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'never.alsm'))).toBe(false);
  });

  it('cv --workers out of range is a usage error', async () => {
    const r = await run(['cv', events, '--workers', '999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers must be an integer in \[1, /);
  });
});

describe('recommend: --exclude, --candidates (ids or @file), --include-seen, --history (fold-in)', () => {
  it('filters as asked', async () => {
    const all = lastJson((await run(['recommend', '--model', model, '--user', '4', '--k', '30', '--json'])).stdout).items.map((r: { id: string }) => r.id);
    const m = await loadModel(readFileSync(model));
    const seen = m.recommend('4', 30, { filterSeen: false }).map((r) => String(r.id)).filter((id) => !all.includes(id));
    expect(seen.length).toBeGreaterThan(0);
    const excluded = lastJson((await run(['recommend', '--model', model, '--user', '4', '--k', '30', '--exclude', all.slice(0, 2).join(','), '--json'])).stdout).items.map((r: { id: string }) => r.id);
    expect(excluded).toEqual(all.slice(2));
    writeFileSync(join(dir, 'cands.txt'), `${all[3]}\n\n${all[1]}\n`);
    const cands = lastJson((await run(['recommend', '--model', model, '--user', '4', '--candidates', '@cands.txt', '--json'])).stdout).items.map((r: { id: string }) => r.id);
    expect(cands).toEqual([all[1], all[3]]);
    const withSeen = lastJson((await run(['recommend', '--model', model, '--user', '4', '--k', '30', '--include-seen', '--json'])).stdout).items.map((r: { id: string }) => r.id);
    expect(withSeen).toEqual(expect.arrayContaining(seen));
  });

  it('--history folds in a new user: the same items as the library, unknown items reported', async () => {
    const r = await run(['recommend', '--model', model, '--history', '3:40,6:10,9,nope:1', '--k', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = lastJson(r.stdout);
    const m = await loadModel(readFileSync(model));
    const want = m.recommendForHistory([{ item: '3', value: 40 }, { item: '6', value: 10 }, { item: '9', value: 1 }, { item: 'nope', value: 1 }], 5);
    expect(j.items.map((x: { id: string }) => x.id)).toEqual(want.map((x) => String(x.id)));
    expect(j.unknownItems).toEqual(['nope']);
    expect(j.fallback).toBeNull();
    expect(r.stderr).toMatch(/1 history items are not in the model/);
  });

  it.each([
    [['--user', '4', '--history', '3:1'], /--user .* or --history .*, not both/],
    [[], /--user is required/],
    [['--history', '3:abc'], /--history: "3:abc" must look like item:value/],
    [['--user', '4', '--exclude', 'a,,b'], /--exclude: "a,,b" has an empty id/],
    [['--user', '4', '--candidates', '@missing.txt'], /--candidates @missing.txt: cannot read missing.txt/],
    [['--user', '4', '--include-seen=yes'], /--include-seen takes no value/],
    [['--users', '4,5', '--exclude', '3'], /--exclude applies to one user \(--user or --history\), not to --users/],
  ])('recommend %j is a usage error (exit 2)', async (flags, message) => {
    const r = await run(['recommend', '--model', model, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('an unknown user points at --history', async () => {
    const r = await run(['recommend', '--model', model, '--user', 'stranger']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Fold them in with --history/);
  });
});

describe('explain', () => {
  it('the contributions, the rest and the baseline add up to the score', async () => {
    const r = await run(['explain', '--model', model, '--user', '4', '--item', '7', '--top', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = lastJson(r.stdout);
    expect(j.contributions).toHaveLength(3);
    const sum = j.contributions.reduce((s: number, c: { contribution: number }) => s + c.contribution, 0) + j.rest + j.baseline;
    expect(sum).toBeCloseTo(j.score, 9);
    const text = await run(['explain', '--model', model, '--user', '4', '--item', '7', '--top', '3']);
    expect(text.stdout).toMatch(/^score -?\d+\.\d{4} for item 7( \(baseline -?\d+\.\d{4}\))?\n/);
    expect((await run(['explain', '--model', model, '--user', '4', '--item', '7', '--top', '0'])).code).toBe(2);
    expect((await run(['explain', '--model', model, '--user', '4'])).stderr).toMatch(/--item is required/);
  });
});

describe('export and import', () => {
  it('export npz → import → the same recommendations; the implicit convention is recorded', async () => {
    const npz = join(dir, 'model.npz');
    const e = await run(['export', '--model', model, '--format', 'npz', '--out', npz, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(lastJson(e.stdout)).toMatchObject({ format: 'npz', users: 50, items: 30, factors: 6 });
    const back = join(dir, 'back.alsm');
    const i = await run(['import', npz, '--out', back, '--json']);
    expect(i.code, i.stderr).toBe(0);
    expect(lastJson(i.stdout)).toMatchObject({ users: 50, items: 30, factors: 6, feedback: 'implicit', confidence: { form: 'scaled' } });
    const a = lastJson((await run(['recommend', '--model', model, '--user', '4', '--include-seen', '--json'])).stdout).items;
    const b = lastJson((await run(['recommend', '--model', back, '--user', '4', '--include-seen', '--json'])).stdout).items;
    expect(b.map((x: { id: string }) => x.id)).toEqual(a.map((x: { id: string }) => x.id));
  });

  it('export spark-json writes userFactors.json and itemFactors.json; importing itemFactors.json uses Spark\'s convention', async () => {
    const out = join(dir, 'spark-out');
    const e = await run(['export', '--model', model, '--format', 'spark-json', '--out', out]);
    expect(e.code, e.stderr).toBe(0);
    const first = JSON.parse(readFileSync(join(out, 'itemFactors.json'), 'utf8').split('\n')[0]);
    expect(Object.keys(first)).toEqual(['id', 'features']);
    expect(first.features).toHaveLength(6);
    const i = await run(['import', join(out, 'itemFactors.json'), '--out', join(dir, 'items.alsm'), '--alpha', '5', '--json']);
    expect(i.code, i.stderr).toBe(0);
    expect(lastJson(i.stdout)).toMatchObject({ users: 0, items: 30, confidence: { form: 'linear', alpha: 5 } });
  });

  it('imports a Spark ALSModel.save() directory (metadata + Parquet) with its λ, α and implicitPrefs', async () => {
    const spark = join(dir, 'spark-model');
    const f = 3;
    const parquet = (ids: number[]) => sparkParquet(ids, (id) => Array.from({ length: f }, (_, a) => ((id * 7 + a * 3) % 11) / 10 - 0.4));
    for (const side of ['metadata', 'userFactors', 'itemFactors']) mkdirSync(join(spark, side), { recursive: true });
    writeFileSync(join(spark, 'metadata/part-00000'), JSON.stringify({ class: 'org.apache.spark.ml.recommendation.ALSModel', sparkVersion: '3.5.1', paramMap: { implicitPrefs: true, alpha: 40, regParam: 0.01 }, defaultParamMap: {}, rank: f }) + '\n');
    writeFileSync(join(spark, 'userFactors/part-00000-x.snappy.parquet'), parquet([1, 2, 3]));
    writeFileSync(join(spark, 'itemFactors/part-00000-x.snappy.parquet'), parquet([10, 11, 12, 13]));
    writeFileSync(join(spark, 'itemFactors/_SUCCESS'), '');
    const i = await run(['import', spark, '--out', join(dir, 'spark.alsm'), '--json']);
    expect(i.code, i.stderr).toBe(0);
    expect(lastJson(i.stdout)).toMatchObject({ users: 3, items: 4, factors: 3, feedback: 'implicit', regularization: 0.01, confidence: { form: 'linear', alpha: 40 } });
    const r = await run(['recommend', '--model', join(dir, 'spark.alsm'), '--history', '10:1,12:2', '--k', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout).items).toHaveLength(2);
  });

  it.each([
    [['import', 'x.npz'], 2, /--out is required/],
    [['import', 'x.npz', '--out', 'y.alsm', '--format', 'pickle'], 2, /--format must be one of npz, npy, parquet, spark, json, csv/],
    [['import', 'x.npz', '--out', 'y.alsm', '--source', 'torch'], 2, /--source must be one of implicit, spark/],
    [['import', 'missing.npz', '--out', 'y.alsm'], 1, /Cannot read missing.npz/],
    [['export', '--model', 'model.alsm', '--out', 'x.npz'], 2, /--format is required/],
    [['export', '--model', 'model.alsm', '--format', 'csv', '--out', 'x'], 2, /--format must be one of npz, spark-json/],
    [['export', '--model', 'model.alsm', '--format', 'npz', '--out', 'model.alsm'], 2, /is the input file/],
  ])('%j exits %i with a clear message', async (args, code, message) => {
    const r = await run(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it('a corrupt source is bad input (exit 1) naming what is wrong', async () => {
    writeFileSync(join(dir, 'bad.npz'), 'PK not a zip');
    const r = await run(['import', 'bad.npz', '--out', 'z.alsm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/als-wasm: The \.npz file is not a complete ZIP archive/);
  });
});
