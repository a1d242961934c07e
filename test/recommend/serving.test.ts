/**
 * The serving calls — recommendMany, usersForItem, similarUsers, similarItems' filters,
 * popular and the cold-user fallback — against a plain TypeScript reference (the top k of
 * X·Yᵀ by score, then by the lower row) on random models with ties, exclusions, candidates,
 * k above the item count and users without training items; and recommendMany against
 * recommend, user by user, under every kernel build.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlsModel } from '../../src/model/model.js';
import { resolveTrainOptions } from '../../src/train/options.js';
import { csrFromTriplets } from '../../src/data/csr.js';
import { idMapFromIds } from '../../src/data/id-map.js';
import type { Id } from '../../src/data/types.js';
import type { KernelVariant } from '../../src/wasm/abi.js';
import { kernelVariantsAvailable } from '../../src/wasm/kernels.js';
import { KernelRandom } from '../helpers/kernel-random.js';

const variants: KernelVariant[] = await kernelVariantsAvailable();

interface Spec {
  users: number;
  items: number;
  f: number;
  seed: number;
  ties: boolean;
  biases: boolean;
  density: number;
}

/** A model with chosen factors: integer entries make exact ties common; every third user has no training items. */
async function makeModel(s: Spec, kernels: KernelVariant | 'auto' = 'auto'): Promise<AlsModel> {
  const rng = new KernelRandom(s.seed);
  const v = () => (s.ties ? rng.int(3) - 1 : rng.normal());
  const r: number[] = [];
  const c: number[] = [];
  for (let u = 0; u < s.users; u++) {
    if (u % 3 === 2) continue;
    for (let i = 0; i < s.items; i++) {
      if (rng.next() < s.density) {
        r.push(u);
        c.push(i);
      }
    }
  }
  const seen = csrFromTriplets(s.users, s.items, Int32Array.from(r), Int32Array.from(c), new Float64Array(r.length).fill(1), 'sum');
  const options = s.biases
    ? resolveTrainOptions({ feedback: 'explicit', factors: s.f, biases: true }, 'explicit')
    : resolveTrainOptions({ feedback: 'implicit', factors: s.f, regularization: 1, epsilon: 1 }, 'implicit');
  return AlsModel.create(
    {
      options,
      users: idMapFromIds(Array.from({ length: s.users }, (_, u) => `u${u}`)),
      items: idMapFromIds(Array.from({ length: s.items }, (_, i) => `i${i}`)),
      factors: {
        factors: s.f,
        userFactors: Float64Array.from({ length: s.users * s.f }, v),
        itemFactors: Float64Array.from({ length: s.items * s.f }, v),
        ...(s.biases ? { userBiases: Float64Array.from({ length: s.users }, v), itemBiases: Float64Array.from({ length: s.items }, v), globalMean: 0.5 } : { globalMean: 0 }),
      },
      seen,
    },
    kernels,
  );
}

/** The reference ranking: every admissible id scored by `score`, sorted by score desc then row asc, cut at k. */
function refTop(rows: number, k: number, score: (j: number) => number, left: (j: number) => boolean, only?: Set<number>): number[] {
  return Array.from({ length: rows }, (_, j) => j)
    .filter((j) => (!only || only.has(j)) && !left(j) && !Number.isNaN(score(j)))
    .sort((a, b) => (score(b) > score(a) ? 1 : score(b) < score(a) ? -1 : a - b))
    .slice(0, k);
}

/** x_u·y_i + μ + b_u + b_i in plain loops (the bias terms as the kernels add them). */
function refScore(m: AlsModel, u: number, i: number): number {
  const { factors: f, userFactors: X, itemFactors: Y, userBiases, itemBiases, globalMean } = m.params;
  let s = 0;
  for (let a = 0; a < f; a++) s += X[u * f + a] * Y[i * f + a];
  return itemBiases ? s + (globalMean + (userBiases ? userBiases[u] : 0) + itemBiases[i]) : s;
}

