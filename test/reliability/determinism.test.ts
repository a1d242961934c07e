/**
 * Determinism: the same seed and data give bit-identical factors run after run, and the
 * committed digests (determinism-hashes.json) — which the Chromium test checks too.
 */
import { describe, expect, it } from 'vitest';
import { train } from '../../src/api/fit.js';
import { Engine } from '../../src/engine/engine.js';
import { loadModel } from '../../src/io/model-file.js';
import { loadKernels } from '../../src/wasm/kernels.js';
import { DETERMINISM_CASES, DETERMINISM_KERNELS, determinismCsv, determinismData, sha256, trainedDigest } from './determinism-cases.js';
import expected from './determinism-hashes.json' with { type: 'json' };

describe('determinism (Node)', () => {
  for (const name of Object.keys(DETERMINISM_CASES)) {
    it.each(DETERMINISM_KERNELS)(`${name}, %s kernels: the factors' SHA-256 matches the committed digest`, async (kernels) => {
      expect(await trainedDigest(name, kernels)).toBe((expected as Record<string, Record<string, string>>)[name][kernels]);
    });
  }

  it('two runs in one process are bit-identical', async () => {
    expect(await trainedDigest('implicit', 'relaxed')).toBe(await trainedDigest('implicit', 'relaxed'));
  });

  it.each(['relaxed', 'scalar', 'reference'] as const)('%s: a reused training memory full of stale bytes gives the same factors as a fresh one', async (kernels) => {
    for (const name of Object.keys(DETERMINISM_CASES)) {
      const fresh = (await train(determinismData(), { ...DETERMINISM_CASES[name], kernels })).model.params;
      const runtime = await loadKernels({ variant: kernels });
      await train(determinismData(), { ...DETERMINISM_CASES[name], kernels, factors: 20 }, { runtime });
      new Uint8Array(runtime.memory.buffer).fill(0xff, 65536); // NaN patterns everywhere the arena hands out
      const reused = (await train(determinismData(), { ...DETERMINISM_CASES[name], kernels }, { runtime })).model.params;
      expect(await sha256(reused.userFactors, reused.itemFactors)).toBe(await sha256(fresh.userFactors, fresh.itemFactors));
    }
  });

  it('an engine that keeps its training memory gives the same model as a fresh engine', async () => {
    const fresh = new Engine();
    const reused = new Engine();
    const a = await fresh.load(determinismCsv());
    const b = await reused.load(determinismCsv());
    await fresh.train(a, DETERMINISM_CASES.implicit);
    await reused.train(b, { ...DETERMINISM_CASES.implicit, factors: 20 });
    await reused.train(b, DETERMINISM_CASES.implicit);
    const fa = (await loadModel(await fresh.save())).params;
    const fb = (await loadModel(await reused.save())).params;
    expect(await sha256(fb.userFactors, fb.itemFactors)).toBe(await sha256(fa.userFactors, fa.itemFactors));
  });
});
