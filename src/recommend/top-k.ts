/**
 * Selecting the best entries of a score vector: a bounded binary min-heap over typed arrays
 * for top-k (recommendations, the @k metrics) and a full argsort for rank-based metrics.
 */
import { badOption } from '../errors.js';

/** The k best entries of a score vector. */
export interface TopK {
  /** Indices, by descending score (ties: lower index first). */
  indices: Int32Array;
  /** Their scores, descending. */
  scores: Float64Array;
}

/** Items to leave out: a predicate, or the excluded indices as an ascending Int32Array. */
export type Exclusion = ((i: number) => boolean) | Int32Array;

/**
 * The `k` highest scores, best first.
 *
 * @param scores - one score per item
 * @param k - how many to return (an integer ≥ 0); fewer come back when fewer items qualify
 * @param exclude - items to leave out: a predicate, or a sorted (ascending) Int32Array of
 *   indices (an unsorted one is sorted on a copy, so it is still correct, just slower)
 * @param candidates - when given, only these indices are considered (repeats count once)
 * @returns indices and their scores, by descending score
 * @throws AlsError `BAD_OPTION` if `k` is not an integer ≥ 0
 * @throws RangeError if a candidate index is outside [0, scores.length)
 * @remarks
 * Ordering: i comes before j iff s_i > s_j, or s_i = s_j and i < j — a total order, so the
 * result is deterministic. NaN scores are never returned (treated as excluded).
 * Cost: O(n log k) time, O(k) memory — a min-heap of the k best seen so far, whose root (the
 * worst kept) is the only comparison most items need. Excluding by a sorted array while
 * scanning all items walks the array alongside the scan, O(n + |exclude|).
 * @example
 * topK(Float64Array.of(0.1, 0.9, 0.5), 2) // { indices: [1, 2], scores: [0.9, 0.5] }
 */
export function topK(scores: Float64Array, k: number, exclude?: Exclusion, candidates?: Int32Array): TopK {
  if (!Number.isInteger(k) || k < 0) throw badOption('k', k, 'an integer ≥ 0');
  const n = scores.length;
  const heap = new MinHeap(Math.min(k, candidates ? candidates.length : n));
  const predicate = typeof exclude === 'function' ? exclude : undefined;
  const excludedSorted = exclude instanceof Int32Array ? ascending(exclude) : undefined;

  if (candidates) {
    // Marks make repeated candidates count once without a Set of boxed numbers.
    const seen = new Uint8Array(n);
    for (let c = 0; c < candidates.length; c++) {
      const i = candidates[c];
      if (!(i >= 0 && i < n)) throw new RangeError(`candidate ${i} out of range [0, ${n})`);
      if (seen[i]) continue;
      seen[i] = 1;
      const v = scores[i];
      if (v !== v) continue; // NaN
      if (predicate ? predicate(i) : excludedSorted ? contains(excludedSorted, i) : false) continue;
      heap.offer(i, v);
    }
  } else if (excludedSorted) {
    let e = 0;
    for (let i = 0; i < n; i++) {
      while (e < excludedSorted.length && excludedSorted[e] < i) e++;
      if (e < excludedSorted.length && excludedSorted[e] === i) continue;
      const v = scores[i];
      if (v === v) heap.offer(i, v);
    }
  } else if (predicate) {
    for (let i = 0; i < n; i++) {
      const v = scores[i];
      if (v === v && !predicate(i)) heap.offer(i, v);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = scores[i];
      if (v === v) heap.offer(i, v);
    }
  }
  return heap.drain();
}

/**
 * All indices ordered by descending score: ties by lower index, NaN last (by index).
 *
 * @param scores - one score per item
 * @param subset - when given, order only these indices (returned as a new array)
 * @returns a new Int32Array of indices, best first
 * @remarks The same total order as {@link topK}, so `argsortDescending(s).subarray(0, k)`
 * equals `topK(s, k).indices` when s has no NaN. O(n log n).
 */
export function argsortDescending(scores: Float64Array, subset?: Int32Array): Int32Array {
  const order = subset ? Int32Array.from(subset) : Int32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => {
    const sa = scores[a];
    const sb = scores[b];
    if (sa !== sa) return sb !== sb ? a - b : 1;
    if (sb !== sb) return -1;
    return sa > sb ? -1 : sa < sb ? 1 : a - b;
  });
}

/**
 * A fixed-capacity min-heap of (index, score) pairs in two parallel typed arrays; its root is
 * the worst pair kept. "Worse" means lower score, or equal score and higher index.
 */
class MinHeap {
  private readonly idx: Int32Array;
  private readonly val: Float64Array;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.idx = new Int32Array(capacity);
    this.val = new Float64Array(capacity);
  }

  /** Keeps (i, v) if it is among the best `capacity` seen so far. */
  offer(i: number, v: number): void {
    const idx = this.idx;
    const val = this.val;
    if (this.size < this.capacity) {
      // Sift up from the new leaf.
      let p = this.size++;
      while (p > 0) {
        const parent = (p - 1) >> 1;
        const pv = val[parent];
        if (!(v < pv || (v === pv && i > idx[parent]))) break;
        idx[p] = idx[parent];
        val[p] = pv;
        p = parent;
      }
      idx[p] = i;
      val[p] = v;
      return;
    }
    if (this.capacity === 0) return;
    // Most items lose against the root: one comparison and out.
    const rv = val[0];
    if (v < rv || (v === rv && i > idx[0])) return;
    this.replaceRoot(i, v);
  }

  /** Empties the heap into arrays ordered best first. */
  drain(): TopK {
    const count = this.size;
    const indices = new Int32Array(count);
    const scores = new Float64Array(count);
    for (let t = count - 1; t >= 0; t--) {
      indices[t] = this.idx[0];
      scores[t] = this.val[0];
      const last = --this.size;
      if (last > 0) this.replaceRoot(this.idx[last], this.val[last]);
    }
    return { indices, scores };
  }

  /** Puts (i, v) at the root and sifts it down (hole technique: one write per level). */
  private replaceRoot(i: number, v: number): void {
    const idx = this.idx;
    const val = this.val;
    const size = this.size;
    let p = 0;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= size) break;
      let w = l;
      const r = l + 1;
      if (r < size && (val[r] < val[l] || (val[r] === val[l] && idx[r] > idx[l]))) w = r;
      const wv = val[w];
      if (!(wv < v || (wv === v && idx[w] > i))) break;
      idx[p] = idx[w];
      val[p] = wv;
      p = w;
    }
    idx[p] = i;
    val[p] = v;
  }
}

/** `a` itself if ascending, else a sorted copy (callers are promised sorted input, but a wrong order must not give wrong results). */
function ascending(a: Int32Array): Int32Array {
  for (let j = 1; j < a.length; j++) if (a[j] < a[j - 1]) return Int32Array.from(a).sort();
  return a;
}

/** Binary search in an ascending array. */
function contains(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
