// `npm run bench:cold-start`: side information on MovieLens-100K (../shared/data/ml-100k,
// skipped with a notice when absent). Three protocols, each with a fixed seed:
//  1. Cold items: 10 % of the films held out entirely (all their ratings); train on the rest
//     with the genres of every film (u.item). Per user with a held-out rating, rank the held-out
//     films only: NDCG@10 of the model with features, features off (the model has never seen
//     these films: every score ties, i.e. an arbitrary order), a random order (mean of 20),
//     and favourite-genre popularity (a film scores the share of the user's training ratings
//     in its genres, ties by how many training ratings its genres have).
//  2. Warm items: a per-user 20 % hold-out of the warm films' ratings; NDCG@10 over every
//     film with features on and off (the drop must stay ≤ 1 %).
//  3. Users with ≤ 5 ratings: 20 % of the users keep 5 random training ratings; NDCG@10 of
//     their other ratings over every film, without features, with item features, and with
//     item + user features (u.user: age, gender, occupation).
// Implicit feedback (the ratings as strengths), the library's defaults (λ measured, log
// confidence), f = 32, 15 iterations; explicit feedback (RMSE on the cold films) last.
import { existsSync, readFileSync } from 'node:fs';
import * as lib from './lib.mjs';

const dir = new URL('../../shared/data/ml-100k/', import.meta.url);
if (!existsSync(new URL('u.data', dir))) {
  console.log('MovieLens-100K not found at ../shared/data/ml-100k: cold-start benchmark skipped.');
  process.exit(0);
}
const read = (name) => readFileSync(new URL(name, dir), 'latin1');
const data = lib.parseText(read('u.data'), { source: 'u.data' });
const itemFeatures = lib.parseFeatures(read('u.item'), 'u.item').records;
const userFeatures = lib.parseFeatures(read('u.user'), 'u.user').records;
const genres = new Map();
for (const r of itemFeatures) (genres.get(String(r.id)) ?? genres.set(String(r.id), []).get(String(r.id))).push(r.feature);
const base = { feedback: 'implicit', factors: 32, iterations: 15, seed: 1 };
const K = 10;
const rng = mulberry(7);

