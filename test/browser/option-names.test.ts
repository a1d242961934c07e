/**
 * Issue 14, item 5, through the real module Web Worker: misspelt and inapplicable options are
 * BAD_OPTION with their details on the main thread — a callback under a misspelt name too
 * (it cannot be cloned to the worker: it was a DataCloneError) — and a fold-in result keeps
 * `unknownItems` and `fallback` across the boundary.
 */
import { describe, expect, it } from 'vitest';
import { createRecommender } from '../../src/worker/client.js';

const CSV = 'u,i,v\na,i,3\nb,i,4\na,j,5\nb,k,1\nc,k,2\nc,j,4\nd,k,5\n';

describe('option names and applicability in the worker (Chromium)', () => {
  it('misspelt names, a misspelt callback, inapplicable options, explicit evaluate without ratings: BAD_OPTION with details', async () => {
    const rec = await createRecommender();
    try {
      const data = await rec.load(new File([CSV], 'r.csv'));
      const ids = await rec.load(new File(['a,k\nb,j\n'], 'ids.csv'));
      await rec.train(data, { factors: 2, iterations: 2 }); // explicit: the file has ratings
      const cases: [() => Promise<unknown>, Record<string, unknown>][] = [
        [() => rec.recommend('a', 2, { filterseen: false } as never), { option: 'filterseen' }],
        [() => rec.evaluate(data, { K: 5 } as never), { option: 'K' }],
        [() => rec.split(data, { fracton: 0.5 } as never), { option: 'fracton' }],
        [() => rec.train(data, { onprogress: () => {} } as never), { option: 'onprogress' }],
        [() => rec.train(data, { feedback: 'explicit', alpha: 10 }), { option: 'alpha', reason: 'inapplicable' }],
        [() => rec.train(data, { feedback: 'implicit', biases: true }), { option: 'biases', reason: 'inapplicable' }],
        [() => rec.evaluate(ids), { option: 'test', reason: 'no-ratings' }],
      ];
      for (const [run, details] of cases) await expect(run()).rejects.toMatchObject({ name: 'AlsError', code: 'BAD_OPTION', details });
      // The model trained first is still there, and fold-in of unknown items falls back to popularity.
      const top = await rec.recommendForNewUser([{ item: 'nope' }], 2);
      expect(top).toMatchObject({ fallback: 'popular', unknownItems: ['nope'] });
      expect(top.map((r) => r.id)).toEqual(['k', 'i']);
    } finally {
      await rec.dispose();
    }
  });
});
