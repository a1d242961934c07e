/**
 * Cancel at random moments, in-thread (the Chromium twin runs 100 cycles through the worker):
 * every cancelled run is an AbortError, the next run gives bit-identical results, and the
 * WebAssembly memory the engine holds does not grow from cycle to cycle.
 */
import { expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { generateSynthetic } from '../../src/data/synthetic.js';

it('30 cycles of train → cancel → train: AbortError, identical results, flat WASM memory', async () => {
  const d = generateSynthetic({ users: 300, items: 200, interactions: 6000, feedback: 'implicit', rank: 4, seed: 3, minPerUser: 10 });
  const engine = new Engine();
  const data = await engine.load(Array.from({ length: d.length }, (_, j) => ({ user: d.users.id(d.user[j]), item: d.items.id(d.item[j]), value: d.value[j] })));
  const opts = { feedback: 'implicit', factors: 16, iterations: 4, seed: 9 } as const;
  const reference = await engine.train(data, opts);
  const held = new Set<number>();
  let cancelled = 0;
  for (let cycle = 0; cycle < 30; cycle++) {
    const controller = new AbortController();
    let sweeps = 0;
    const stopAt = cycle % 7; // cancel after 0 … 6 chunks of rows
    const run = engine.train(data, {
      ...opts,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'sweep' && ++sweeps > stopAt) controller.abort();
      },
    });
    if (stopAt === 0) controller.abort();
    await run.catch((e: Error) => {
      expect(e.name).toBe('AbortError');
      cancelled++;
    });
    const again = await engine.train(data, opts);
    expect(again.loss).toEqual(reference.loss);
    held.add((await engine.info()).memory.wasmBytes);
  }
  expect(cancelled).toBe(30);
  expect(held.size).toBe(1);
  expect((await engine.info()).model?.trainedHere).toBe(true);
});
