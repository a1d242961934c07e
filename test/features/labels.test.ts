/**
 * Labels: reading titles and attributes from the side files people have, keeping them in the
 * model (model file round trip, older files without them, bad ones refused), the engine's
 * labels calls, and history entries that name their event.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labelFileKind, parseLabels } from '../../src/features/label-read.js';
import { checkLabels } from '../../src/model/labels.js';
import { fromRecords } from '../../src/data/parse.js';
import { train } from '../../src/api/fit.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { decodeModel, encodeModel } from '../../src/io/model-format.js';
import { Engine } from '../../src/engine/engine.js';

const ml = new URL('../../../shared/data/ml-100k/', import.meta.url);
const present = existsSync(new URL('u.item', ml));
if (!present) console.warn('notice: ../shared/data/ml-100k is absent — the real u.item / u.user label tests are skipped');

describe('parseLabels', () => {
  it.skipIf(!present)('reads the real u.item: 1682 titles, all 19 genres in order, several genres per film', () => {
    const text = new TextDecoder('latin1').decode(readFileSync(new URL('u.item', ml)));
    const { labels, side, format } = parseLabels(text, 'u.item');
    expect([side, format]).toEqual(['items', 'u.item']);
    expect(Object.keys(labels.items!)).toHaveLength(1682);
    expect(labels.items!['50']).toEqual({ title: 'Star Wars (1977)', genres: ['Action', 'Adventure', 'Romance', 'Sci-Fi', 'War'] });
    expect(labels.genres).toHaveLength(19);
    expect(labels.sources).toEqual({ items: 'u.item' });
  });

  it.skipIf(!present)('reads the real u.user: age band, gender, occupation of 943 users', () => {
    const { labels, side } = parseLabels(readFileSync(new URL('u.user', ml), 'utf8'), 'u.user');
    expect(side).toBe('users');
    expect(Object.keys(labels.users!)).toHaveLength(943);
    expect(labels.users!['1']).toEqual({ age: '18-24', gender: 'M', occupation: 'technician' });
  });

  it('reads movies.dat, movies.csv (quoted titles, a header) and id,title TSV', () => {
    expect(parseLabels('1::Toy Story (1995)::Animation|Comedy\n2::Heat (1995)::Action', 'movies.dat')).toMatchObject({ format: 'movies.dat', labels: { items: { 1: { title: 'Toy Story (1995)', genres: ['Animation', 'Comedy'] }, 2: { title: 'Heat (1995)' } }, genres: ['Animation', 'Comedy', 'Action'] } });
    const csv = parseLabels('movieId,title,genres\n1,"American President, The (1995)",Comedy|Drama|Romance\n2,Nixon (1995),(no genres listed)\n', 'movies.csv');
    expect(csv.labels.items).toEqual({ 1: { title: 'American President, The (1995)', genres: ['Comedy', 'Drama', 'Romance'] }, 2: { title: 'Nixon (1995)' } });
    expect(parseLabels('a\tTea\nb\tCoffee', 't.tsv').labels.items).toEqual({ a: { title: 'Tea' }, b: { title: 'Coffee' } });
    expect(parseLabels('1::M::25::12::55117', 'users.dat').labels.users).toEqual({ 1: { age: '25-34', gender: 'M', occupation: '12' } });
  });

  it('refuses a ratings file and names the line of a bad row', () => {
    expect(() => parseLabels('1,2,5\n1,3,4\n', 'u.csv')).toThrow(/looks like a ratings file/);
    expect(() => parseLabels('1,Tea\n2\n', 't.csv')).toThrow(/t\.csv, line 2/);
    expect(labelFileKind('196\t242\t3\t881250949')).toBeNull();
    expect(labelFileKind('1|24|M|technician|85711')).toBe('u.user');
  });

  it('checkLabels refuses the wrong shapes, keeps ids such as __proto__ as plain keys', () => {
    expect(() => checkLabels({ items: { 1: { title: 3 } } })).toThrow(/labels\.items\["1"\]/);
    expect(() => checkLabels({ genres: 'Drama' })).toThrow(/labels\.genres/);
    expect(() => checkLabels({ titles: {} })).toThrow(/no such field/);
    const l = checkLabels(JSON.parse('{"items":{"__proto__":{"title":"Proto"}}}'))!;
    expect(Object.getPrototypeOf(l.items)).toBe(Object.prototype);
    expect(Object.hasOwn(l.items!, '__proto__')).toBe(true);
  });
});

/** A tiny implicit model with events. */
async function tinyModel() {
  const rows = [];
  for (let u = 0; u < 12; u++) for (let i = 0; i < 8; i++) if ((u + i) % 3 !== 0) rows.push({ user: `u${u}`, item: `i${i}`, value: 1, event: i % 2 ? 'view' : 'purchase' });
  const data = await fromRecords(rows);
  return (await train(data, { feedback: 'implicit', factors: 3, iterations: 3, regularization: 0.1, eventWeights: { view: 1, purchase: 10 } })).model;
}

