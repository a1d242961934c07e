/**
 * Parallel half-steps (issue #4) in Node: a pool of worker_threads sharing one WebAssembly
 * memory gives factors and losses bit-identical to one thread, for 1, 2 and 3 workers, on
 * explicit (biases, ALS-WR; Cholesky, CG) and implicit (Cholesky, CG) problems; progress, cancel and errors
 * behave as on one thread; the pool is kept and reused, not re-created per run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTrainOptions, type TrainOptions, type TrainProgress } from '../../src/train/options.js';
import { trainFactors, type TrainHooks } from '../../src/train/train.js';
import { buildMatrix } from '../../src/data/csr.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { Engine } from '../../src/engine/engine.js';
import { workerApi } from '../../src/worker/adapter.js';
import { isAlsError } from '../../src/errors.js';
import { defaultWorkers } from '../../src/parallel/cores.js';
import { PoolKeeper } from '../../src/parallel/lease.js';
import { PROTOCOL } from '../../src/parallel/protocol.js';
import { WorkerPool } from '../../src/parallel/pool.js';
import type { KernelVariant } from '../../src/wasm/abi.js';
import { kernelVariantsAvailable } from '../../src/wasm/kernels.js';
import { matrixFrom } from '../helpers/als-fixtures.js';

const variants = (await kernelVariantsAvailable()).filter((v): v is Exclude<KernelVariant, 'reference'> => v !== 'reference');
const keeper = new PoolKeeper();
afterAll(() => keeper.dispose());

/** A problem big enough for dozens of chunks per half-step. */
const data = generateSynthetic({ users: 300, items: 200, interactions: 9000, rank: 6, feedback: 'explicit', seed: 11 });
const explicitMatrix = buildMatrix(data, { duplicates: 'last' });
const implicitMatrix = buildMatrix(data, { duplicates: 'sum' });

async function trainWith(o: TrainOptions, workers: number, hooks: TrainHooks = {}) {
  const opts = resolveTrainOptions({ ...o, workers }, o.feedback ?? 'implicit');
  return trainFactors(o.feedback === 'explicit' ? explicitMatrix : implicitMatrix, opts, { pool: keeper, ...hooks });
}

const cases: { name: string; o: TrainOptions }[] = [
  { name: 'explicit, biases + ALS-WR', o: { feedback: 'explicit', factors: 9, regularization: 0.05, biases: true, weightedRegularization: true, iterations: 4, seed: 2 } },
  { name: 'explicit, plain', o: { feedback: 'explicit', factors: 16, regularization: 0.1, iterations: 3, seed: 3 } },
  { name: 'implicit, Cholesky', o: { feedback: 'implicit', factors: 18, regularization: 0.05, alpha: 4, iterations: 4, seed: 4 } },
  { name: 'implicit, CG', o: { feedback: 'implicit', factors: 18, regularization: 0.05, alpha: 4, iterations: 4, solver: 'cg', cgSteps: 3, seed: 5 } },
  { name: 'implicit, CG, mixed precision', o: { feedback: 'implicit', factors: 18, regularization: 0.05, alpha: 4, iterations: 4, solver: 'cg', cgSteps: 3, seed: 5, precision: 'mixed' } },
  { name: 'explicit, CG, biases + ALS-WR', o: { feedback: 'explicit', factors: 9, regularization: 0.05, biases: true, weightedRegularization: true, iterations: 4, solver: 'cg', cgSteps: 3, seed: 6 } },
];

describe.each(variants)('parallel sweeps with %s kernels', (kernels) => {
  it.each(cases)('give bit-identical factors and losses for 1, 2 and 3 workers: $name', async ({ o }) => {
    const one = await trainWith({ ...o, kernels }, 1);
    expect(one.report.workersUsed).toBe(1);
    for (const workers of [2, 3]) {
      const many = await trainWith({ ...o, kernels }, workers);
      expect(many.report.workersUsed, `workers ${workers}`).toBe(workers);
      expect(many.report.workersNote).toBeUndefined();
      expect(many.report.kernels).toBe(kernels);
      expect(many.report.loss, `workers ${workers}`).toEqual(one.report.loss);
      expect(Buffer.from(many.factors.userFactors.buffer).equals(Buffer.from(one.factors.userFactors.buffer)), `X, workers ${workers}`).toBe(true);
      expect(Buffer.from(many.factors.itemFactors.buffer).equals(Buffer.from(one.factors.itemFactors.buffer)), `Y, workers ${workers}`).toBe(true);
      if (o.biases) {
        expect(Array.from(many.factors.userBiases!)).toEqual(Array.from(one.factors.userBiases!));
        expect(Array.from(many.factors.itemBiases!)).toEqual(Array.from(one.factors.itemBiases!));
      }
    }
  });
});

