/**
 * The CLI contract, run as a user would: the built `dist/cli.js` in a child process
 * (`npm test` builds it first).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/util/rng.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'als-cli-'));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** A small ratings file in u.data form (user, item, rating, timestamp; tab-separated, no header). */
function writeRatings(path: string, users: number, items: number, seed: number): void {
  const rng = new Rng(seed);
  const lines: string[] = [];
  for (let u = 1; u <= users; u++) {
    const taste = u % 3;
    for (let i = 1; i <= items; i++) {
      if (rng.next() < 0.3) lines.push(`${u}\t${i}\t${i % 3 === taste ? 4 + rng.int(2) : 1 + rng.int(2)}\t${880000000 + rng.int(1e6)}`);
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

describe('als-wasm CLI', () => {
  const data = join(dir, 'u.data');
  const test = join(dir, 'u.test');
  const explicitModel = join(dir, 'explicit.alsm');
  const implicitModel = join(dir, 'implicit.alsm');

  beforeAll(() => {
    expect(existsSync(cli), 'run `npm run build` first').toBe(true);
    writeRatings(data, 60, 40, 1);
    writeRatings(test, 60, 40, 2);
  });

  it('trains an explicit model and prints the contract JSON last', async () => {
    const r = await run(['train', data, '--out', explicitModel, '--feedback', 'explicit', '--factors', '4', '--regularization', '0.1', '--biases', '--iterations', '5', '--solver', 'cholesky', '--workers', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = lastJson(r.stdout);
    expect(j).toMatchObject({ users: 60, items: 40, iterations: 5 });
    expect(j.interactions).toBeGreaterThan(0);
    expect(j.secondsPerIteration).toHaveLength(5);
    expect(j.loss).toHaveLength(5);
    expect(r.stderr).toMatch(/iteration\s+5/);
    // The parse line ends with the real count (a small file once read "0 rows, 100 %").
    const parsed = [...r.stderr.matchAll(/parsing \S+: (\d+) rows, 100 %/g)];
    expect(parsed).toHaveLength(1);
    expect(Number(parsed[0][1])).toBe(readFileSync(data, 'utf8').trim().split('\n').length); // no header line
    expect(existsSync(explicitModel)).toBe(true);
  });

  it('--workers N really trains on N threads, with the same losses as --workers 1; the default is the cores here', async () => {
    const args = ['train', data, '--feedback', 'implicit', '--factors', '8', '--iterations', '3', '--json'];
    const one = await run([...args, '--out', join(dir, 'w1.alsm'), '--workers', '1']);
    const three = await run([...args, '--out', join(dir, 'w3.alsm'), '--workers', '3']);
    const dflt = await run([...args, '--out', join(dir, 'wd.alsm')]);
    for (const r of [one, three, dflt]) expect(r.code, r.stderr).toBe(0);
    expect(lastJson(one.stdout).workers).toBe(1);
    expect(lastJson(three.stdout).workers).toBe(3);
    expect(lastJson(dflt.stdout).workers).toBe(Math.min(8, availableParallelism()));
    expect(lastJson(three.stdout).loss).toEqual(lastJson(one.stdout).loss);
    expect(three.stderr).not.toMatch(/note: trained on 1/);
  });

  it('train --json reports the λ used; --tune searches, refits and reports the search (issue 13)', async () => {
    const plain = await run(['train', data, '--out', join(dir, 'plain.alsm'), '--feedback', 'implicit', '--factors', '4', '--iterations', '3', '--workers', '1', '--json']);
    expect(plain.code, plain.stderr).toBe(0);
    const p = lastJson(plain.stdout);
    // The default λ is measured (calibrated on held-out pairs) and printed as a number, never null.
    expect(typeof p.regularization).toBe('number');
    expect(p.regularization as number).toBeGreaterThan(0);
    expect(p).toMatchObject({ confidence: { form: 'log', alpha: 2 } });
    const out = join(dir, 'tuned.alsm');
    const r = await run(['train', data, '--out', out, '--feedback', 'implicit', '--factors', '4', '--tune', '--tune-budget', '20', '--workers', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = lastJson(r.stdout) as { regularization: number; factors: number; tuned: { params: Record<string, unknown>; score: number; trials: { params: unknown; score: number; seconds: number }[]; seconds: number } };
    expect(j.tuned.trials.length).toBeGreaterThanOrEqual(5);
    expect(j.tuned.seconds).toBeLessThan(20);
    expect(j.tuned.params.factors).toBe(4); // a fixed option stays fixed
    expect(j.regularization).toBeCloseTo(j.tuned.params.regularization as number, 10); // the refit used the winner's λ
    expect(j.tuned.score).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/tune run +1 \(rung 0\)/);
    expect(existsSync(out)).toBe(true);
    // A budget that is not a positive number is bad usage.
    const bad = await run(['train', data, '--out', out, '--tune-budget', '-3']);
    expect(bad.code).toBe(2);
  });

  it('evaluates explicit models with RMSE/MAE', async () => {
    const r = await run(['evaluate', '--model', explicitModel, '--test', test, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = lastJson(r.stdout);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['rmse', 'mae', 'count']));
    expect(j.rmse).toBeLessThan(1.5);
  });

  it('trains implicit, evaluates ranking metrics, recommends and finds similar items', async () => {
    const t = await run(['train', data, '--out', implicitModel, '--feedback', 'implicit', '--factors', '8', '--alpha', '5', '--confidence', 'log', '--iterations', '4', '--seed', '3', '--json']);
    expect(t.code, t.stderr).toBe(0);
    const e = await run(['evaluate', '--model', implicitModel, '--test', test, '--k', '5', '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(Object.keys(lastJson(e.stdout))).toEqual(expect.arrayContaining(['k', 'precision', 'recall', 'map', 'ndcg', 'auc', 'users']));
    const rec = await run(['recommend', '--model', implicitModel, '--user', '7', '--k', '3', '--json']);
    expect(rec.code, rec.stderr).toBe(0);
    const items = lastJson(rec.stdout).items as { id: string; score: number }[];
    expect(items).toHaveLength(3);
    expect(typeof items[0].score).toBe('number');
    const sim = await run(['similar', '--model', implicitModel, '--item', '2', '--k', '4', '--json']);
    expect(sim.code, sim.stderr).toBe(0);
    expect((lastJson(sim.stdout).items as unknown[]).length).toBe(4);
    const human = await run(['recommend', '--model', implicitModel, '--user', '7', '--k', '2']);
    expect(human.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('--precision mixed trains implicit CG with f32 panels and says so; without --solver cg it is a usage error', async () => {
    const out = join(dir, 'mixed.alsm');
    const t = await run(['train', data, '--out', out, '--feedback', 'implicit', '--factors', '8', '--iterations', '3', '--solver', 'cg', '--precision', 'mixed', '--workers', '1', '--json']);
    expect(t.code, t.stderr).toBe(0);
    const j = lastJson(t.stdout);
    expect(j.precision).toBe('mixed');
    expect((j.loss as number[]).every(Number.isFinite)).toBe(true);
    const bad = await run(['train', data, '--out', out, '--feedback', 'implicit', '--precision', 'mixed', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--precision.*--solver cg/);
  });

  it('cross-validates a grid: one table row per trial on stderr, the contract JSON last', async () => {
    // FILE after the grid words: --grid stops at the first word without "=".
    const r = await run(['cv', '--feedback', 'explicit', '--folds', '3', '--grid', 'factors=1,3', 'regularization=0.1,1', data, '--iterations', '4', '--biases', '--seed', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = lastJson(r.stdout) as { metric: string; folds: number; best: Record<string, number>; trials: Record<string, number>[] };
    expect(j).toMatchObject({ metric: 'rmse', folds: 3 });
    // The best is a grid point, or the defaults' reference trial when none beat them.
    expect(Object.keys(j.best).sort()).toEqual(j.best.reference ? ['reference', 'score', 'std'] : ['factors', 'regularization', 'score', 'std']);
    expect(j.trials.map((t) => [t.factors, t.regularization])).toEqual([[1, 0.1], [1, 1], [3, 0.1], [3, 1], [undefined, undefined]]);
    expect(j.trials[4].reference).toBe('defaults');
    for (const t of j.trials) {
      expect(t.mean).toBeGreaterThan(0);
      expect(t.std).toBeGreaterThan(0); // the folds' scores differ
    }
    expect(j.best.score).toBe(Math.min(...j.trials.map((t) => t.mean)));
    expect(r.stderr.split('\n').filter((l) => /^\s+\d+\s.*±/.test(l))).toHaveLength(5);
    // Implicit data, a ranking metric, the grid given last.
    const imp = await run(['cv', data, '--feedback', 'implicit', '--folds', '2', '--metric', 'map', '--k', '5', '--iterations', '2', '--json', '--grid', 'alpha=1,10', 'confidence=linear,log']);
    expect(imp.code, imp.stderr).toBe(0);
    const ij = lastJson(imp.stdout) as { metric: string; best: Record<string, unknown>; trials: unknown[] };
    expect(ij.metric).toBe('map');
    expect(ij.trials).toHaveLength(5); // the grid's 4 and the defaults' (α 2, log: not a grid point)
    expect(ij.best.reference === 'defaults' || 'confidence' in ij.best).toBe(true);
    // Early stopping per fold, fixed options outside the grid, and a refit saved with --out.
    const modelPath = join(dir, 'cv-best.alsm');
    const es = await run(['cv', data, '--feedback', 'explicit', '--folds', '2', '--factors', '3', '--grid', 'regularization=0.1,1', '--iterations', '20', '--patience', '2', '--out', modelPath, '--json']);
    expect(es.code, es.stderr).toBe(0);
    const ej = lastJson(es.stdout) as { trials: { bestIterations: number[] }[]; model: string };
    for (const t of ej.trials) expect(t.bestIterations).toHaveLength(2);
    expect(ej.model).toBe(modelPath);
    const rec = await run(['recommend', '--model', modelPath, '--user', '1', '--k', '2', '--json']);
    expect(rec.code, rec.stderr).toBe(0);
    // Usage mistakes exit 2, options the library refuses too (issue 14), naming the option.
    const empty = await run(['cv', data, '--grid', '--json']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--grid needs key=v1,v2/);
    const nan = await run(['cv', data, '--grid', 'factors=1,x']);
    expect(nan.code).toBe(2);
    const bogus = await run(['cv', data, '--grid', 'bogus=1,2']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/"grid\.bogus"/);
  });

  it('exits non-zero with one line naming the file and the line of a bad row', async () => {
    const bad = join(dir, 'bad.tsv');
    writeFileSync(bad, '1\t2\t3\n1\t3\t4\n2\tx\tnot-a-number\n');
    const r = await run(['train', bad, '--out', join(dir, 'x.alsm')]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(/bad\.tsv.*line 3/);
  });

  it('refuses an unknown user, a missing model and bad usage', async () => {
    const r = await run(['recommend', '--model', implicitModel, '--user', 'nobody']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unknown user "nobody"/);
    const m = await run(['recommend', '--model', join(dir, 'missing.alsm'), '--user', '1']);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/missing\.alsm/);
    const u = await run(['train', data]);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/--out is required/);
    const o = await run(['train', data, '--out', join(dir, 'y.alsm'), '--factors', '0']);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/--factors must be an integer in \[1, 1024\]/);
  });

  it('runs the built-in demo', async () => {
    const r = await run(['demo', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = lastJson(r.stdout);
    expect(j.tasteMatch).toBeGreaterThan(0.6);
  });
});
