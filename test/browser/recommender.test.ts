/**
 * The recommender scenarios through the real module Web Worker in headless Chromium, with
 * File inputs and IndexedDB — what a web app does.
 */
import { describe, expect, it } from 'vitest';
import { loadFromIndexedDB, saveToIndexedDB } from '../../src/io/store.js';
import { createRecommender } from '../../src/worker/client.js';
import { eventsCsv, recommenderScenarios } from '../engine/scenarios.js';

recommenderScenarios('recommender in a Web Worker (Chromium)', () => createRecommender(), (text, name) => new File([text], name, { type: 'text/csv' }));

describe('in the browser', () => {
  it('runs the engine in a real worker with WASM kernels', async () => {
    const rec = await createRecommender();
    try {
      const info = await rec.info();
      expect(info.environment.worker).toBe(true);
      expect(info.kernelsAvailable[0]).toBe('relaxed');
    } finally {
      await rec.dispose();
    }
  });

  it('saves to IndexedDB and reloads into a fresh recommender with identical recommendations', async () => {
    const a = await createRecommender();
    const b = await createRecommender();
    try {
      const data = await a.load(new File([eventsCsv()], 'events.csv'));
      await a.train(data, { feedback: 'implicit', factors: 8, iterations: 3 });
      const size = await saveToIndexedDB(a, 'test-model');
      expect(size).toBeGreaterThan(1000);
      await loadFromIndexedDB(b, 'test-model');
      expect(await b.recommend('user3', 10)).toEqual(await a.recommend('user3', 10));
      await expect(loadFromIndexedDB(b, 'no-such-model')).rejects.toMatchObject({ code: 'BAD_MODEL_FILE' });
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  it('keeps the main thread responsive while training', async () => {
    const rec = await createRecommender();
    try {
      const data = await rec.load(new File([eventsCsv()], 'events.csv'));
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const t0 = performance.now();
      await rec.train(data, { feedback: 'implicit', factors: 64, iterations: 10 });
      const elapsed = performance.now() - t0;
      clearInterval(timer);
      // A blocked main thread would not tick at all during training.
      expect(ticks).toBeGreaterThan(Math.floor(elapsed / 10 / 4));
    } finally {
      await rec.dispose();
    }
  });
});