function mulberry(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rows = Array.from({ length: data.length }, (_, j) => ({ user: String(data.users.id(data.user[j])), item: String(data.items.id(data.item[j])), value: data.value[j] }));
const films = data.items.ids().map(String);
const shuffled = films.map((f) => [rng(), f]).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
const cold = new Set(shuffled.slice(0, Math.round(films.length / 10)));
const train = rows.filter((r) => !cold.has(r.item));
const test = rows.filter((r) => cold.has(r.item));
const toData = async (rs, source) => lib.fromRecords(rs, { source });

/** NDCG@10 of a scorer over the candidate films for each user with held-out positives. */
function ndcg(testRows, candidates, score) {
  const byUser = new Map();
  for (const r of testRows) (byUser.get(r.user) ?? byUser.set(r.user, new Set()).get(r.user)).add(r.item);
  let sum = 0;
  for (const [user, pos] of byUser) {
    const s = score(user, candidates);
    const order = candidates.map((c, t) => [s[t], t, c]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, K);
    let dcg = 0;
    order.forEach(([, , c], j) => (dcg += pos.has(c) ? 1 / Math.log2(j + 2) : 0));
    let idcg = 0;
    for (let j = 0; j < Math.min(K, pos.size); j++) idcg += 1 / Math.log2(j + 2);
    sum += dcg / idcg;
  }
  return { value: sum / byUser.size, users: byUser.size };
}
const modelScore = (model) => (user, cands) => {
  const u = model.users.index(user);
  if (u === undefined) return cands.map(() => 0);
  const all = model.scoreUser(u);
  return cands.map((c) => {
    const i = model.items.index(c);
    return i === undefined ? 0 : all[i];
  });
};
/** Favourite-genre popularity: a film scores the share of the user's training ratings in its genres (ties: its genres' training counts). */
function favouriteGenre(trainRows) {
  const userGenre = new Map();
  const genreCount = new Map();
  for (const r of trainRows) {
    const m = userGenre.get(r.user) ?? userGenre.set(r.user, new Map()).get(r.user);
    for (const g of genres.get(r.item) ?? []) {
      m.set(g, (m.get(g) ?? 0) + 1);
      genreCount.set(g, (genreCount.get(g) ?? 0) + 1);
    }
  }
  return (user, cands) => {
    const m = userGenre.get(user) ?? new Map();
    const n = [...m.values()].reduce((a, b) => a + b, 0) || 1;
    return cands.map((c) => (genres.get(c) ?? []).reduce((s, g) => s + (m.get(g) ?? 0) / n + 1e-9 * (genreCount.get(g) ?? 0), 0));
  };
}
const t0 = performance.now();
const trainData = await toData(train, 'u.data (warm films)');
const candidates = [...cold];
const off = await lib.train(trainData, base);
const on = await lib.train(trainData, { ...base, itemFeatures });
const favourite = favouriteGenre(train);
let random = 0;
for (let t = 0; t < 20; t++) random += ndcg(test, candidates, (_u, c) => c.map(() => rng())).value / 20;
const cs = {
  features: ndcg(test, candidates, modelScore(on.model)),
  // Films the model never saw all score alike: ties broken at random per user.
  off: ndcg(test, candidates, (u, c) => modelScore(off.model)(u, c).map((x) => x + 1e-12 * rng())),
  favourite: ndcg(test, candidates, favourite),
  random,
};
console.log(`\n1. Cold films (${cold.size} of ${films.length} held out, ${test.length} ratings, ${cs.features.users} users): NDCG@${K} among the held-out films`);
console.log('| ranking | NDCG@10 |\n|---|---|');
console.log(`| ALS + genres (featureWeight 1) | **${cs.features.value.toFixed(4)}** |`);
console.log(`| favourite-genre popularity | ${cs.favourite.value.toFixed(4)} |`);
console.log(`| random order (mean of 20) | ${cs.random.toFixed(4)} |`);
console.log(`| ALS, features off (unseen films tie: random tie-break) | ${cs.off.value.toFixed(4)} |`);
for (const w of [0.3, 3]) {
  const m = await lib.train(trainData, { ...base, itemFeatures, featureWeight: w });
  console.log(`| ALS + genres, featureWeight ${w} | ${ndcg(test, candidates, modelScore(m.model)).value.toFixed(4)} |`);
}

// The same protocol on two more random 10 % splits of the films.
console.log('\n| split (seed) | ALS + genres | favourite-genre popularity | random (mean of 20) |\n|---|---|---|---|');
console.log(`| 7 (above) | ${cs.features.value.toFixed(4)} | ${cs.favourite.value.toFixed(4)} | ${cs.random.toFixed(4)} |`);
for (const seed of [8, 9]) {
  const r = mulberry(seed);
  const held = new Set(films.map((f) => [r(), f]).sort((a, b) => a[0] - b[0]).slice(0, Math.round(films.length / 10)).map((x) => x[1]));
  const tr = rows.filter((x) => !held.has(x.item));
  const te = rows.filter((x) => held.has(x.item));
  const m = await lib.train(await toData(tr, 'u.data (warm films)'), { ...base, itemFeatures });
  const cands = [...held];
  let rnd = 0;
  for (let t = 0; t < 20; t++) rnd += ndcg(te, cands, (_u, c) => c.map(() => r())).value / 20;
  console.log(`| ${seed} | ${ndcg(te, cands, modelScore(m.model)).value.toFixed(4)} | ${ndcg(te, cands, favouriteGenre(tr)).value.toFixed(4)} | ${rnd.toFixed(4)} |`);
}

// 2. Warm films: a per-user 20 % hold-out of the training ratings.
const { train: warmTrain, test: warmTest } = lib.splitInteractions(trainData, { method: 'per-user', fraction: 0.2, seed: 1 });
const warmOff = await lib.train(warmTrain, base);
const warmOn = await lib.train(warmTrain, { ...base, itemFeatures });
const eOff = lib.evaluateModel(warmOff.model, warmTest, { k: K });
const eOn = lib.evaluateModel(warmOn.model, warmTest, { k: K });
console.log(`\n2. Warm films (per-user 20 % hold-out of the warm ratings, ${eOff.users} users): NDCG@${K} over every film`);
console.log('| model | NDCG@10 | change |\n|---|---|---|');
console.log(`| features off | ${eOff.ndcg.toFixed(4)} | |`);
console.log(`| + genres | ${eOn.ndcg.toFixed(4)} | ${(((eOn.ndcg - eOff.ndcg) / eOff.ndcg) * 100).toFixed(2)} % |`);

// 3. Users with ≤ 5 ratings.
const users = data.users.ids().map(String);
const rng3 = mulberry(11);
const sparse = new Set(users.map((u) => [rng3(), u]).sort((a, b) => a[0] - b[0]).slice(0, Math.round(users.length / 5)).map((x) => x[1]));
const kept = new Map();
const sparseTrain = [];
const sparseTest = [];
for (const r of rows.map((r) => [rng3(), r]).sort((a, b) => a[0] - b[0]).map((x) => x[1])) {
  if (!sparse.has(r.user)) sparseTrain.push(r);
  else if ((kept.get(r.user) ?? 0) < 5) {
    kept.set(r.user, (kept.get(r.user) ?? 0) + 1);
    sparseTrain.push(r);
  } else sparseTest.push(r);
}
const sData = await toData(sparseTrain, 'u.data (sparse users)');
const sTest = await toData(sparseTest, 'held-out');
const sRows = [
  ['features off', base],
  ['+ genres', { ...base, itemFeatures }],
  ['+ genres + user attributes', { ...base, itemFeatures, userFeatures }],
  ['+ genres + user attributes, featureWeight 0.3', { ...base, itemFeatures, userFeatures, featureWeight: 0.3 }],
  ['+ user attributes only', { ...base, userFeatures }],
];
console.log(`\n3. ${sparse.size} users with 5 training ratings: NDCG@${K} of their other ratings over every film`);
console.log('| model | NDCG@10 |\n|---|---|');
for (const [name, o] of sRows) {
  const m = await lib.train(sData, o);
  console.log(`| ${name} | ${lib.evaluateModel(m.model, sTest, { k: K }).ndcg.toFixed(4)} |`);
}

// 4. Cold users: 10 % of the users held out entirely; with user attributes they are users of
// the model with factors from their attributes alone; without, fold-in of an empty history
// falls back to the most popular films.
const coldUsers = new Set(users.map((u) => [rng3(), u]).sort((a, b) => a[0] - b[0]).slice(0, Math.round(users.length / 10)).map((x) => x[1]));
const cuTrain = await toData(rows.filter((r) => !coldUsers.has(r.user)), 'u.data (warm users)');
const cuTest = rows.filter((r) => coldUsers.has(r.user));
const cuPlain = await lib.train(cuTrain, base);
const popular = new Map(cuPlain.model.recommendForHistory([], films.length).map((s) => [String(s.id), s.score]));
console.log(`\n4. Cold users (${coldUsers.size} held out entirely, ${cuTest.length} ratings): NDCG@${K} over every film`);
console.log('| model | NDCG@10 |\n|---|---|');
console.log(`| features off: most popular films (the fold-in fallback) | ${ndcg(cuTest, films, (_u, c) => c.map((f) => popular.get(f) ?? 0)).value.toFixed(4)} |`);
for (const w of [1, 0.3]) {
  const m = await lib.train(cuTrain, { ...base, userFeatures, featureWeight: w });
  console.log(`| + user attributes (age band, gender, occupation), featureWeight ${w} | ${ndcg(cuTest, films, modelScore(m.model)).value.toFixed(4)} |`);
}

// Explicit feedback: RMSE on the cold films (features off: the films are unknown, predicted by μ + b_u).
const ex = { feedback: 'explicit', factors: 32, iterations: 15, seed: 1 };
const exOff = await lib.train(trainData, ex);
const exOn = await lib.train(trainData, { ...ex, itemFeatures });
const rmse = (model) => {
  let s = 0;
  for (const r of test) {
    const u = model.users.index(r.user);
    const i = model.items.index(r.item);
    const p = i === undefined ? model.params.globalMean + model.params.userBiases[u] : model.predictIndex(u, i);
    s += (p - r.value) ** 2;
  }
  return Math.sqrt(s / test.length);
};
console.log(`\nExplicit feedback, RMSE on the cold films' ${test.length} ratings: features off (μ + b_u) ${rmse(exOff.model).toFixed(4)}, + genres ${rmse(exOn.model).toFixed(4)}; ` +
  `NDCG@10 among the cold films: ${ndcg(test, candidates, modelScore(exOn.model)).value.toFixed(4)}`);
console.log(`\n(${((performance.now() - t0) / 1000).toFixed(0)} s, node ${process.version})`);
