import { Rng } from '../util/rng.js';
import type { Interactions } from './types.js';

/**
 * The entries of `data` whose `keep` flag is set, as new interactions sharing the id maps
 * (dense indices keep their meaning, so models and test sets line up).
 * @param data - interactions
 * @param keep - one flag per entry
 */
export function selectEntries(data: Interactions, keep: Uint8Array): Interactions {
  let count = 0;
  for (let j = 0; j < data.length; j++) count += keep[j];
  const user = new Int32Array(count);
  const item = new Int32Array(count);
  const value = new Float64Array(count);
  const timestamp = data.timestamp ? new Float64Array(count) : undefined;
  const event = data.event ? new Int32Array(count) : undefined;
  let at = 0;
  for (let j = 0; j < data.length; j++) {
    if (!keep[j]) continue;
    user[at] = data.user[j];
    item[at] = data.item[j];
    value[at] = data.value[j];
    if (timestamp) timestamp[at] = data.timestamp![j];
    if (event) event[at] = data.event![j];
    at++;
  }
  return { ...data, length: count, user, item, value, timestamp, event };
}

/**
 * A seeded sample of whole users holding at most `maxEntries` entries (all of them when the
 * data is smaller): users are taken in a random order while they fit.
 * @param data - interactions
 * @param maxEntries - cap on the entries kept
 * @param seed - seed of the order
 * @returns the sample (sharing id maps) and whether anything was left out
 */
export function sampleUsers(data: Interactions, maxEntries: number, seed: number): { data: Interactions; sampled: boolean } {
  if (data.length <= maxEntries) return { data, sampled: false };
  const perUser = new Int32Array(data.users.size);
  for (let j = 0; j < data.length; j++) perUser[data.user[j]]++;
  const order = Int32Array.from({ length: data.users.size }, (_, u) => u);
  const rng = new Rng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const chosen = new Uint8Array(data.users.size);
  let total = 0;
  for (const u of order) {
    if (total + perUser[u] > maxEntries) continue;
    chosen[u] = 1;
    total += perUser[u];
  }
  const keep = new Uint8Array(data.length);
  for (let j = 0; j < data.length; j++) keep[j] = chosen[data.user[j]];
  return { data: selectEntries(data, keep), sampled: true };
}
