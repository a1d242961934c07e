/**
 * A rating far outside the scale of the file's other ratings (5000 among 1–5: a typo, a price,
 * a count pasted into the rating column) would train silently and drag every bias and factor
 * it touches. When the ratings form a scale — a few distinct values hold nearly every row — a
 * value beyond it by more than ten times its span is refused naming its line, unless
 * `--allow-outliers` says it is genuine. Data that trains as implicit feedback by default
 * (counts, events: `defaultFeedback`) is not checked: a long tail is real there.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename } from 'node:path';
import type { Interactions } from '../data/types.js';
import { defaultFeedback } from '../api/fit.js';
import { AlsError } from '../errors.js';

/** The flag that accepts such values. */
export const OUTLIER_FLAG = 'allow-outliers';

/** Distinct values beyond which the ratings are not a scale (continuous values): nothing is checked. */
const MAX_DISTINCT = 64;

/** A value outside the scale: its row (input order), the value and the scale. */
export interface RatingOutlier {
  row: number;
  value: number;
  low: number;
  high: number;
}

/**
 * The scale ratings form, or null when they form none: the values each held by at least 0.5 %
 * of the rows, at most 21 of them, covering ≥ 99 % of the rows (at least 20 rows).
 */
export function ratingScale(values: ArrayLike<number>): { low: number; high: number } | null {
  const n = values.length;
  if (n < 20) return null;
  const counts = new Map<number, number>();
  for (let j = 0; j < n; j++) {
    const v = values[j];
    counts.set(v, (counts.get(v) ?? 0) + 1);
    if (counts.size > MAX_DISTINCT) return null;
  }
  const common = [...counts].filter(([, c]) => c >= Math.max(2, n * 0.005)); // a value seen once is never the scale
  const covered = common.reduce((s, [, c]) => s + c, 0);
  if (common.length === 0 || common.length > 21 || covered < n * 0.99) return null;
  return { low: Math.min(...common.map(([v]) => v)), high: Math.max(...common.map(([v]) => v)) };
}

/**
 * The first rating beyond the scale by more than 10 × its span (span at least 1), or null.
 * @param scale - the scale to hold the values to (default: the one they form themselves)
 */
export function findRatingOutlier(data: Pick<Interactions, 'length' | 'value' | 'hasValue'>, scale = ratingScale(data.value.subarray(0, data.length))): RatingOutlier | null {
  if (!data.hasValue || !scale) return null;
  const { low, high } = scale;
  const reach = 10 * Math.max(high - low, 1);
  for (let j = 0; j < data.length; j++) {
    const v = data.value[j];
    if (v > high + reach || v < low - reach) return { row: j, value: v, low, high };
  }
  return null;
}

/**
 * The 1-based line of `path` holding the outlier: the first line with both ids and the value
 * among its fields (found by reading the file again; only on this error path).
 */
async function lineOf(path: string, user: string, item: string, value: number, latin1: boolean): Promise<number | undefined> {
  const lines = createInterface({ input: createReadStream(path, { encoding: latin1 ? 'latin1' : 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      const fields = text.split(/::|[\t,;| ]/).map((s) => s.trim().replace(/^"|"$/g, ''));
      if (fields.includes(user) && fields.includes(item) && fields.some((s) => s !== '' && Number(s.replace(',', '.')) === value)) return line;
    }
  } finally {
    lines.close();
  }
  return undefined;
}

/**
 * Refuses a ratings file with a rating far outside its scale (see {@link findRatingOutlier}),
 * naming the line, unless `allowed`. `scale`: the one to hold them to (`update`: the model's ratings').
 * @throws AlsError `PARSE_ERROR` with `details: { source, line, value, scale, reason: 'outlier' }`
 */
export async function refuseRatingOutliers(path: string, data: Interactions, allowed: boolean, scale?: { low: number; high: number } | null): Promise<void> {
  if (allowed) return;
  // Only what trains as ratings: counts have a long tail by nature (a whale's 5000 plays among 1–10 is data, not a typo).
  if (!scale && defaultFeedback(data) === 'implicit') return;
  const o = findRatingOutlier(data, scale ?? undefined);
  if (!o) return;
  const user = String(data.users.id(data.user[o.row]));
  const item = String(data.items.id(data.item[o.row]));
  const line = await lineOf(path, user, item, o.value, data.encoding === 'latin1');
  const where = line !== undefined ? `line ${line}` : `data row ${o.row + 1}`;
  throw new AlsError(
    'PARSE_ERROR',
    `${basename(path)} ${where}: the rating ${o.value} (user ${JSON.stringify(user)}, item ${JSON.stringify(item)}) is far outside the scale of the other ratings (${o.low} … ${o.high}); it would drag every score it touches. Fix the row, or pass --${OUTLIER_FLAG} if it is genuine.`,
    { source: basename(path), line, row: o.row, value: o.value, scale: [o.low, o.high], reason: 'outlier' },
  );
}
