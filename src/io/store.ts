/**
 * Saving models in the browser's IndexedDB (on this device only): save, load, list, delete.
 * Every failure is an `AlsError` (a DOMException such as QuotaExceededError becomes `IO_ERROR`).
 */
import { openDB, type IDBPDatabase } from 'idb';
import { AlsError } from '../errors.js';

/** The minimal part of a recommender the store needs. */
interface ModelHolder {
  save(): Promise<Uint8Array>;
  loadModel(bytes: Uint8Array): Promise<unknown>;
}

const DB_NAME = 'als-wasm';
const STORE = 'models';

function db(): Promise<IDBPDatabase> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(new AlsError('UNSUPPORTED', 'IndexedDB is not available here (Node, or a browser context without storage). Save the model bytes with save() instead.', { reason: 'unavailable' }));
  }
  return openDB(DB_NAME, 1, {
    upgrade(d) {
      if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE);
    },
  });
}

/**
 * Runs an IndexedDB step, turning its failures (a DOMException: QuotaExceededError, a blocked
 * or closed database, private browsing without storage) into `AlsError` `IO_ERROR` with the
 * exception's name in `details.name`; an AlsError passes as it is.
 */
async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AlsError) throw e;
    const err = e as { name?: string; message?: string };
    const quota = err?.name === 'QuotaExceededError';
    throw new AlsError('IO_ERROR', `IndexedDB could not ${what}: ${err?.name ?? 'Error'}: ${err?.message ?? String(e)}.${quota ? ' The browser storage is full: delete saved models or free space.' : ''}`, { name: err?.name ?? 'Error', reason: quota ? 'quota' : 'indexeddb' });
  }
}

/**
 * Saves the recommender's current model in IndexedDB under `name` (on this device only).
 * @returns the number of bytes stored
 */
export async function saveToIndexedDB(rec: ModelHolder, name: string): Promise<number> {
  const bytes = await rec.save();
  await guarded(`save the model ${JSON.stringify(name)}`, async () => {
    const d = await db();
    try {
      await d.put(STORE, { bytes, savedAt: new Date().toISOString(), size: bytes.byteLength }, name);
    } finally {
      d.close();
    }
  });
  return bytes.byteLength;
}

/**
 * Loads the model saved under `name` into the recommender. A missing or corrupt entry is
 * refused with `BAD_MODEL_FILE` and the recommender's current model stays.
 */
export async function loadFromIndexedDB(rec: ModelHolder, name: string): Promise<void> {
  const entry: unknown = await guarded(`read the model ${JSON.stringify(name)}`, async () => {
    const d = await db();
    try {
      return await d.get(STORE, name);
    } finally {
      d.close();
    }
  });
  const bytes = (entry as { bytes?: unknown } | undefined)?.bytes;
  if (!(bytes instanceof Uint8Array)) {
    throw new AlsError('BAD_MODEL_FILE', entry === undefined ? `No model named ${JSON.stringify(name)} in IndexedDB.` : `The IndexedDB entry ${JSON.stringify(name)} is not a saved model.`, { name });
  }
  await rec.loadModel(bytes);
}

/** Names of the models saved in IndexedDB. */
export async function listIndexedDBModels(): Promise<string[]> {
  return guarded('list the saved models', async () => {
    const d = await db();
    try {
      return (await d.getAllKeys(STORE)).map(String);
    } finally {
      d.close();
    }
  });
}

/** Deletes a saved model. */
export async function deleteFromIndexedDB(name: string): Promise<void> {
  await guarded(`delete the model ${JSON.stringify(name)}`, async () => {
    const d = await db();
    try {
      await d.delete(STORE, name);
    } finally {
      d.close();
    }
  });
}