function seenRow(m: AlsModel, u: number): Set<number> {
  return new Set(m.seen.indices.subarray(m.seen.indptr[u], m.seen.indptr[u + 1]));
}

const spec = fc.record({
  users: fc.integer({ min: 1, max: 12 }),
  items: fc.integer({ min: 1, max: 15 }),
  f: fc.integer({ min: 1, max: 6 }),
  seed: fc.integer(),
  ties: fc.boolean(),
  biases: fc.boolean(),
  density: fc.constantFrom(0, 0.2, 0.6),
});
const query = fc.record({
  k: fc.integer({ min: 1, max: 20 }),
  filterSeen: fc.boolean(),
  exclude: fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 4 }),
  candidates: fc.option(fc.array(fc.integer({ min: 0, max: 14 }), { maxLength: 8 }), { nil: undefined }),
});

describe('recommendMany', () => {
  it('is the top k of X·Yᵀ per user (ties by the lower item; seen, excluded and non-candidate items left out)', async () => {
    await fc.assert(
      fc.asyncProperty(spec, query, async (s, q) => {
        const m = await makeModel(s);
        const candidates = q.candidates?.filter((i) => i < s.items);
        // Unknown ids in exclude are ignored (i15…i20 may not exist).
        const opts = { filterSeen: q.filterSeen, exclude: q.exclude.map((i) => `i${i}`), candidates: candidates?.map((i) => `i${i}`) };
        const users = Array.from({ length: s.users }, (_, u) => `u${u}`);
        const got = m.recommendMany(users, q.k, opts);
        for (let u = 0; u < s.users; u++) {
          const seen = q.filterSeen ? seenRow(m, u) : new Set<number>();
          const excluded = new Set(q.exclude);
          const want = refTop(s.items, q.k, (i) => refScore(m, u, i), (i) => seen.has(i) || excluded.has(i), candidates && new Set(candidates));
          expect(got[u].user).toBe(`u${u}`);
          expect(got[u].fallback).toBeNull();
          expect(got[u].items.map((it) => it.id)).toEqual(want.map((i) => `i${i}`));
          for (const it of got[u].items) expect(it.score).toBeCloseTo(refScore(m, u, Number(String(it.id).slice(1))), 12);
        }
      }),
      { numRuns: 60 },
    );
  });

  it.each(variants)('%s kernels: each user gets exactly what recommend gives them (same ids, same score bits)', async (variant) => {
    await fc.assert(
      fc.asyncProperty(spec, query, async (s, q) => {
        const m = await makeModel(s, variant);
        const candidates = q.candidates?.filter((i) => i < s.items).map((i) => `i${i}`);
        const opts = { filterSeen: q.filterSeen, exclude: q.exclude.map((i) => `i${i}`), candidates };
        // Repeats and any order: answered per entry.
        const users = Array.from({ length: 2 * s.users }, (_, j) => `u${(j * 7) % s.users}`);
        const got = m.recommendMany(users, q.k, opts);
        expect(got.map((r) => r.items)).toEqual(users.map((u) => m.recommend(u, q.k, opts)));
      }),
      { numRuns: 25 },
    );
  });

  it('answers an empty list with an empty list, and blocks of more users than one kernel call holds', async () => {
    const m = await makeModel({ users: 700, items: 30, f: 8, seed: 3, ties: false, biases: false, density: 0.1 });
    expect(m.recommendMany([], 5)).toEqual([]);
    const users = m.users.ids();
    expect(m.recommendMany(users, 3).map((r) => r.items)).toEqual(users.map((u) => m.recommend(u, 3)));
  });

  it('unknown users: UNKNOWN_USER before any work, or the popularity fallback, marked, with exclude and candidates honoured', async () => {
    const m = await makeModel({ users: 9, items: 12, f: 3, seed: 5, ties: false, biases: false, density: 0.5 });
    expect(() => m.recommendMany(['u1', 'ghost'], 3)).toThrow(expect.objectContaining({ code: 'UNKNOWN_USER', details: { user: 'ghost' } }));
    const opts = { exclude: ['i0'], candidates: ['i0', 'i1', 'i2', 'i5', 'i7'] };
    const got = m.recommendMany(['ghost', 'u1', 'ghost2'], 3, { ...opts, unknownUsers: 'popular' });
    expect(got.map((r) => r.fallback)).toEqual(['popular', null, 'popular']);
    expect(got[0].items).toEqual(m.popular(3, opts));
    expect(got[2].items).toEqual(got[0].items);
    expect(got[0].items).not.toBe(got[2].items); // each user gets a list of their own
    expect(got[1].items).toEqual(m.recommend('u1', 3, opts));
    expect(() => m.recommendMany(['u1'], 3, { unknownUsers: 'drop' } as never)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => m.recommendMany(['u1'], 3, { candidates: ['nope'] })).toThrow(expect.objectContaining({ code: 'UNKNOWN_ITEM' }));
  });
});

