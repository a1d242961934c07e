/**
 * Issue 26 items 6–8 and the import part of its minor list: factor files that used to lose rows,
 * invent zeros, merge two models, write an unloadable model or decode everything before
 * checking the size — each now a correct model or a `BAD_FACTORS` naming the line or entry.
 */
import { describe, expect, it } from 'vitest';
import { importFactors } from '../../src/io/factors-import.js';
import { npy, zipStored } from '../../src/io/npz-write.js';
import { PARQUET_DECODE_BYTES_PER_VALUE } from '../../src/io/spark-model.js';
import { npyBytes } from '../helpers/npy.js';
import { sparkParquet as writeSparkParquet } from '../helpers/spark-parquet.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** A Parquet file of factors in Spark's schema, `rowGroupSize` rows per row group. */
function sparkParquet(ids: number[], f: number, rowGroupSize?: number): Uint8Array {
  return writeSparkParquet(ids, (id) => Array.from({ length: f }, (_, a) => (id + a) / 100), rowGroupSize);
}

const meta = (params: Record<string, unknown>) => enc(JSON.stringify({ class: 'org.apache.spark.ml.recommendation.ALSModel', sparkVersion: '3.5.1', paramMap: params, rank: 2 }) + '\n');

describe('CSV factors (issue 26, item 8)', () => {
  it('a first line of numbers is data, not a header: 1,NaN,… is refused naming line 1', async () => {
    await expect(importFactors(enc('1,NaN,0.2,0.3\n2,0.1,0.2,0.3\n'), { format: 'csv' })).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'value', where: 'line 1' } });
    const m = await importFactors(enc('1,0.5,0.2,0.3\n2,0.1,0.2,0.3\n'), { format: 'csv' });
    expect(m.items.size).toBe(2); // was 1: the first row dropped as a header
  });

  it('a header of names is still a header', async () => {
    const m = await importFactors(enc('id,f1,f2\n7,0.1,0.2\n8,0.3,0.4\n'), { format: 'csv' });
    expect(m.items.size).toBe(2);
    expect(m.items.index('7')).toBe(0);
  });

  it.each([
    ['an empty cell', '1,0.1,0.2,0.3\n2,0.1,,0.3\n', /line 2: value 2 is empty/],
    ['a trailing comma', '1,0.1,0.2,\n', /line 1: value 3 is empty \(a missing value or a trailing comma\)/],
    ['a hex number', '1,0.1,0.2\n2,0x10,0.2\n', /line 2: value 1 is "0x10", not a decimal number/],
    ['Infinity', '1,0.1,0.2\n2,Infinity,0.2\n', /line 2: value 1 is not a finite number/],
  ])('%s is refused naming the line, never read as 0 or 16', async (_, text, message) => {
    await expect(importFactors(enc(text), { format: 'csv' })).rejects.toMatchObject({ code: 'BAD_FACTORS', message: expect.stringMatching(message) });
  });
});

describe('JSON factors', () => {
  it.each([['null', null], ['true', true], ['an object', { a: 1 }], ['missing', undefined]])('an id that is %s is BAD_FACTORS naming the record, not a TypeError', async (_, id) => {
    const text = JSON.stringify({ id: 1, features: [0.1, 0.2] }) + '\n' + JSON.stringify({ id, features: [0.3, 0.4] }) + '\n';
    await expect(importFactors(enc(text))).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'record', record: 1 } });
  });
});

describe('.npz (issue 26, item 7 and the NaN λ)', () => {
  it('0 item rows: refused, never a model nothing can load', async () => {
    const npz = zipStored([['item_factors.npy', npyBytes(new Float32Array(0), [0, 4])]]);
    await expect(importFactors(npz)).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'empty' } });
  });

  it('a NaN regularization in the file is the file\'s fault (BAD_FACTORS), not a bad option; a λ given overrides it', async () => {
    const npz = zipStored([
      ['item_factors.npy', npyBytes(Float32Array.of(0.1, 0.2, 0.3, 0.4), [2, 2])],
      ['regularization.npy', npy({ dtype: '<f8', shape: [], data: [NaN] })],
    ]);
    await expect(importFactors(npz)).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { entry: 'regularization', reason: 'value' } });
    expect((await importFactors(npz, { regularization: 0.1 })).options.regularization).toBe(0.1);
  });
});

describe('Spark directories', () => {
  it.each([[{ alpha: '40' }, 'alpha'], [{ regParam: 'NaN' }, 'regParam'], [{ implicitPrefs: 'true' }, 'implicitPrefs'], [{ regParam: null }, 'regParam']])('metadata %j is refused naming %s, not silently the default', async (params, param) => {
    const files = { 'metadata/part-00000': meta(params), 'itemFactors/part-0.parquet': sparkParquet([1, 2], 2) };
    await expect(importFactors(files)).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'metadata', param } });
  });

  it('two models under one parent directory are refused, not merged', async () => {
    const files = {
      'a/metadata/part-00000': meta({}), 'a/itemFactors/part-0.parquet': sparkParquet([1, 2], 2),
      'b/metadata/part-00000': meta({}), 'b/itemFactors/part-0.parquet': sparkParquet([3, 4], 2),
    };
    await expect(importFactors(files)).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'ambiguous', models: ['a', 'b'] } });
    // One model under a parent folder is fine.
    expect((await importFactors({ 'a/metadata/part-00000': meta({}), 'a/itemFactors/part-0.parquet': sparkParquet([1, 2], 2) })).items.size).toBe(2);
  });
});

describe('Parquet is sized from its footer and decoded by row group (issue 26, item 6)', () => {
  it('a file over the limit is refused from the row count and the first row, before decoding the rest', async () => {
    const ids = Array.from({ length: 5000 }, (_, j) => j);
    const file = sparkParquet(ids, 8, 1000);
    const limit = 5000 * 8 * 8 - 1;
    await expect(importFactors(file, { maxBytes: limit })).rejects.toMatchObject({ code: 'BAD_FACTORS', details: { reason: 'too-large', rows: 5000, cols: 8, rowGroupRows: 1000 } });
  });

  it('a single huge row group is refused for its decoding cost, with advice to write smaller row groups', async () => {
    const file = sparkParquet(Array.from({ length: 5000 }, (_, j) => j), 8, 5000);
    const f64 = 5000 * 8 * 8;
    const decoding = 5000 * 8 * PARQUET_DECODE_BYTES_PER_VALUE;
    await expect(importFactors(file, { maxBytes: Math.floor((f64 + decoding) / 2) })).rejects.toMatchObject({ code: 'BAD_FACTORS', message: expect.stringMatching(/row group of 5000 rows.*smaller row groups/), details: { reason: 'too-large' } });
  });

  it('many row groups decode into the same matrix as one', async () => {
    const ids = Array.from({ length: 2500 }, (_, j) => 10 + j);
    const a = await importFactors(sparkParquet(ids, 4, 300));
    const b = await importFactors(sparkParquet(ids, 4));
    expect(a.items.size).toBe(2500);
    expect(a.params.itemFactors).toEqual(b.params.itemFactors);
    expect(a.items.index('2509')).toBe(2499);
  });
});
