/**
 * Labels: the names and attributes a model was trained with — item titles and genres, user
 * attributes (age band, gender, occupation), a name for the model — kept beside the factors so
 * that a saved model still speaks in names. They never change a score: serving ignores them.
 */
import { AlsError } from '../errors.js';
import type { Id } from '../data/types.js';

/** What a model knows about one item besides its id. */
export interface ItemLabel {
  /** Display title, e.g. `Star Wars (1977)` (text, never HTML). */
  title?: string;
  /** Its genres, in the file's order (the first one colours it in the demo). */
  genres?: string[];
}

/**
 * The names and attributes kept with a model (see `AlsModel.labels`). Every field is optional;
 * ids are keys as strings (`String(id)`), so numeric and string ids look up alike.
 */
export interface ModelLabels {
  /** A name for the model, e.g. the ratings file's (`u.data`); a page names its download after it. */
  name?: string;
  /** Where the data came from, by role, e.g. `{ ratings: 'u.data', items: 'u.item', users: 'u.user' }`. */
  sources?: Record<string, string>;
  /** Item titles and genres by item id. */
  items?: Record<string, ItemLabel>;
  /** Every genre of the items' file, in its order (a legend lists them all, also those no item of the data has). */
  genres?: string[];
  /** User attributes by user id, e.g. `{ age: '25-34', gender: 'M', occupation: 'writer' }`. */
  users?: Record<string, Record<string, string>>;
}

/** Own-property lookup (ids such as `constructor` or `__proto__` must not reach the prototype). */
function own<T>(map: Record<string, T> | undefined, id: Id): T | undefined {
  return map && Object.hasOwn(map, String(id)) ? map[String(id)] : undefined;
}

/** The label of an item, or undefined. */
export function itemLabelOf(labels: ModelLabels | undefined, id: Id): ItemLabel | undefined {
  return own(labels?.items, id);
}

/** The attributes of a user, or undefined. */
export function userLabelOf(labels: ModelLabels | undefined, id: Id): Record<string, string> | undefined {
  return own(labels?.users, id);
}

/** A short description of a user's attributes: `25-34 · M · writer` (values in the file's order). */
export function describeUser(attributes: Record<string, string> | undefined): string | undefined {
  if (!attributes) return undefined;
  const values = Object.values(attributes).filter((v) => v !== '');
  return values.length ? values.join(' · ') : undefined;
}

/**
 * Merges label sets: later ones win per field, item and user maps are merged id by id.
 * @returns a new object (the inputs are not changed)
 */
export function mergeLabels(...sets: (ModelLabels | undefined)[]): ModelLabels | undefined {
  const present = sets.filter((s): s is ModelLabels => s !== undefined);
  if (present.length === 0) return undefined;
  const out: ModelLabels = {};
  for (const s of present) {
    if (s.name !== undefined) out.name = s.name;
    if (s.genres !== undefined) out.genres = [...s.genres];
    if (s.sources) out.sources = Object.fromEntries([...Object.entries(out.sources ?? {}), ...Object.entries(s.sources)]);
    if (s.items) out.items = Object.fromEntries([...Object.entries(out.items ?? {}), ...Object.entries(s.items)]);
    if (s.users) out.users = Object.fromEntries([...Object.entries(out.users ?? {}), ...Object.entries(s.users)]);
  }
  return out;
}

/**
 * Checks that a value is a {@link ModelLabels} (what a model file or a caller gave) and returns
 * a clean copy of it (objects without a prototype chain to trip over).
 * @param value - the labels (undefined or null: none)
 * @param what - how to name them in a message
 * @throws AlsError `BAD_OPTION` naming the first field that is wrong
 */
export function checkLabels(value: unknown, what = 'labels'): ModelLabels | undefined {
  if (value === undefined || value === null) return undefined;
  const bad = (field: string, got: unknown, expected: string) =>
    new AlsError('BAD_OPTION', `${what}${field} is ${JSON.stringify(got)?.slice(0, 80) ?? String(got)}; expected ${expected}.`, { option: `${what}${field}`, expected });
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (!isObject(value)) throw bad('', value, 'an object { name?, sources?, items?, genres?, users? }');
  const known = ['name', 'sources', 'items', 'genres', 'users'];
  for (const k of Object.keys(value)) if (!known.includes(k)) throw bad(`.${k}`, value[k], `no such field (known: ${known.join(', ')})`);
  const out: ModelLabels = {};
  if (value.name !== undefined) {
    if (typeof value.name !== 'string') throw bad('.name', value.name, 'a string');
    out.name = value.name;
  }
  if (value.genres !== undefined) {
    if (!strings(value.genres)) throw bad('.genres', value.genres, 'an array of strings');
    out.genres = [...(value.genres as string[])];
  }
  const stringMap = (x: unknown, field: string): Record<string, string> => {
    if (!isObject(x) || !Object.values(x).every((v) => typeof v === 'string')) throw bad(field, x, 'an object of strings');
    return Object.fromEntries(Object.entries(x)) as Record<string, string>;
  };
  if (value.sources !== undefined) out.sources = stringMap(value.sources, '.sources');
  if (value.items !== undefined) {
    if (!isObject(value.items)) throw bad('.items', value.items, 'an object of { title?, genres? } by item id');
    out.items = Object.fromEntries(
      Object.entries(value.items).map(([id, l]) => {
        if (!isObject(l) || (l.title !== undefined && typeof l.title !== 'string') || (l.genres !== undefined && !strings(l.genres)) || Object.keys(l).some((k) => k !== 'title' && k !== 'genres')) {
          throw bad(`.items[${JSON.stringify(id)}]`, l, '{ title?: string, genres?: string[] }');
        }
        return [id, { ...(l.title !== undefined ? { title: l.title as string } : {}), ...(l.genres !== undefined ? { genres: [...(l.genres as string[])] } : {}) }];
      }),
    );
  }
  if (value.users !== undefined) {
    if (!isObject(value.users)) throw bad('.users', value.users, 'an object of attribute objects by user id');
    out.users = Object.fromEntries(Object.entries(value.users).map(([id, a]) => [id, stringMap(a, `.users[${JSON.stringify(id)}]`)]));
  }
  return out;
}
