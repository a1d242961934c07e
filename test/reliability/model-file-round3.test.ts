/**
 * Issue 26, minor list: model files that loaded or were misnamed — options whose factor count
 * disagrees with the factors stored, garbage after the magic reported as a "newer format" — and
 * IndexedDB failures that arrived as raw DOMException text.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { decodeModel, encodeModel, MODEL_MAGIC } from '../../src/io/model-format.js';
import { loadModel } from '../../src/io/model-file.js';
import { deleteFromIndexedDB, listIndexedDBModels, loadFromIndexedDB, saveToIndexedDB } from '../../src/io/store.js';

async function goodBytes(): Promise<Uint8Array> {
  const engine = new Engine();
  await engine.train(await engine.load('a,i,3\nb,i,4\na,j,5\nb,k,1\nc,k,2\nc,i,1\n'), { feedback: 'implicit', factors: 3, iterations: 3 });
  return engine.save();
}

describe('model files (issue 26)', () => {
  it('options.factors that disagrees with the factors stored is refused at load (was served and written back)', async () => {
    const { header, blocks } = decodeModel(await goodBytes());
    (header.options as Record<string, unknown>).factors = 5;
    const edited = encodeModel({ header, blocks: [...blocks].map(([name, data]) => ({ name, data })) });
    await expect(loadModel(edited)).rejects.toMatchObject({ code: 'BAD_MODEL_FILE', details: { reason: 'contents', optionsFactors: 5, factors: 3 } });
  });

  it('garbage after the magic is "not a valid model file, or a corrupt one", not "newer format v1651663207, upgrade"', async () => {
    const junk = new Uint8Array(200);
    for (let j = 0; j < 8; j++) junk[j] = MODEL_MAGIC.charCodeAt(j);
    junk.set(new TextEncoder().encode('garbage garbage garbage'), 8);
    await expect(loadModel(junk)).rejects.toMatchObject({ code: 'BAD_MODEL_FILE', details: { reason: 'corrupt' }, message: expect.stringMatching(/^Not a valid als-wasm model file, or a corrupt one/) });
    // A version just beyond this build's is still "upgrade".
    const next = (await goodBytes()).slice();
    new DataView(next.buffer).setUint32(8, 3, true);
    await expect(loadModel(next)).rejects.toMatchObject({ details: { reason: 'version' } });
  });
});

describe('IndexedDB failures are AlsError (issue 26)', () => {
  it('where IndexedDB is missing (Node), every call rejects with an AlsError carrying a code', async () => {
    const holder = { save: async () => new Uint8Array(4), loadModel: async () => undefined };
    for (const call of [() => saveToIndexedDB(holder, 'm'), () => loadFromIndexedDB(holder, 'm'), () => listIndexedDBModels(), () => deleteFromIndexedDB('m')]) {
      await expect(call()).rejects.toMatchObject({ name: 'AlsError', code: 'UNSUPPORTED', details: { reason: 'unavailable' } });
    }
  });

  it('a DOMException from IndexedDB (quota) becomes IO_ERROR naming it', async () => {
    const g = globalThis as { indexedDB?: unknown };
    const had = 'indexedDB' in g;
    const quota = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    // An IndexedDB whose open fails the way a full or blocked storage does.
    g.indexedDB = { open: () => { throw quota; } };
    try {
      await expect(listIndexedDBModels()).rejects.toMatchObject({ name: 'AlsError', code: 'IO_ERROR', details: { name: 'QuotaExceededError', reason: 'quota' }, message: expect.stringMatching(/IndexedDB could not list the saved models: QuotaExceededError.*storage is full/) });
    } finally {
      if (!had) delete g.indexedDB;
    }
  });
});