describe('a model keeps its labels', () => {
  it('through its model file; a file written without them still loads; a damaged labels field is refused', async () => {
    const model = await tinyModel();
    expect(model.labels).toBeUndefined();
    model.setLabels({ name: 'tiny', items: { i1: { title: 'One', genres: ['Drama', 'War'] } }, users: { u2: { age: '25-34' } }, genres: ['Drama', 'War'] });
    const back = await loadModel(saveModel(model));
    expect(back.labels).toEqual(model.labels);
    expect(back.itemName('i1')).toBe('One');
    expect(back.itemName('i2')).toBeUndefined();
    expect(back.userAttributes('u2')).toEqual({ age: '25-34' });
    // The same file without the field, as written before labels existed.
    const { header, blocks } = decodeModel(saveModel(model));
    delete header.labels;
    const old = await loadModel(encodeModel({ header, blocks: [...blocks].map(([name, data]) => ({ name, data })) }));
    expect(old.labels).toBeUndefined();
    header.labels = { items: { i1: { title: 7 } } };
    await expect(loadModel(encodeModel({ header, blocks: [...blocks].map(([name, data]) => ({ name, data })) }))).rejects.toMatchObject({ code: 'BAD_MODEL_FILE' });
    // update keeps them
    const { model: next } = await back.update([{ user: 'new', item: 'i1', event: 'view' }]);
    expect(next.itemName('i1')).toBe('One');
  });

  it('the engine trains with labels, serves them (modelView, labels, itemName) and replaces them', async () => {
    const engine = new Engine();
    const data = await engine.load('user,item,value\na,x,1\na,y,1\nb,y,1\nb,z,1\nc,x,1\nc,z,1\n', { source: 'tiny.csv' });
    await engine.train(data, { feedback: 'implicit', factors: 2, iterations: 2, regularization: 0.1, labels: { name: 'tiny.csv', items: { x: { title: 'Ex' } } } });
    expect(await engine.itemName('x')).toBe('Ex');
    expect((await engine.modelView()).labels).toEqual({ name: 'tiny.csv', items: { x: { title: 'Ex' } } });
    expect((await engine.modelView()).interactions).toBe(6);
    await engine.setLabels({ items: { y: { title: 'Why' } } });
    const bytes = await engine.save();
    await engine.setLabels(null);
    expect(await engine.labels()).toBeNull();
    await engine.loadModel(bytes);
    expect(await engine.itemName('y')).toBe('Why');
    await expect(engine.train(data, { labels: { items: 3 } as never })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await engine.dispose();
  });
});

describe('one vocabulary; history entries with events', () => {
  it('the engine has recommendForHistory (and the deprecated recommendForNewUser, the same answer)', async () => {
    const engine = new Engine();
    const data = await engine.load('user,item,value\na,x,1\na,y,1\nb,y,1\nb,z,1\nc,x,1\nc,z,1\n', { source: 'tiny.csv' });
    await engine.train(data, { feedback: 'implicit', factors: 2, iterations: 2, regularization: 0.1 });
    const a = await engine.recommendForHistory([{ item: 'x' }], 2);
    expect([...(await engine.recommendForNewUser([{ item: 'x' }], 2))]).toEqual([...a]);
    // The unknown-user advice names a method this face has.
    const err = await engine.recommend('nobody').catch((e) => e);
    const named = /Use (\w+)/.exec(err.message)![1];
    expect(typeof (engine as unknown as Record<string, unknown>)[named]).toBe('function');
    // A model without eventWeights: an event has no weight.
    await expect(engine.recommendForHistory([{ item: 'x', event: 'purchase' }])).rejects.toThrow(/trained without eventWeights/);
    await engine.dispose();
  });

  it('an event folds in with its weight: { item, event } = { item, value: weight }, unknown events refused', async () => {
    const model = await tinyModel();
    const byEvent = model.foldIn([{ item: 'i1', event: 'purchase' }, { item: 'i2', event: 'view' }]);
    const byValue = model.foldIn([{ item: 'i1', value: 10 }, { item: 'i2', value: 1 }]);
    expect([...byEvent.factors]).toEqual([...byValue.factors]);
    expect([...model.foldIn([{ item: 'i1', event: 'purchase', value: 2 }]).factors]).toEqual([...model.foldIn([{ item: 'i1', value: 20 }]).factors]);
    expect(() => model.recommendForHistory([{ item: 'i1', event: 'wishlist' }])).toThrow(/one of the model's events \(view, purchase\)/);
    expect(() => model.foldIn([{ item: 'i1', value: '3' as never }])).toThrow(/history\[0\]\.value/);
  });
});
