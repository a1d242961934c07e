/** The k best entries of a score vector. */
export interface TopK {
  /** Indices, by descending score (ties: lower index first). */
  indices: Int32Array;
  /** Their scores. */
  scores: Float64Array;
}

/**
 * The `k` highest scores in O(n log k) with a binary min-heap over typed arrays (no
 * per-element objects). NaN scores are never returned. Ties are broken by the lower index.
 *
 * @param scores - one score per item
 * @param k - how many (≥ 0)
 * @param exclude - items to leave out: a predicate or a sorted Int32Array of indices
 * @param candidates - when given, only these indices are considered
 * @returns indices and scores, best first
 */
export function topK(scores: Float64Array, k: number, exclude?: ((i: number) => boolean) | Int32Array, candidates?: Int32Array): TopK {
  const heapIdx = new Int32Array(Math.max(0, k));
  const heapVal = new Float64Array(Math.max(0, k));
  let size = 0;
  const isExcluded = typeof exclude === 'function' ? exclude : exclude ? (i: number) => binarySearch(exclude, i) : undefined;
  // "a is worse than b": lower score, or equal score and higher index.
  const worse = (va: number, ia: number, vb: number, ib: number) => va < vb || (va === vb && ia > ib);
  const siftDown = (p: number) => {
    for (;;) {
      const l = 2 * p + 1;
      if (l >= size) return;
      let w = l;
      const r = l + 1;
      if (r < size && worse(heapVal[r], heapIdx[r], heapVal[l], heapIdx[l])) w = r;
      if (!worse(heapVal[w], heapIdx[w], heapVal[p], heapIdx[p])) return;
      swap(heapIdx, heapVal, w, p);
      p = w;
    }
  };
  const offer = (i: number) => {
    const v = scores[i];
    if (v !== v) return; // NaN
    if (isExcluded && isExcluded(i)) return;
    if (size < k) {
      let p = size++;
      heapIdx[p] = i;
      heapVal[p] = v;
      while (p > 0) {
        const parent = (p - 1) >> 1;
        if (!worse(heapVal[p], heapIdx[p], heapVal[parent], heapIdx[parent])) break;
        swap(heapIdx, heapVal, p, parent);
        p = parent;
      }
    } else if (k > 0 && worse(heapVal[0], heapIdx[0], v, i)) {
      heapIdx[0] = i;
      heapVal[0] = v;
      siftDown(0);
    }
  };
  if (candidates) {
    const seen = new Set<number>();
    for (let c = 0; c < candidates.length; c++) {
      const i = candidates[c];
      if (i < 0 || i >= scores.length || seen.has(i)) continue;
      seen.add(i);
      offer(i);
    }
  } else {
    for (let i = 0; i < scores.length; i++) offer(i);
  }
  // Pop the heap from worst to best.
  const indices = new Int32Array(size);
  const out = new Float64Array(size);
  for (let t = size - 1; t >= 0; t--) {
    indices[t] = heapIdx[0];
    out[t] = heapVal[0];
    size--;
    heapIdx[0] = heapIdx[size];
    heapVal[0] = heapVal[size];
    siftDown(0);
  }
  return { indices, scores: out };
}

function swap(idx: Int32Array, val: Float64Array, a: number, b: number): void {
  const ti = idx[a];
  idx[a] = idx[b];
  idx[b] = ti;
  const tv = val[a];
  val[a] = val[b];
  val[b] = tv;
}

function binarySearch(sorted: Int32Array, x: number): boolean {
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