describe('popular', () => {
  it('ranks items by how many training users have them (ties by the earlier item), with filters', async () => {
    const m = await makeModel({ users: 30, items: 10, f: 2, seed: 9, ties: true, biases: false, density: 0.4 });
    const counts = new Array(10).fill(0);
    for (let j = 0; j < m.seen.indices.length; j++) counts[m.seen.indices[j]]++;
    const want = refTop(10, 4, (i) => counts[i], (i) => i === 3, new Set([1, 2, 3, 4, 5, 6]));
    expect(m.popular(4, { exclude: ['i3'], candidates: ['i1', 'i2', 'i3', 'i4', 'i5', 'i6'] })).toEqual(want.map((i) => ({ id: `i${i}`, score: counts[i] })));
    expect(m.popular(100)).toHaveLength(10);
  });

  it('is the same list recommendForHistory falls back to', async () => {
    const m = await makeModel({ users: 30, items: 10, f: 2, seed: 10, ties: false, biases: false, density: 0.4 });
    const r = m.recommendForHistory([{ item: 'unknown' }], 5);
    expect(r.fallback).toBe('popular');
    expect([...r]).toEqual(m.popular(5));
  });
});

describe('usersForItem', () => {
  it('is the top k of the item column of X·Yᵀ (+ biases), users who have the item left out unless asked', async () => {
    await fc.assert(
      fc.asyncProperty(spec, fc.nat(), fc.integer({ min: 1, max: 15 }), fc.boolean(), fc.array(fc.nat({ max: 11 }), { maxLength: 3 }), async (s, item, k, filterSeen, exclude) => {
        const m = await makeModel(s);
        const i = item % s.items;
        const got = m.usersForItem(`i${i}`, k, { filterSeen, exclude: exclude.map((u) => `u${u}`) });
        const want = refTop(s.users, k, (u) => refScore(m, u, i), (u) => (filterSeen && seenRow(m, u).has(i)) || exclude.includes(u));
        expect(got.map((r) => r.id)).toEqual(want.map((u) => `u${u}`));
        for (const r of got) expect(r.score).toBeCloseTo(m.predict(r.id, `i${i}`), 10);
      }),
      { numRuns: 60 },
    );
  });

  it('honours candidates and refuses unknown ones', async () => {
    const m = await makeModel({ users: 8, items: 5, f: 3, seed: 2, ties: false, biases: true, density: 0.3 });
    const got = m.usersForItem('i1', 10, { candidates: ['u2', 'u5', 'u5', 'u7'], filterSeen: false });
    expect(got.map((r) => r.id).sort()).toEqual(['u2', 'u5', 'u7']);
    expect(() => m.usersForItem('i1', 3, { candidates: ['ghost'] })).toThrow(expect.objectContaining({ code: 'UNKNOWN_USER' }));
    expect(() => m.usersForItem('nothing', 3)).toThrow(expect.objectContaining({ code: 'UNKNOWN_ITEM' }));
  });
});