describe('the pool in a training run', () => {
  it('reports sweep progress per chunk, ending at every row, per side and iteration', async () => {
    const events: TrainProgress[] = [];
    await trainWith({ feedback: 'implicit', factors: 32, iterations: 2 }, 2, { onProgress: (p) => events.push(p) });
    const all = events.filter((e) => e.stage === 'sweep') as Extract<TrainProgress, { stage: 'sweep' }>[];
    // Per chunk the engine thread ran, plus one at the end of each half-step (4 half-steps).
    expect(all.length).toBeGreaterThan(4);
    for (const iteration of [1, 2]) {
      for (const side of ['users', 'items'] as const) {
        const sweeps = all.filter((e) => e.side === side && e.iteration === iteration);
        expect(sweeps.length).toBeGreaterThanOrEqual(1);
        expect(sweeps[sweeps.length - 1].rowsDone).toBe(side === 'users' ? implicitMatrix.byUser.rows : implicitMatrix.byItem.rows);
        for (let j = 1; j < sweeps.length; j++) expect(sweeps[j].rowsDone).toBeGreaterThanOrEqual(sweeps[j - 1].rowsDone);
      }
    }
  });

  it('cancels mid-run with an AbortError, and the pool trains correctly afterwards', async () => {
    const controller = new AbortController();
    let sweeps = 0;
    const err = await trainWith({ feedback: 'implicit', factors: 16, iterations: 1000 }, 2, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'sweep' && ++sweeps === 7) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    const a = await trainWith({ feedback: 'implicit', factors: 8, iterations: 2 }, 1);
    const b = await trainWith({ feedback: 'implicit', factors: 8, iterations: 2 }, 2);
    expect(b.report.loss).toEqual(a.report.loss);
  });

  it('raises NOT_POSITIVE_DEFINITE for the first such row in row order, as one thread does', async () => {
    // λ = 0 and users with fewer ratings than factors: several rows fail; the first must be named.
    const entries: { u: number; i: number; r: number }[] = [];
    for (let u = 0; u < 200; u++) {
      const count = u % 50 === 37 ? 1 : 30;
      for (let j = 0; j < count; j++) entries.push({ u, i: (u * 7 + j * 13) % 50, r: 1 + ((u + j) % 5) });
    }
    const matrix = matrixFrom(200, 50, entries);
    const results = [];
    for (const workers of [1, 2, 3]) {
      const opts = resolveTrainOptions({ feedback: 'explicit', factors: 24, regularization: 0, iterations: 2, workers }, 'explicit');
      results.push(await trainFactors(matrix, opts, { pool: keeper }).catch((e: unknown) => e));
    }
    for (const e of results) {
      expect(isAlsError(e) && e.code).toBe('NOT_POSITIVE_DEFINITE');
      expect((e as { details: { row: number; side: string } }).details).toMatchObject({ row: 37, side: 'users' });
      expect((e as Error).message).toBe((results[0] as Error).message);
    }
  });

  it('raises NON_FINITE for the first such row, like one thread', async () => {
    // Two users with a NaN rating; the first is named, whatever the worker count.
    const entries: { u: number; i: number; r: number }[] = [];
    for (let u = 0; u < 400; u++) for (let j = 0; j < 10; j++) entries.push({ u, i: (u * 3 + j * 7) % 50, r: (u === 233 || u === 371) && j === 0 ? NaN : 1 + (j % 3) });
    const matrix = matrixFrom(400, 50, entries);
    const errs = [];
    for (const workers of [1, 2, 3]) {
      const opts = resolveTrainOptions({ feedback: 'explicit', factors: 24, regularization: 0.1, iterations: 2, workers }, 'explicit');
      errs.push(await trainFactors(matrix, opts, { pool: keeper }).catch((e: unknown) => e));
    }
    for (const e of errs) {
      expect(isAlsError(e) && e.code, String(e)).toBe('NON_FINITE');
      // Non-finite inputs are refused before the first sweep (train.ts checkValues), naming the first in row order.
      expect((e as { details: object }).details).toMatchObject({ user: 233 });
      expect((e as Error).message).toBe((errs[0] as Error).message);
    }
  });

  it('reuses one pool and one memory across 100 runs (no thread or memory growth)', async () => {
    const small = new PoolKeeper();
    try {
      await trainWithKeeper(small);
      const first = small.threads;
      const bytes = poolBytes(small);
      for (let r = 0; r < 99; r++) await trainWithKeeper(small);
      expect(small.threads).toBe(first);
      expect(poolBytes(small)).toBe(bytes);
    } finally {
      small.dispose();
    }
    expect(small.threads).toBe(0);

    async function trainWithKeeper(k: PoolKeeper) {
      const opts = resolveTrainOptions({ feedback: 'implicit', factors: 8, iterations: 1, workers: 2 }, 'implicit');
      const { report } = await trainFactors(implicitMatrix, opts, { pool: k });
      expect(report.workersUsed).toBe(2);
    }
    function poolBytes(k: PoolKeeper): number {
      return (k as unknown as { pool: WorkerPool }).pool.runtime.memory.buffer.byteLength;
    }
  });

  it('says why it ran on one thread: the reference kernels', async () => {
    const { report } = await trainWith({ feedback: 'implicit', factors: 4, iterations: 1, kernels: 'reference' }, 2);
    expect(report.workersUsed).toBe(1);
    expect(report.workersNote).toMatch(/^1 — the reference kernels/);
  });
});

