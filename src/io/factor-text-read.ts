/**
 * Reads factor rows written as text, as Spark MLlib users export `itemFactors`: JSON
 * (`{"id":…,"features":[…]}` per line or an array) and CSV (`id,f1,…,fk` or `id,"[f1, …]"`).
 * Every row must have the first row's width and finite values.
 */
import type { Id } from '../data/types.js';
import { badFactors, type FactorMatrix } from './factor-reading.js';

/** Spark-style JSON: `[{"id":1,"features":[…]},…]`, or one such object per line. */
export function parseJsonFactors(text: string): { ids: Id[]; matrix: FactorMatrix } {
  const t = text.trim();
  let records: unknown[];
  try {
    records = t.startsWith('[') ? JSON.parse(t) : t.split(/\r?\n/).filter((l) => l.trim()).map((l) => JSON.parse(l));
  } catch (e) {
    throw badFactors(`The factor JSON is not valid: ${(e as Error).message}.`, { reason: 'json' });
  }
  return fromRows(records.map((r, j) => {
    const o = r as { id?: unknown; features?: unknown };
    if (typeof o !== 'object' || o === null || !Array.isArray(o.features)) throw badFactors(`Factor record ${j} needs "id" and "features" (an array of numbers).`, { reason: 'record', record: j });
    // An id is a string or a finite number: null, true or an object would become the id "null".
    if (!(typeof o.id === 'string' || (typeof o.id === 'number' && Number.isFinite(o.id)))) {
      throw badFactors(`Factor record ${j}: "id" is ${o.id === undefined ? 'missing' : JSON.stringify(o.id)}; it must be a string or a number.`, { reason: 'record', record: j });
    }
    return { id: o.id, features: o.features as number[], where: `record ${j}` };
  }));
}

/** A decimal number as factor files write it (`NaN` and `Infinity` too: refused later by value, naming the line). */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:nan|inf|infinity)$/i;

/**
 * CSV: `id,f1,…,fk` or `id,"[f1, …, fk]"`, with an optional header line — a first line is a
 * header only when a value field is not a number (`id,f1,f2`); `1,NaN,0.2` is data, refused for
 * its NaN. An empty field (`1,0.1,,0.3`, a trailing comma) or a non-decimal number (`0x10`) is
 * refused naming its line, never read as 0 or 16.
 */
export function parseCsvFactors(text: string): { ids: Id[]; matrix: FactorMatrix } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: { id: Id; features: number[]; where: string }[] = [];
  let first = true;
  lines.forEach((line, j) => {
    if (!line.trim()) return;
    const comma = line.indexOf(',');
    if (comma < 0) throw badFactors(`Factor CSV line ${j + 1}: expected "id,f1,…".`, { reason: 'record', line: j + 1 });
    const id = line.slice(0, comma).trim().replace(/^"|"$/g, '');
    const rest = line.slice(comma + 1).trim().replace(/^"|"$/g, '').replace(/^\[|\]$/g, '');
    const fields = rest.split(',').map((s) => s.trim());
    const wasFirst = first;
    first = false;
    if (wasFirst && fields.some((s) => s !== '' && !NUMBER.test(s))) return; // a header: names, not numbers
    const bad = fields.findIndex((s) => !NUMBER.test(s));
    if (bad >= 0) {
      const what = fields[bad] === '' ? 'is empty (a missing value or a trailing comma)' : `is ${JSON.stringify(fields[bad])}, not a decimal number`;
      throw badFactors(`Factor CSV line ${j + 1}: value ${bad + 1} ${what}.`, { reason: 'value', line: j + 1 });
    }
    rows.push({ id, features: fields.map(Number), where: `line ${j + 1}` });
  });
  return fromRows(rows);
}

/** Factor rows (`where` names each in messages) → ids and a dense matrix; every row as wide as the first, every value finite. */
function fromRows(rows: { id: Id; features: number[]; where: string }[]): { ids: Id[]; matrix: FactorMatrix } {
  if (rows.length === 0) throw badFactors('The factor file has no rows.', { reason: 'empty' });
  const cols = rows[0].features.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.features.length !== cols) throw badFactors(`Factor ${r.where} has ${r.features.length} values; the first row has ${cols}.`, { reason: 'record', where: r.where });
    r.features.forEach((v, a) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw badFactors(`Factor ${r.where}: value ${a + 1} is not a finite number.`, { reason: 'value', where: r.where });
      data[i * cols + a] = v;
    });
  });
  return { ids: rows.map((r) => r.id), matrix: { rows: rows.length, cols, data } };
}
