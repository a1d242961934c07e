/** Interactions from `{ user, item, value?, timestamp?, event? }` records, validated one by one. */
import { throwIfAborted } from '../errors.js';
import { createIdMap } from './id-map.js';
import { badRow, checkParseOptions, emptyData, RowError, type ParseOptions } from './parse-options.js';
import { isAsyncIterable } from './text-parser.js';
import type { Id, InteractionRecord, Interactions, SkippedRows } from './types.js';

/** Options {@link fromRecords} uses. */
export type RecordOptions = Pick<ParseOptions, 'onBadRow' | 'source' | 'signal'>;

/** Records between two abort checks (and event-loop yields, for async sources). */
const CHECK_EVERY = 1 << 16;

/**
 * Builds interactions from records, validating each: ids must be non-empty strings or finite
 * numbers, `value` and `timestamp` finite numbers when present, `event` a non-empty string.
 * The first valid record fixes whether there are timestamps and events; a later record that
 * differs is a bad record (so nothing is filled in silently). A missing `value` is 1;
 * `hasValue` is true when any record has one.
 *
 * @param records - a sync or async iterable of records
 * @param opts - bad-record policy, source name for messages (default `"records"`), abort signal
 * @returns interactions in input order
 * @throws AlsError `PARSE_ERROR` naming the record's 0-based index (details: `record`, and
 *   `line` = index + 1), unless `onBadRow: 'skip'`; `EMPTY_DATA` when no record is valid; `AbortError`
 * @example
 * const data = await fromRecords([{ user: 'ann', item: 'tea', event: 'view' }, { user: 'ann', item: 'pot', event: 'purchase' }]);
 * data.events?.ids(); // ['view', 'purchase']
 */
export async function fromRecords(records: Iterable<InteractionRecord> | AsyncIterable<InteractionRecord>, opts: RecordOptions = {}): Promise<Interactions> {
  checkParseOptions(opts);
  const source = opts.source ?? 'records';
  const skip = opts.onBadRow === 'skip';
  const skipped: SkippedRows = { count: 0, examples: [] };
  const users = createIdMap();
  const items = createIdMap();
  const events = createIdMap();
  let cap = 1024;
  let user = new Int32Array(cap);
  let item = new Int32Array(cap);
  let value = new Float64Array(cap);
  let timestamp = new Float64Array(cap);
  let event = new Int32Array(cap);
  let hasValue = false;
  let schema: { timestamp: boolean; event: boolean } | null = null;
  let n = 0;
  let index = 0;

  const take = (r: InteractionRecord): void => {
    try {
      if (typeof r !== 'object' || r === null) throw new RowError(`expected an object { user, item, value?, timestamp?, event? }, got ${describe(r)}`);
      const u = checkId(r.user, 'user');
      const i = checkId(r.item, 'item');
      if (r.value !== undefined && !(typeof r.value === 'number' && Number.isFinite(r.value))) throw new RowError(`value must be a finite number, got ${describe(r.value)}`);
      if (r.timestamp !== undefined && !(typeof r.timestamp === 'number' && Number.isFinite(r.timestamp))) throw new RowError(`timestamp must be a finite number, got ${describe(r.timestamp)}`);
      if (r.event !== undefined && !(typeof r.event === 'string' && r.event.length > 0)) throw new RowError(`event must be a non-empty string, got ${describe(r.event)}`);
      const s = (schema ??= { timestamp: r.timestamp !== undefined, event: r.event !== undefined });
      if (s.timestamp !== (r.timestamp !== undefined)) throw new RowError(s.timestamp ? 'timestamp missing (the first record has one)' : 'timestamp given but the first record has none');
      if (s.event !== (r.event !== undefined)) throw new RowError(s.event ? 'event missing (the first record has one)' : 'event given but the first record has none');
      if (n === cap) {
        cap *= 2;
        user = grown(user, new Int32Array(cap));
        item = grown(item, new Int32Array(cap));
        value = grown(value, new Float64Array(cap));
        timestamp = grown(timestamp, new Float64Array(cap));
        event = grown(event, new Int32Array(cap));
      }
      user[n] = users.intern(u);
      item[n] = items.intern(i);
      value[n] = r.value ?? 1;
      if (r.value !== undefined) hasValue = true;
      if (r.timestamp !== undefined) timestamp[n] = r.timestamp;
      if (r.event !== undefined) event[n] = events.intern(r.event);
      n++;
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      badRow(skipped, skip, source, 'record', index, e.message, safeJson(r));
    } finally {
      index++;
    }
  };

  if (isAsyncIterable<InteractionRecord>(records)) {
    for await (const r of records) {
      take(r);
      if (index % CHECK_EVERY === 0) throwIfAborted(opts.signal);
    }
  } else {
    for (const r of records) {
      take(r);
      if (index % CHECK_EVERY === 0) throwIfAborted(opts.signal);
    }
  }
  throwIfAborted(opts.signal);
  if (n === 0) throw emptyData(source, skipped, 'records');
  const s = schema!;
  return {
    length: n,
    users,
    items,
    user: user.slice(0, n),
    item: item.slice(0, n),
    value: value.slice(0, n),
    hasValue,
    timestamp: s.timestamp ? timestamp.slice(0, n) : undefined,
    event: s.event ? event.slice(0, n) : undefined,
    events: s.event ? events : undefined,
    skipped,
    source,
  };
}

function grown<T extends Int32Array | Float64Array>(a: T, b: T): T {
  b.set(a);
  return b;
}

function checkId(v: unknown, role: string): Id {
  if (typeof v === 'string' && v.trim().length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new RowError(`${role} must be a non-empty string or a finite number, got ${describe(v)}`);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return safeJson(v);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
