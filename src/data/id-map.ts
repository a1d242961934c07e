import type { Id, IdMap } from './types.js';

/**
 * A two-way id ↔ dense-index map. Keys are normalised to strings so that `196` and `"196"`
 * are the same id; the id is returned as first seen.
 */
class DenseIdMap implements IdMap {
  private readonly byKey = new Map<string, number>();
  private readonly list: Id[] = [];

  get size(): number {
    return this.list.length;
  }

  index(id: Id): number | undefined {
    return this.byKey.get(typeof id === 'string' ? id : String(id));
  }

  intern(id: Id): number {
    const key = typeof id === 'string' ? id : String(id);
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.byKey.set(key, i);
      this.list.push(id);
    }
    return i;
  }

  id(i: number): Id {
    if (!(i >= 0 && i < this.list.length)) throw new RangeError(`index ${i} out of range [0, ${this.list.length})`);
    return this.list[i];
  }

  ids(): Id[] {
    return this.list.slice();
  }
}

/** A new, empty {@link IdMap}. */
export function createIdMap(): IdMap {
  return new DenseIdMap();
}

/**
 * An {@link IdMap} holding `ids` at indices 0..n-1 (e.g. read back from a model file).
 * @throws RangeError if an id repeats (as a string)
 */
export function idMapFromIds(ids: readonly Id[]): IdMap {
  const map = new DenseIdMap();
  for (const id of ids) {
    if (map.index(id) !== undefined) throw new RangeError(`duplicate id ${JSON.stringify(id)}`);
    map.intern(id);
  }
  return map;
}
