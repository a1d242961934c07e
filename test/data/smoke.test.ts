import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../src/data/csr.js';
import { parseText } from '../../src/data/parse.js';

describe('scale smoke (time is logged, not asserted)', () => {
  it('parses and indexes 1 M TSV lines without quadratic steps', () => {
    const parts: string[] = [];
    for (let j = 0; j < 1_000_000; j++) parts.push(`${j % 6040}\t${(j * 7919) % 3706}\t${1 + (j % 5)}\t${978300760 + j}`);
    const text = parts.join('\n') + '\n';
    const t0 = performance.now();
    const d = parseText(text, { source: 'big.tsv' });
    const t1 = performance.now();
    const m = buildMatrix(d);
    const t2 = performance.now();
    console.log(`1 M TSV lines (${(text.length / 1e6).toFixed(1)} MB): parse ${(t1 - t0).toFixed(0)} ms + index ${(t2 - t1).toFixed(0)} ms = ${(t2 - t0).toFixed(0)} ms`);
    expect(d.length).toBe(1_000_000);
    expect(d.users.size).toBe(6040);
    expect(d.items.size).toBe(3706);
    expect(d.timestamp![999_999]).toBe(978300760 + 999_999);
    expect(m.nnz + m.duplicatesMerged).toBe(1_000_000);
    expect(m.byUser.indptr[m.byUser.rows]).toBe(m.nnz);
  });
});
