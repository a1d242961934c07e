/**
 * The full-ranking metrics of implicit feedback, AUC and the expected percentile rank (MPR):
 * each held-out positive's place among all of its user's negatives, not only the top k.
 * see: Hu, Koren & Volinsky 2008, §6 for the expected percentile rank; the definitions are
 * under `rankingMetrics` (ranking.ts).
 */

/** Sums of AUC and MPR over users, with the scratch one user needs (one allocation per evaluation, not per user). */
export class FullRankingSums {
  private readonly sortedPos: Float64Array;
  private readonly histLower: Int32Array;
  private readonly histUpper: Int32Array;
  private readonly bucketStart = new Int32Array(257);
  private aucSum = 0;
  private aucUsers = 0;
  private mprNum = 0;
  private mprDen = 0;

  /** @param numItems - the number of items every user's scores cover */
  constructor(private readonly numItems: number) {
    this.sortedPos = new Float64Array(numItems);
    this.histLower = new Int32Array(numItems + 1);
    this.histUpper = new Int32Array(numItems + 1);
  }

  /**
   * Adds one user: `positives[0 … npos)` are the held-out positives (npos ≥ 1), `weights` their
   * held-out values; the negatives are the items neither in `inTrain`, nor in `isPositive`, nor
   * left out by `mask` (when given). A user without negatives adds to MPR and AUC nothing.
   */
  add(scores: Float64Array, positives: Int32Array, weights: Float64Array, npos: number, inTrain: Uint8Array, isPositive: Uint8Array, mask: Uint8Array | undefined): void {
    const numItems = this.numItems;
    // Full-ranking metrics. Each negative is placed among the few sorted positive scores
    // and counted in a histogram; prefix sums then give, per positive, the negatives
    // below it and tied with it. About O(n) instead of sorting all n negatives per user
    // (which made a 20 000-user evaluation take 30 s);
    // the counts are the same integers, so the metrics are the same bits.
    const sortedPos = this.sortedPos.subarray(0, npos);
    for (let j = 0; j < npos; j++) sortedPos[j] = finiteOrder(scores[positives[j]]);
    sortedPos.sort();
    const histLower = this.histLower;
    const histUpper = this.histUpper;
    histLower.fill(0, 0, npos + 1);
    histUpper.fill(0, 0, npos + 1);
    const lowest = sortedPos[0];
    const highest = sortedPos[npos - 1];
    // Buckets over [lowest, highest] remember how many positives lie below each bucket's
    // start, so a negative needs about one comparison instead of a binary search. The
    // bucket only picks where to start: the scans below make the count exact whatever
    // the rounding (and ties, ±Infinity and a single positive need no special case).
    const buckets = this.bucketStart;
    const nb = Math.min(buckets.length - 1, 2 * npos);
    const scale = highest > lowest && Number.isFinite(highest - lowest) ? nb / (highest - lowest) : 0;
    for (let b = 0, j = 0; b < nb; b++) {
      const edge = lowest + b / scale;
      while (j < npos && sortedPos[j] < edge) j++;
      buckets[b] = j;
    }
    let nneg = 0;
    let underAll = 0; // negatives below every positive: the common case for a good model
    let overAll = 0; // negatives above every positive
    for (let i = 0; i < numItems; i++) {
      if (inTrain[i] || isPositive[i] || (mask && !mask[i])) continue;
      nneg++;
      const s = finiteOrder(scores[i]);
      if (s < lowest) {
        underAll++;
        continue;
      }
      if (s > highest) {
        overAll++;
        continue;
      }
      let lower = 0;
      if (scale > 0) {
        const b = Math.floor((s - lowest) * scale);
        lower = buckets[b < nb ? b : nb - 1];
        while (lower > 0 && sortedPos[lower - 1] >= s) lower--;
      }
      while (lower < npos && sortedPos[lower] < s) lower++; // positives strictly below s
      let upper = lower;
      while (upper < npos && sortedPos[upper] === s) upper++; // … and those equal to it
      histLower[lower]++;
      histUpper[upper]++;
    }
    histLower[npos] += overAll;
    histUpper[npos] += overAll;
    histLower[0] += underAll;
    histUpper[0] += underAll;
    if (nneg > 0) {
      // Prefix sums: histUpper[L] = negatives with s < p for the positives with L positives below them;
      // histLower[U − 1] = negatives with s ≤ p for those with U positives at or below them.
      for (let j = 1; j <= npos; j++) {
        histLower[j] += histLower[j - 1];
        histUpper[j] += histUpper[j - 1];
      }
      let correct = 0;
      for (let j = 0; j < npos; j++) {
        const s = finiteOrder(scores[positives[j]]);
        const below = histUpper[lowerBound(sortedPos, s)];
        const notAbove = histLower[upperBound(sortedPos, s) - 1];
        const tied = notAbove - below;
        correct += below + 0.5 * tied;
        this.mprNum += weights[j] * ((nneg - notAbove + 0.5 * tied) / nneg);
        this.mprDen += weights[j];
      }
      this.aucSum += correct / (npos * nneg);
      this.aucUsers++;
    }
  }

  /** AUC averaged over the users added that had negatives (NaN if none). */
  auc(): number {
    return this.aucUsers > 0 ? this.aucSum / this.aucUsers : NaN;
  }

  /** MPR over the positives added, weighted by their held-out values (NaN if none). */
  mpr(): number {
    return this.mprDen > 0 ? this.mprNum / this.mprDen : NaN;
  }
}

/** NaN ranks last: map it to −∞ so sorting and comparisons stay a total order. */
function finiteOrder(s: number): number {
  return s === s ? s : -Infinity;
}

/** First index j with a[j] ≥ x (a ascending). */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index j with a[j] > x (a ascending). */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
