// The parser's columns past one block (2^20 rows): blocks are joined in order, for strings and
// for chunked streams, every column (user, item, value, timestamp, event) intact at the seams.
import { describe, expect, it } from 'vitest';
import { parseChunks, parseText } from '../../src/data/text-parser.js';

const ROWS = (1 << 21) + 12_345; // two full blocks and a partial third
const line = (j: number) => `${j % 1000}\t${j % 777}\t${(j % 5) + 1}\t${j}\t${j % 3 === 0 ? 'buy' : 'view'}\n`;
const parts: string[] = [];
for (let j = 0; j < ROWS; j += 100_000) {
  let s = '';
  for (let k = j; k < Math.min(ROWS, j + 100_000); k++) s += line(k);
  parts.push(s);
}

function check(d: Awaited<ReturnType<typeof parseChunks>>): void {
  expect(d.length).toBe(ROWS);
  expect(d.user.length).toBe(ROWS);
  expect(d.value.length).toBe(ROWS);
  for (const j of [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (1 << 21) - 1, 1 << 21, ROWS - 1]) {
    expect(d.users.id(d.user[j])).toBe(String(j % 1000));
    expect(d.items.id(d.item[j])).toBe(String(j % 777));
    expect(d.value[j]).toBe((j % 5) + 1);
    expect(d.timestamp![j]).toBe(j);
    expect(d.events!.id(d.event![j])).toBe(j % 3 === 0 ? 'buy' : 'view');
  }
  let sum = 0;
  for (let j = 0; j < ROWS; j++) sum += d.timestamp![j] - j;
  expect(sum).toBe(0);
}

describe('parser columns past one block', () => {
  it('parseText keeps every row in order', () => check(parseText(parts.join(''), { format: 'tsv' })), 60_000);
  it('parseChunks keeps every row in order', async () => check(await parseChunks(parts, { format: 'tsv' })), 60_000);
});
