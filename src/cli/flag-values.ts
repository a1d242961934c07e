/**
 * Readers of the CLI's structured flag values — event weights, id lists (`a,b,c` or `@file`),
 * a fold-in history (`item:value,…`), numbers and choices — each a usage error (exit 2) naming
 * the flag when the value is malformed.
 */
import { AlsError, isAlsError } from '../errors.js';
import { readTextFile } from '../io/bounded-read.js';
import type { HistoryEntry } from '../model/model.js';
import { num, str, UsageError, type Parsed } from './args.js';

/** The part of the CLI context these readers use. */

/**
 * A flag whose value is one of `choices`, or undefined when absent.
 * @throws usage error naming the allowed values
 */
export function choiceFlag<T extends string>(p: Parsed, name: string, choices: readonly T[]): T | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${v}"`);
  return v as T;
}

/**
 * `--event-weights view=3,basket=10,purchase=40` → `{ view: 3, basket: 10, purchase: 40 }`
 * (the library checks the weights' range).
 */
export function eventWeightsFlag(p: Parsed, name = 'event-weights'): Record<string, number> | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  // A prototype-less object: `constructor` or `toString` are event names like any other.
  const out: Record<string, number> = Object.create(null);
  for (const part of v.split(',')) {
    const eq = part.lastIndexOf('=');
    const event = part.slice(0, eq).trim();
    const weight = Number(part.slice(eq + 1));
    if (eq <= 0 || part.slice(eq + 1).trim() === '' || !Number.isFinite(weight)) throw new UsageError(`--${name}: "${part}" must look like event=weight, e.g. --${name} view=3,basket=10,purchase=40`);
    if (Object.hasOwn(out, event)) throw new UsageError(`--${name}: "${event}" is given twice`);
    out[event] = weight;
  }
  return out;
}

/**
 * Ids from `a,b,c` or from `@FILE` (one id per line; blank lines skipped), or undefined when
 * the flag is absent. Ids are strings: the model maps `196` and `"196"` to the same id.
 * @throws usage error for an empty list; AlsError `IO_ERROR` for a file that cannot be read
 */
export async function idListFlag(p: Parsed, name: string): Promise<string[] | undefined> {
  const v = str(p, name);
  if (v === undefined) return undefined;
  let ids: string[];
  if (v.startsWith('@')) {
    // Bounded, and decoded by its BOM (UTF-16 lists from Windows tools), else UTF-8 or Latin-1.
    let text: string;
    try {
      ({ text } = await readTextFile(v.slice(1), `--${name} @`));
    } catch (e) {
      // A list that is not there is a usage mistake (exit 2); one that cannot be read is bad input (exit 1).
      if (isAlsError(e) && e.details.reason === 'missing') throw new AlsError('BAD_OPTION', `--${name} ${v}: cannot read ${v.slice(1)} (${e.message})`, { option: name, value: v, reason: 'missing' });
      throw e;
    }
    ids = text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  } else {
    ids = v.split(',').map((s) => s.trim());
    if (ids.some((s) => s === '')) throw new UsageError(`--${name}: "${v}" has an empty id; give ids as a,b,c or @FILE (one per line)`);
  }
  if (ids.length === 0) throw new UsageError(`--${name} ${v}: no ids`);
  return ids;
}

/**
 * `--history item:value,…` (`:value` optional: an item alone is a plain "liked", the model's
 * default value — never a 1-star rating; the value after the last `:`, so ids may contain
 * colons) → a fold-in history.
 */
export function historyFlag(p: Parsed, name = 'history'): HistoryEntry[] | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  return v.split(',').map((part) => {
    const colon = part.lastIndexOf(':');
    const item = (colon < 0 ? part : part.slice(0, colon)).trim();
    const raw = colon < 0 ? '1' : part.slice(colon + 1).trim();
    const value = Number(raw);
    if (item === '' || raw === '' || !Number.isFinite(value)) throw new UsageError(`--${name}: "${part}" must look like item:value (e.g. --${name} 242:5,302:3), or item alone for a plain "liked"`);
    return colon < 0 ? { item } : { item, value };
  });
}