/** Cosine of two rows, as similar.ts computes it (two divisions, clamped; zero norm → 0). */
function cosine(M: Float64Array, f: number, a: number, b: number): number {
  let s = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < f; j++) {
    s += M[a * f + j] * M[b * f + j];
    na += M[a * f + j] ** 2;
    nb += M[b * f + j] ** 2;
  }
  if (na === 0 || nb === 0) return 0;
  return Math.max(-1, Math.min(1, s / Math.sqrt(na) / Math.sqrt(nb)));
}

describe('similarUsers and similarItems with filters', () => {
  it('rank by cosine, the query and excluded ids left out, only candidates when given', async () => {
    await fc.assert(
      fc.asyncProperty(spec, fc.nat(), fc.integer({ min: 1, max: 15 }), fc.array(fc.nat({ max: 14 }), { maxLength: 3 }), fc.option(fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 6 }), { nil: undefined }), async (s, qi, k, exclude, cands) => {
        const m = await makeModel(s);
        const u = qi % s.users;
        const candU = cands?.filter((c) => c < s.users);
        const gotU = m.similarUsers(`u${u}`, k, { exclude: exclude.map((x) => `u${x}`), candidates: candU?.map((c) => `u${c}`) });
        const wantU = refTop(s.users, k, (v) => cosine(m.params.userFactors, s.f, u, v), (v) => v === u || exclude.includes(v), candU && new Set(candU));
        expect(gotU.map((r) => r.id)).toEqual(wantU.map((v) => `u${v}`));
        const i = qi % s.items;
        const candI = cands?.filter((c) => c < s.items);
        const gotI = m.similarItems(`i${i}`, k, { exclude: exclude.map((x) => `i${x}`), candidates: candI?.map((c) => `i${c}`) });
        const wantI = refTop(s.items, k, (j) => cosine(m.params.itemFactors, s.f, i, j), (j) => j === i || exclude.includes(j), candI && new Set(candI));
        expect(gotI.map((r) => r.id)).toEqual(wantI.map((j) => `i${j}`));
      }),
      { numRuns: 60 },
    );
  });

  it('similarUsers refuses an unknown user', async () => {
    const m = await makeModel({ users: 4, items: 4, f: 2, seed: 1, ties: false, biases: false, density: 0.5 });
    expect(() => m.similarUsers('ghost')).toThrow(expect.objectContaining({ code: 'UNKNOWN_USER' }));
  });
});

describe('the serving calls through the engine (in-thread recommender)', () => {
  it('recommendMany, usersForItem, similarUsers and popular answer as the model does; a fired signal stops recommendMany', async () => {
    const { createRecommender } = await import('../../src/worker/client.js');
    const rec = await createRecommender({ inThread: true });
    const lines: string[] = [];
    for (let u = 0; u < 40; u++) for (let i = 0; i < 25; i++) if ((u * 7 + i * 3) % 5 < 2) lines.push(`u${u},i${i},${1 + ((u + i) % 4)}`);
    const data = await rec.load(lines.join('\n'), { source: 'x.csv' });
    await rec.train(data, { feedback: 'implicit', factors: 4, iterations: 2 });
    const users: Id[] = ['u1', 'u2', 'ghost'];
    const many = await rec.recommendMany(users, 3, { unknownUsers: 'popular' });
    expect(many[0].items).toEqual(await rec.recommend('u1', 3));
    expect(many[2]).toEqual({ user: 'ghost', items: await rec.popular(3), fallback: 'popular' });
    expect(await rec.usersForItem('i1', 2)).toHaveLength(2);
    expect((await rec.similarUsers('u1', 2)).map((r) => r.id)).not.toContain('u1');
    const controller = new AbortController();
    controller.abort();
    await expect(rec.recommendMany(['u1'], 3, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(rec.recommendMany(['u1', 'ghost'], 3)).rejects.toMatchObject({ code: 'UNKNOWN_USER' });
    await rec.dispose();
  });
});
