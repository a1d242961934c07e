/**
 * Issue 26 item 4: engine calls that change the model are serialised in call order, so
 * `update` ‖ `update` and `train` ‖ `update` keep every update (before, the second update
 * started from the same model as the first and replaced its result; a train finishing after
 * an update replaced the updated model).
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { ModelQueue } from '../../src/engine/model-queue.js';

function ratings(users: number, items: number): string {
  const lines = ['user,item,rating'];
  for (let u = 1; u <= users; u++) for (let i = 1; i <= items; i++) if ((u * 7 + i * 3) % 4 === 0) lines.push(`u${u},i${i},${1 + ((u + i) % 5)}`);
  return lines.join('\n') + '\n';
}

const fast = { feedback: 'explicit' as const, factors: 3, iterations: 3, regularization: 0.1, workers: 1 };

describe('the engine serialises calls that change the model (issue 26)', () => {
  it('update ‖ update: both new users are in the model afterwards', async () => {
    const engine = new Engine();
    const data = await engine.load(ratings(30, 20));
    await engine.train(data, fast);
    const [a, b] = await Promise.all([
      engine.update([{ user: 'newA', item: 'i1', value: 5 }, { user: 'newA', item: 'i2', value: 4 }]),
      engine.update([{ user: 'newB', item: 'i3', value: 5 }, { user: 'newB', item: 'i4', value: 2 }]),
    ]);
    expect(a.users).toBe(31);
    expect(b.users).toBe(32); // the second update started from the first's result
    expect((await engine.recommend('newA', 3)).length).toBe(3);
    expect((await engine.recommend('newB', 3)).length).toBe(3);
    await engine.dispose();
  });

  it('train ‖ update: the update is applied to the model the train made, not lost under it', async () => {
    const engine = new Engine();
    await engine.train(await engine.load(ratings(40, 40)), fast);
    // The second train sees 60 users: the update called while it runs must land on its model.
    const bigger = await engine.load(ratings(60, 40));
    const training = engine.train(bigger, { ...fast, iterations: 8 });
    const updating = engine.update([{ user: 'late', item: 'i5', value: 5 }]);
    const [t, u] = await Promise.all([training, updating]);
    expect(t.users).toBe(60);
    expect(u.users).toBe(61);
    expect((await engine.info()).model?.users).toBe(61);
    expect((await engine.recommend('late', 2)).length).toBe(2);
    await engine.dispose();
  });

  it('a failed change does not block the ones queued after it; order is kept', async () => {
    const q = new ModelQueue();
    const order: string[] = [];
    const slow = q.run(async () => {
      await new Promise((r) => setTimeout(r, 30));
      order.push('slow');
      throw new Error('boom');
    });
    const fast2 = q.run(async () => {
      order.push('fast');
      return 2;
    });
    await expect(slow).rejects.toThrow('boom');
    await expect(fast2).resolves.toBe(2);
    expect(order).toEqual(['slow', 'fast']);
  });
});
