import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csrFromTriplets } from '../../src/data/csr.js';
import type { Csr } from '../../src/data/types.js';
import { mae, rankingMetrics, ratingMetrics, rmse } from '../../src/select/metrics.js';
import { argsortDescending } from '../../src/recommend/top-k.js';

/** A users × items CSR from [user, item, value] triplets. */
function csr(rows: number, cols: number, entries: [number, number, number][]): Csr {
  return csrFromTriplets(
    rows,
    cols,
    Int32Array.from(entries, (e) => e[0]),
    Int32Array.from(entries, (e) => e[1]),
    Float64Array.from(entries, (e) => e[2]),
    'last',
  );
}

/** A scorer that serves fixed per-user score vectors. */
const fixed = (rows: number[][]) => (u: number, out: Float64Array) => out.set(rows[u]);

const log2 = Math.log2;

describe('rmse / mae / ratingMetrics', () => {
  it('known answers', () => {
    // errors: +1, −2, 0, +1 → squares 1, 4, 0, 1 (sum 6); |e| sum 4; N = 4
    const pred = [2, 1, 3, 5];
    const actual = [1, 3, 3, 4];
    expect(rmse(pred, actual)).toBeCloseTo(Math.sqrt(6 / 4), 15);
    expect(mae(pred, actual)).toBe(1);
    expect(rmse([], [])).toBeNaN();
    expect(() => rmse([1], [1, 2])).toThrow(RangeError);
    expect(() => mae([1], [])).toThrow(RangeError);
  });

  it('ratingMetrics scores every stored test entry', () => {
    // predict(u, i) = u + i; test (0,1)=2 → e −1; (1,0)=1 → e 0; (1,2)=5 → e −2
    // squares 1 + 0 + 4 = 5 → RMSE √(5/3); MAE (1 + 0 + 2)/3 = 1
    const test = csr(2, 3, [[0, 1, 2], [1, 0, 1], [1, 2, 5]]);
    const r = ratingMetrics((u, i) => u + i, test);
    expect(r.count).toBe(3);
    expect(r.rmse).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(r.mae).toBeCloseTo(1, 15);
    expect(ratingMetrics(() => 0, csr(1, 1, [])).count).toBe(0);
  });

  it('rmse ≥ mae ≥ 0, both 0 iff exact (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 })), { minLength: 1 }), (pairs) => {
        const p = pairs.map((x) => x[0]);
        const a = pairs.map((x) => x[1]);
        expect(rmse(p, a)).toBeGreaterThanOrEqual(mae(p, a) - 1e-12);
        expect(rmse(p, p)).toBe(0);
      }),
    );
  });
});

