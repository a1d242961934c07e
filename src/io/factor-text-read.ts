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
    const o = r as { id?: Id; features?: unknown };
    if (typeof o !== 'object' || o === null || o.id === undefined || !Array.isArray(o.features)) throw badFactors(`Factor record ${j} needs "id" and "features" (an array of numbers).`, { reason: 'record', record: j });
    return { id: o.id, features: o.features as number[], where: `record ${j}` };
  }));
}

/** CSV: `id,f1,…,fk` or `id,"[f1, …, fk]"`, with an optional header line. */
export function parseCsvFactors(text: string): { ids: Id[]; matrix: FactorMatrix } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: { id: Id; features: number[]; where: string }[] = [];
  lines.forEach((line, j) => {
    if (!line.trim()) return;
    const comma = line.indexOf(',');
    if (comma < 0) throw badFactors(`Factor CSV line ${j + 1}: expected "id,f1,…".`, { reason: 'record', line: j + 1 });
    const id = line.slice(0, comma).trim().replace(/^"|"$/g, '');
    const rest = line.slice(comma + 1).trim().replace(/^"|"$/g, '').replace(/^\[|\]$/g, '');
    const features = rest.split(',').map((s) => Number(s.trim()));
    if (rows.length === 0 && j === 0 && features.some((v) => Number.isNaN(v))) return; // header
    rows.push({ id, features, where: `line ${j + 1}` });
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
