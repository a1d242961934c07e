/**
 * Long serving calls cut into slices with a yield between them, so that a worker keeps answering
 * (liveness pings, cancel) while it serves many users.
 */
import type { AlsModel, RecommendManyOptions, UserRecommendations } from '../model/model.js';
import type { Id } from '../data/types.js';
import { badOption, throwIfAborted } from '../errors.js';
import { nextMacrotask } from '../util/yield.js';

/** Users per slice of `Engine.recommendMany`: about 0.1 s of work at MovieLens-1M size, between two yields. */
const SERVE_SLICE_USERS = 2048;

/**
 * `model.recommendMany` in slices of {@link SERVE_SLICE_USERS} users with a yield between them;
 * `signal` stops it between slices.
 * @throws AbortError when `signal` fires; AlsError as `recommendMany` — checked
 *   before the first slice, so a bad id or option fails at once, not half-way
 */
export async function recommendManyInSlices(model: AlsModel, users: Id[], k: number, opts: RecommendManyOptions, signal: AbortSignal): Promise<UserRecommendations[]> {
  throwIfAborted(signal);
  if (!Array.isArray(users)) throw badOption('users', typeof users, 'an array of user ids');
  // Everything is checked before the first slice: a bad id or option fails at once, not half-way.
  model.recommendMany([], k, opts);
  if ((opts.unknownUsers ?? 'error') === 'error') for (const u of users) model.userIndex(u);
  const out: UserRecommendations[] = [];
  for (let s0 = 0; s0 < users.length; s0 += SERVE_SLICE_USERS) {
    if (s0 > 0) {
      await nextMacrotask();
      throwIfAborted(signal);
    }
    for (const r of model.recommendMany(users.slice(s0, s0 + SERVE_SLICE_USERS), k, opts)) out.push(r);
  }
  return out;
}
