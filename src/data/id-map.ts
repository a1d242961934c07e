import type { Id, IdMap } from './types.js';

/** Canonical integer keys below this live in the typed table; larger ones in a Map (2^24 ints = 64 MiB max). */
const TABLE_LIMIT = 1 << 24;

/**
 * A two-way id ↔ dense-index map.
 *
 * Keys are normalised so that a number and its decimal string are the same id (`196` and
 * `"196"`): a canonical non-negative integer (digits only, no leading zero, < 10^9) is keyed by
 * its value, everything else by `String(id)`. Small integer keys go to a directly indexed
 * `Int32Array` (no hashing, no string allocation: the parser interns digit spans straight from
 * the text); the rest to `Map`s. The id is stored as first seen.
 */
export class DenseIdMap implements IdMap {
  /** index + 1 per integer key < table.length (0 = absent), so a fresh table needs no fill. */
  private table = new Int32Array(0);
  /** Integer keys ≥ table.length. */
  private readonly big = new Map<number, number>();
  /** Non-integer keys, as strings. */
  private readonly byText = new Map<string, number>();
  private readonly list: Id[] = [];

  /** Number of distinct ids. */
  get size(): number {
    return this.list.length;
  }

  /** Dense index of `id`, or `undefined` if unknown. */
  index(id: Id): number | undefined {
    const k = intKeyOf(id);
    if (k >= 0) {
      const i = this.getInt(k);
      return i < 0 ? undefined : i;
    }
    return this.byText.get(typeof id === 'string' ? id : String(id));
  }

  /** Dense index of `id`, adding it if new. */
  intern(id: Id): number {
    const k = intKeyOf(id);
    if (k >= 0) {
      const i = this.getInt(k);
      return i >= 0 ? i : this.addInt(k, id);
    }
    const key = typeof id === 'string' ? id : String(id);
    let i = this.byText.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.byText.set(key, i);
      this.list.push(id);
    }
    return i;
  }

  /**
   * Interns the id spelled by `s[from, to)` (already trimmed), allocating a string only for
   * an id not seen before or one that is not a canonical integer. Hot path of the parser.
   */
  internSpan(s: string, from: number, to: number): number {
    const len = to - from;
    if (len > 0 && len <= 9) {
      let k = 0;
      let j = from;
      for (; j < to; j++) {
        const d = s.charCodeAt(j) - 48;
        if (d < 0 || d > 9) break;
        k = k * 10 + d;
      }
      if (j === to && (len === 1 || s.charCodeAt(from) !== 48)) {
        const i = this.getInt(k);
        return i >= 0 ? i : this.addInt(k, s.slice(from, to));
      }
    }
    return this.intern(s.slice(from, to));
  }

  /** The id at dense index `i`. @throws RangeError if `i` is not in [0, size) */
  id(i: number): Id {
    if (!(i >= 0 && i < this.list.length)) throw new RangeError(`id index ${i} out of range [0, ${this.list.length})`);
    return this.list[i];
  }

  /** All ids in index order (a copy). */
  ids(): Id[] {
    return this.list.slice();
  }

  private getInt(k: number): number {
    if (k < this.table.length) return this.table[k] - 1;
    const i = this.big.get(k);
    return i === undefined ? -1 : i;
  }

  private addInt(k: number, id: Id): number {
    const i = this.list.length;
    this.list.push(id);
    if (k >= this.table.length && k < TABLE_LIMIT && k < 8 * i + (1 << 20)) this.growTable(k);
    if (k < this.table.length) this.table[k] = i + 1;
    else this.big.set(k, i);
    return i;
  }

  /** Grows the table to cover `k`; memory stays O(ids + 4 MiB) because k < 8·size + 2^20. */
  private growTable(k: number): void {
    let n = Math.max(4096, this.table.length);
    while (n <= k) n *= 2;
    n = Math.min(n, TABLE_LIMIT);
    const t = new Int32Array(n);
    t.set(this.table);
    this.table = t;
    for (const [key, i] of this.big) {
      if (key < n) {
        t[key] = i + 1;
        this.big.delete(key);
      }
    }
  }
}

/** The integer key of a canonical non-negative integer id (< 10^9), else -1. */
function intKeyOf(id: Id): number {
  if (typeof id === 'number') return Number.isInteger(id) && id >= 0 && id < 1e9 ? id + 0 : -1; // +0 folds -0
  const len = id.length;
  if (len === 0 || len > 9 || (len > 1 && id.charCodeAt(0) === 48)) return -1;
  let k = 0;
  for (let j = 0; j < len; j++) {
    const d = id.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return -1;
    k = k * 10 + d;
  }
  return k;
}

/**
 * A new, empty {@link IdMap}.
 * @returns a map with `size` 0
 * @example
 * const users = createIdMap();
 * users.intern('196'); // 0
 * users.index(196);    // 0 — a number and its decimal string are the same id
 */
export function createIdMap(): DenseIdMap {
  return new DenseIdMap();
}

/**
 * An {@link IdMap} holding `ids` at indices 0..n-1 (e.g. read back from a model file).
 * @param ids - the ids in index order
 * @returns the map
 * @throws RangeError if an id repeats (a number and its decimal string count as the same id)
 * @example
 * idMapFromIds(['196', '186']).index(186) // 1
 */
export function idMapFromIds(ids: readonly Id[]): DenseIdMap {
  const map = new DenseIdMap();
  for (let j = 0; j < ids.length; j++) {
    if (map.intern(ids[j]) !== j) throw new RangeError(`duplicate id ${JSON.stringify(ids[j])} at index ${j}`);
  }
  return map;
}