describe('rankingMetrics: known answers', () => {
  // 3 users × 6 items.
  // user 0: train {5}; test: 1 (r=1), 3 (r=3), 5 (r=2, also in train → ignored), 0 (r=0 → not a positive)
  //   scores 0.9 0.8 0.7 0.6 0.5 1.0 → candidates ranked 0,1,2,3,4 (5 excluded); T = {1, 3}; N = {0, 2, 4}
  //   k = 3: top = 0,1,2 → rel 0,1,0, hits 1
  //   precision = 1/min(3,2) = 1/2; recall = 1/2; AP = (1/2)·(P@2 = 1/2) = 1/4
  //   DCG = 1/log2(3); IDCG = 1/log2(2) + 1/log2(3); NDCG = (1/log2 3) / (1 + 1/log2 3) ≈ 0.38685
  //   AUC: item 1 (0.8) beats 0.7, 0.5 → 2; item 3 (0.6) beats 0.5 → 1; 3 of 2·3 = 1/2
  //   rank_1 = 1/3 (0.9 above), rank_3 = 2/3 (0.9, 0.7 above)
  // user 1: train {}; test: 4 (r=1); all scores 0 (one big tie)
  //   top-3 by index = 0,1,2 → hits 0: precision = recall = AP = NDCG = 0
  //   AUC: ties with all 5 negatives → ½ each → 1/2; rank_4 = ½
  // user 2: test only (2, r=0) → no positive → not evaluated
  // Averages over 2 users: precision 1/4, recall 1/4, MAP 1/8, NDCG ≈ 0.19343, AUC 1/2;
  // MPR = (1·1/3 + 3·2/3 + 1·1/2) / (1 + 3 + 1) = (17/6) / 5 = 17/30
  const train = csr(3, 6, [[0, 5, 1]]);
  const test = csr(3, 6, [[0, 0, 0], [0, 1, 1], [0, 3, 3], [0, 5, 2], [1, 4, 1], [2, 2, 0]]);
  const scores = [[0.9, 0.8, 0.7, 0.6, 0.5, 1.0], [0, 0, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6]];

  it('two users, excluded training item, a non-positive, ties, value-weighted MPR', () => {
    const r = rankingMetrics({ score: fixed(scores), numItems: 6, train, test, k: 3 });
    expect(r.users).toBe(2);
    expect(r.k).toBe(3);
    expect(r.precision).toBeCloseTo(1 / 4, 15);
    expect(r.recall).toBeCloseTo(1 / 4, 15);
    expect(r.map).toBeCloseTo(1 / 8, 15);
    expect(r.ndcg).toBeCloseTo((1 / log2(3) / (1 + 1 / log2(3))) / 2, 15);
    expect(r.ndcg).toBeCloseTo(0.193426, 6);
    expect(r.auc).toBeCloseTo(1 / 2, 15);
    expect(r.mpr).toBeCloseTo(17 / 30, 15);
  });

  it('atKOnly: the same @k metrics, bit for bit, and no AUC or MPR', () => {
    const full = rankingMetrics({ score: fixed(scores), numItems: 6, train, test, k: 3 });
    const atK = rankingMetrics({ score: fixed(scores), numItems: 6, train, test, k: 3, atKOnly: true });
    expect(atK).toEqual({ ...full, auc: NaN, mpr: NaN });
  });

  it('restricted to a subset of users', () => {
    // user 0 alone: the per-user values above; MPR = (1/3 + 2)/4 = 7/12
    const r = rankingMetrics({ score: fixed(scores), numItems: 6, train, test, k: 3, users: Int32Array.of(0, 2) });
    expect(r.users).toBe(1);
    expect(r.precision).toBeCloseTo(1 / 2, 15);
    expect(r.map).toBeCloseTo(1 / 4, 15);
    expect(r.mpr).toBeCloseTo(7 / 12, 15);
  });

  // user 0 of 5 items, scores 5 4 3 2 1 → rel = 1,0,1,1,0 ; T = {0, 2, 3}, N = {1, 4}
  //   k = 4: hits 3; precision = 3/min(4,3) = 1; recall = 1
  //     AP = (1/3)(P@1 + P@3 + P@4) = (1/3)(1 + 2/3 + 3/4) = 29/36
  //     DCG = 1/log2 2 + 1/log2 4 + 1/log2 5; IDCG = 1/log2 2 + 1/log2 3 + 1/log2 4
  //   k = 2: hits 1; precision = 1/min(2,3) = 1/2; recall 1/3; AP = (1/2)(1) = 1/2;
  //     NDCG = 1 / (1 + 1/log2 3)
  //   AUC: item 0 beats both; items 2, 3 beat item 4 only → (2 + 1 + 1) / (3·2) = 2/3
  //   ranks: item 0 → 0/2, item 2 → 1/2, item 3 → 1/2 (unit weights) → MPR = 1/3
  const one = csr(1, 5, [[0, 0, 1], [0, 2, 1], [0, 3, 1]]);
  const none = csr(1, 5, []);
  const s5 = fixed([[5, 4, 3, 2, 1]]);

  it('MAP and NDCG with several hits, and the k cut-off', () => {
    const r4 = rankingMetrics({ score: s5, numItems: 5, train: none, test: one, k: 4 });
    expect(r4.precision).toBe(1);
    expect(r4.recall).toBe(1);
    expect(r4.map).toBeCloseTo(29 / 36, 15);
    expect(r4.ndcg).toBeCloseTo((1 + 1 / 2 + 1 / log2(5)) / (1 + 1 / log2(3) + 1 / 2), 15);
    expect(r4.auc).toBeCloseTo(2 / 3, 15);
    expect(r4.mpr).toBeCloseTo(1 / 3, 15);
    const r2 = rankingMetrics({ score: s5, numItems: 5, train: none, test: one, k: 2 });
    expect(r2.precision).toBeCloseTo(1 / 2, 15);
    expect(r2.recall).toBeCloseTo(1 / 3, 15);
    expect(r2.map).toBeCloseTo(1 / 2, 15);
    expect(r2.ndcg).toBeCloseTo(1 / (1 + 1 / log2(3)), 15);
    expect(r2.auc).toBeCloseTo(2 / 3, 15); // AUC and MPR do not depend on k
    expect(r2.mpr).toBeCloseTo(1 / 3, 15);
  });

  it('NaN scores rank last and are never hits', () => {
    // scores NaN, 4, NaN, 2, 1 for T = {0, 2, 3}: top-2 = items 1, 3 → hits 1
    //   NaN → −∞: item 0 and 2 tie with nothing below except each other (negatives 4 and 1 above)
    //   AUC: item 0: 0 of 2; item 2: 0; item 3 (2) beats 1 → 1 → 1/6
    //   ranks: items 0, 2 → 2/2 = 1; item 3 → 1/2 → MPR = 2.5/3 = 5/6
    const r = rankingMetrics({ score: fixed([[NaN, 4, NaN, 2, 1]]), numItems: 5, train: none, test: one, k: 2 });
    expect(r.precision).toBeCloseTo(1 / 2, 15);
    expect(r.auc).toBeCloseTo(1 / 6, 15);
    expect(r.mpr).toBeCloseTo(5 / 6, 15);
  });

  it('a user whose candidates are all positives counts for @k but not for AUC/MPR', () => {
    // 2 items, both held out: perfect @k; no negatives → AUC and MPR undefined (NaN overall)
    const r = rankingMetrics({ score: fixed([[1, 2]]), numItems: 2, train: csr(1, 2, []), test: csr(1, 2, [[0, 0, 1], [0, 1, 1]]), k: 5 });
    expect(r).toMatchObject({ users: 1, precision: 1, recall: 1, map: 1, ndcg: 1 });
    expect(r.auc).toBeNaN();
    expect(r.mpr).toBeNaN();
  });

  it('no evaluable users → NaN metrics, users = 0', () => {
    const r = rankingMetrics({ score: fixed([[1, 2]]), numItems: 2, train: csr(1, 2, [[0, 0, 1]]), test: csr(1, 2, [[0, 0, 1]]), k: 1 });
    expect(r.users).toBe(0);
    expect(r.precision).toBeNaN();
    expect(r.auc).toBeNaN();
  });

  it('rejects a bad k, mismatched shapes and out-of-range users', () => {
    const base = { score: s5, numItems: 5, train: none, test: one, k: 2 };
    expect(() => rankingMetrics({ ...base, k: 0 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => rankingMetrics({ ...base, k: 1.5 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => rankingMetrics({ ...base, numItems: 6 })).toThrow(RangeError);
    expect(() => rankingMetrics({ ...base, train: csr(2, 5, []) })).toThrow(RangeError);
    expect(() => rankingMetrics({ ...base, users: Int32Array.of(1) })).toThrow(RangeError);
  });
});

/** Straight-from-the-definitions reference, one user at a time. */
function naiveRanking(scores: number[][], trainSets: Set<number>[], tests: Map<number, number>[], k: number) {
  let users = 0, precision = 0, recall = 0, map = 0, ndcg = 0, aucSum = 0, aucUsers = 0, mprNum = 0, mprDen = 0;
  scores.forEach((s, u) => {
    const pos = [...tests[u]].filter(([i, v]) => v > 0 && !trainSets[u].has(i));
    if (pos.length === 0) return;
    users++;
    const T = new Set(pos.map(([i]) => i));
    const ranked = Array.from(argsortDescending(Float64Array.from(s))).filter((i) => !trainSets[u].has(i));
    const order = ranked.filter((i) => !Number.isNaN(s[i]));
    let hits = 0, ap = 0, dcg = 0;
    order.slice(0, k).forEach((i, j) => {
      if (T.has(i)) {
        hits++;
        ap += hits / (j + 1);
        dcg += 1 / log2(j + 2);
      }
    });
    const d = Math.min(k, T.size);
    let idcg = 0;
    for (let j = 1; j <= d; j++) idcg += 1 / log2(j + 1);
    precision += hits / d;
    recall += hits / T.size;
    map += ap / d;
    ndcg += dcg / idcg;
    const val = (i: number) => (Number.isNaN(s[i]) ? -Infinity : s[i]);
    const neg = ranked.filter((i) => !T.has(i));
    if (neg.length === 0) return;
    let correct = 0;
    for (const [i, r] of pos) {
      let above = 0;
      for (const n of neg) {
        correct += val(i) > val(n) ? 1 : val(i) === val(n) ? 0.5 : 0;
        above += val(n) > val(i) ? 1 : val(n) === val(i) ? 0.5 : 0;
      }
      mprNum += (r * above) / neg.length;
      mprDen += r;
    }
    aucSum += correct / (pos.length * neg.length);
    aucUsers++;
  });
  return { precision: precision / users, recall: recall / users, map: map / users, ndcg: ndcg / users, auc: aucSum / aucUsers, mpr: mprNum / mprDen, users };
}

describe('rankingMetrics: properties', () => {
  /** Random users × items splits: per cell none / train / test (value 0..3). */
  const split = fc.integer({ min: 1, max: 5 }).chain((m) =>
    fc.integer({ min: 1, max: 9 }).chain((n) =>
      fc.record({
        m: fc.constant(m),
        n: fc.constant(n),
        cells: fc.array(fc.array(fc.oneof(fc.constant(-1), fc.constant(-2), fc.integer({ min: 0, max: 3 })), { minLength: n, maxLength: n }), { minLength: m, maxLength: m }),
        scores: fc.array(fc.array(fc.oneof(fc.integer({ min: -2, max: 2 }), fc.constant(NaN)), { minLength: n, maxLength: n }), { minLength: m, maxLength: m }),
        k: fc.integer({ min: 1, max: n + 1 }),
      }),
    ),
  );
  const build = (m: number, n: number, cells: number[][]) => {
    const tr: [number, number, number][] = [];
    const te: [number, number, number][] = [];
    cells.forEach((row, u) => row.forEach((c, i) => (c === -1 ? tr.push([u, i, 1]) : c >= 0 ? te.push([u, i, c]) : undefined)));
    return { train: csr(m, n, tr), test: csr(m, n, te), trainSets: cells.map((row) => new Set(row.flatMap((c, i) => (c === -1 ? [i] : [])))), tests: cells.map((row) => new Map(row.flatMap((c, i) => (c >= 0 ? [[i, c] as [number, number]] : [])))) };
  };

  it('agrees with a naive implementation of the definitions (fast-check)', () => {
    fc.assert(
      fc.property(split, ({ m, n, cells, scores, k }) => {
        const { train, test, trainSets, tests } = build(m, n, cells);
        const got = rankingMetrics({ score: fixed(scores), numItems: n, train, test, k });
        const want = naiveRanking(scores, trainSets, tests, k);
        expect(got.users).toBe(want.users);
        for (const key of ['precision', 'recall', 'map', 'ndcg', 'auc', 'mpr'] as const) {
          if (Number.isNaN(want[key])) expect(got[key]).toBeNaN();
          else expect(got[key]).toBeCloseTo(want[key], 12);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('perfect ranking → precision, MAP, NDCG, AUC = 1, MPR = 0; reversed → AUC = 0, MPR = 1 (fast-check)', () => {
    fc.assert(
      fc.property(split, ({ m, n, cells, k }) => {
        const { train, test } = build(m, n, cells);
        // Positives score 10 + noise-free distinct values above every negative; negatives below 0.
        const perfect = cells.map((row) => row.map((c, i) => (c > 0 ? 10 + i : -1 - i)));
        const reversed = perfect.map((row) => row.map((x) => -x));
        const good = rankingMetrics({ score: fixed(perfect), numItems: n, train, test, k });
        if (good.users === 0) return;
        expect(good).toMatchObject({ precision: 1, map: 1 });
        expect(good.ndcg).toBeCloseTo(1, 12);
        if (!Number.isNaN(good.auc)) {
          expect(good.auc).toBe(1);
          expect(good.mpr).toBe(0);
        }
        const all = rankingMetrics({ score: fixed(perfect), numItems: n, train, test, k: n });
        expect(all.recall).toBe(1);
        const bad = rankingMetrics({ score: fixed(reversed), numItems: n, train, test, k });
        if (!Number.isNaN(bad.auc)) {
          expect(bad.auc).toBe(0);
          expect(bad.mpr).toBe(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('constant scores give AUC = MPR = ½ (all ties)', () => {
    fc.assert(
      fc.property(split, ({ m, n, cells, k }) => {
        const { train, test } = build(m, n, cells);
        const r = rankingMetrics({ score: (_u, out) => out.fill(7), numItems: n, train, test, k });
        if (!Number.isNaN(r.auc)) {
          expect(r.auc).toBe(0.5);
          expect(r.mpr).toBe(0.5);
        }
      }),
    );
  });
});