describe('the engine and its pool', () => {
  it('says how many workers it will use, and dispose() during a parallel run rejects it with an AbortError, not a hang', async () => {
    const engine = new Engine();
    const info = await engine.info();
    expect(info.workers).toBe(defaultWorkers());
    expect(info.workersNote).toBeUndefined();
    const lines: string[] = [];
    for (let j = 0; j < data.length; j++) lines.push(`${data.users.id(data.user[j])}\t${data.items.id(data.item[j])}\t${data.value[j]}`);
    const handle = await engine.load(lines.join('\n'), { format: 'tsv' });
    let sweeps = 0;
    // As the worker calls it: through the adapter, with a run id and the callback apart.
    const run = workerApi(engine).train(handle, { feedback: 'implicit', factors: 32, iterations: 10_000, workers: 2, runId: 1 }, (p) => {
      if (p.stage === 'sweep' && ++sweeps === 3) void engine.dispose();
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    // A run without a run id (an in-thread call) is stopped by dispose() too (issue 14: it used to
    // run on until the pool's terminated threads failed it with WORKER_FAILED).
    const engine2 = new Engine();
    const handle2 = await engine2.load(lines.join('\n'), { format: 'tsv' });
    let sweeps2 = 0;
    const run2 = engine2.train(handle2, {
      feedback: 'implicit', factors: 32, iterations: 10_000, workers: 2,
      onProgress: (p) => {
        if (p.stage === 'sweep' && ++sweeps2 === 3) void engine2.dispose();
      },
    });
    await expect(run2).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('WorkerPool', () => {
  it('turns a trap in a helper thread into a typed WORKER_FAILED error, and keeps working', async () => {
    const pool = await WorkerPool.create('auto', 1);
    try {
      const { arena, exports: K } = pool.runtime;
      const bounds = arena.putI32([0, 1, 2, 3, 4]);
      const results = arena.alloc(4 * PROTOCOL.RESULT_BYTES);
      // A pointer far outside the memory: the explicit loss kernel traps (out of bounds) in the helper,
      // the only thread computing here.
      const bad = 2 ** 32 - 64;
      const job = { kind: 'explicit-loss', X: bad, Y: bad, indptr: bad, indices: bad, values: bad, f: 8, mu: 0, biasRow: 0, biasCol: 0, bounds, results, count: 4 } as const;
      const err = await pool.run(job, { threads: 2, engineComputes: false }).catch((e: unknown) => e);
      expect(isAlsError(err) && err.code, String(err)).toBe('WORKER_FAILED');
      expect((err as Error).message).toMatch(/pool worker 1: .*out of bounds/);
      // The same pool then runs a good job (a Gram) on both threads.
      const f = 8;
      const n = 50;
      const Y = arena.putF64(Float64Array.from({ length: n * f }, (_, j) => Math.sin(j)));
      const G1 = arena.alloc(8 * f * f);
      const G2 = arena.alloc(8 * f * f);
      K.gramian(Y, n, f, G1);
      await pool.run({ kind: 'gram', Y, n, k: f, out: G2, count: f / 4 }, { threads: 2, engineComputes: false });
      expect(Array.from(arena.f64(G2, f * f))).toEqual(Array.from(arena.f64(G1, f * f)));
    } finally {
      pool.terminate();
    }
  });

  it('turns a trap on the engine thread into WORKER_FAILED too', async () => {
    const pool = await WorkerPool.create('auto', 1);
    try {
      const bounds = pool.runtime.arena.putI32([0, 1]);
      const results = pool.runtime.arena.alloc(PROTOCOL.RESULT_BYTES);
      const bad = 2 ** 32 - 64;
      const job = { kind: 'explicit-loss', X: bad, Y: bad, indptr: bad, indices: bad, values: bad, f: 8, mu: 0, biasRow: 0, biasCol: 0, bounds, results, count: 1 } as const;
      const err = await pool.run(job, { threads: 1 }).catch((e: unknown) => e);
      expect(isAlsError(err) && err.code, String(err)).toBe('WORKER_FAILED');
    } finally {
      pool.terminate();
    }
  });
});
