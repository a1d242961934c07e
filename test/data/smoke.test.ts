import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../src/data/csr.js';
import { parseText } from '../../src/data/parse.js';

describe('scale smoke (speed: bench/parse-scale.mjs)', () => {
  it('parses and indexes 1 M TSV lines: every row, id and timestamp kept', () => {
    const parts: string[] = [];
    for (let j = 0; j < 1_000_000; j++) parts.push(`${j % 6040}\t${(j * 7919) % 3706}\t${1 + (j % 5)}\t${978300760 + j}`);
    const text = parts.join('\n') + '\n';
    const d = parseText(text, { source: 'big.tsv' });
    const m = buildMatrix(d);
    expect(d.length).toBe(1_000_000);
    expect(d.users.size).toBe(6040);
    expect(d.items.size).toBe(3706);
    expect(d.timestamp![999_999]).toBe(978300760 + 999_999);
    expect(m.nnz + m.duplicatesMerged).toBe(1_000_000);
    expect(m.byUser.indptr[m.byUser.rows]).toBe(m.nnz);
  });
});
