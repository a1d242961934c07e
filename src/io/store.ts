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
  return openDB(DB_NAME, 1, {
    upgrade(d) {
      if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE);
    },
  });
}

/**
 * Saves the recommender's current model in IndexedDB under `name` (on this device only).
 * @returns the number of bytes stored
 */
export async function saveToIndexedDB(rec: ModelHolder, name: string): Promise<number> {
  const bytes = await rec.save();
  const d = await db();
  try {
    await d.put(STORE, { bytes, savedAt: new Date().toISOString(), size: bytes.byteLength }, name);
  } finally {
    d.close();
  }
  return bytes.byteLength;
}

/**
 * Loads the model saved under `name` into the recommender. A missing or corrupt entry is
 * refused with `BAD_MODEL_FILE` and the recommender's current model stays.
 */
export async function loadFromIndexedDB(rec: ModelHolder, name: string): Promise<void> {
  const d = await db();
  let entry: unknown;
  try {
    entry = await d.get(STORE, name);
  } finally {
    d.close();
  }
  const bytes = (entry as { bytes?: unknown } | undefined)?.bytes;
  if (!(bytes instanceof Uint8Array)) {
    throw new AlsError('BAD_MODEL_FILE', entry === undefined ? `No model named ${JSON.stringify(name)} in IndexedDB.` : `The IndexedDB entry ${JSON.stringify(name)} is not a saved model.`, { name });
  }
  await rec.loadModel(bytes);
}

/** Names of the models saved in IndexedDB. */
export async function listIndexedDBModels(): Promise<string[]> {
  const d = await db();
  try {
    return (await d.getAllKeys(STORE)).map(String);
  } finally {
    d.close();
  }
}

/** Deletes a saved model. */
export async function deleteFromIndexedDB(name: string): Promise<void> {
  const d = await db();
  try {
    await d.delete(STORE, name);
  } finally {
    d.close();
  }
}
