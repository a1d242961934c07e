/**
 * `evaluate --relevant` and `cv --metric ndcg --relevant` on a ratings file, run as a user
 * would: the built `dist/cli.js` in a child process (`npm test` builds it first).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'als-rating-ranking-'));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;

/** u.data-like ratings with a planted taste; `part` 0 or 1 picks the pairs of one half. */
function writeRatings(path: string, part: number): void {
  const rng = new Rng(11);
  const lines: string[] = [];
  for (let u = 1; u <= 60; u++) {
    for (let i = 1; i <= 40; i++) {
      const rated = rng.next() < 0.4;
      const stars = i % 3 === u % 3 ? 4 + rng.int(2) : 1 + rng.int(2);
      if (rated && (rng.next() < 0.8 ? 0 : 1) === part) lines.push(`${u}\t${i}\t${stars}\t${880000000 + u * 100 + i}`);
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

describe('CLI: ranking metrics of a rating model', () => {
  const data = join(dir, 'ratings.tsv');
  const test = join(dir, 'held-out.tsv');
  const model = join(dir, 'ratings.alsm');

  beforeAll(async () => {
    expect(existsSync(cli), 'run `npm run build` first').toBe(true);
    writeRatings(data, 0);
    writeRatings(test, 1);
    const r = await run(['train', data, '--out', model, '--feedback', 'explicit', '--factors', '4', '--iterations', '5', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('evaluate prints RMSE/MAE and the ranking metrics, --relevant choosing the held-out pairs that count', async () => {
    const all = await run(['evaluate', '--model', model, '--test', test, '--k', '5', '--json']);
    expect(all.code, all.stderr).toBe(0);
    const a = lastJson(all.stdout);
    expect(a).toMatchObject({ k: 5, unknown: 0 });
    for (const key of ['rmse', 'mae', 'count', 'precision', 'recall', 'map', 'ndcg', 'auc', 'mpr', 'users']) expect(typeof a[key], key).toBe('number');
    expect(all.stderr).toMatch(/RMSE [\d.]+ {2}MAE/);
    expect(all.stderr).toMatch(/@5: precision [\d.]+ .* NDCG [\d.]+/);
    const four = await run(['evaluate', '--model', model, '--test', test, '--k', '5', '--relevant', '4', '--json']);
    const f = lastJson(four.stdout);
    expect(f).toMatchObject({ relevant: 4, rmse: a.rmse, count: a.count });
    // Only the liked films count: fewer users have one, and the ranking is judged on them alone.
    expect(f.users as number).toBeLessThanOrEqual(a.users as number);
    expect(f.ndcg).not.toBe(a.ndcg);
    expect(four.stderr).toContain('relevant = value ≥ 4');
    const bad = await run(['evaluate', '--model', model, '--test', test, '--relevant', 'four']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--relevant must be a number');
  });

  it('cv --metric ndcg --relevant 4 selects a rating model on its ranking', async () => {
    const r = await run(['cv', data, '--feedback', 'explicit', '--folds', '3', '--grid', 'regularization=0.05,3', '--factors', '4', '--iterations', '4', '--workers', '1', '--metric', 'ndcg', '--relevant', '4', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = lastJson(r.stdout) as { metric: string; best: { score: number }; trials: { mean: number }[] };
    expect(j.metric).toBe('ndcg');
    expect(j.best.score).toBe(Math.max(...j.trials.map((t) => t.mean)));
    expect(r.stderr).toContain('best (3-fold ndcg)');
  });
});
