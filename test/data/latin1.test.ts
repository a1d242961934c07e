/**
 * Issue 26 item 3 in the library: byte input without a BOM that is not valid UTF-8 is read as
 * Latin-1 (windows-1252) in any chunking — distinct ids stay distinct — and marked
 * `encoding: 'latin1'`; valid UTF-8 is unchanged; mixed encodings are refused naming the line.
 */
import { describe, expect, it } from 'vitest';
import { parseChunks } from '../../src/data/parse.js';

const latin1 = Buffer.from(['Jos\xe9,a,5', 'Jos\xe8,a,1', 'Ren\xe9e,b,3', 'Ana,c,4'].join('\n') + '\n', 'latin1');

function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

describe('Latin-1 byte input (issue 26)', () => {
  it.each([1, 2, 3, 5, 7, 4096])('in chunks of %i bytes: José, Josè and Renée are three users, marked latin1', async (size) => {
    // A long ASCII prefix first, so that the bad byte arrives after decoding has started.
    const prefix = Buffer.from(Array.from({ length: 300 }, (_, j) => `u${j},a,1`).join('\n') + '\n');
    const data = await parseChunks(chunks(Buffer.concat([prefix, latin1]), size), { source: 'l.csv' });
    expect(data.encoding).toBe('latin1');
    for (const id of ['José', 'Josè', 'Renée']) expect(data.users.index(id)).toBeDefined();
    expect(data.users.size).toBe(304);
  });

  it('valid UTF-8 (é split across chunks) is read as UTF-8, not marked', async () => {
    const data = await parseChunks(chunks(Buffer.from('José,a,5\nJosè,a,1\nAna,b,2\n', 'utf8'), 3), { source: 'u.csv' });
    expect(data.encoding).toBeUndefined();
    expect(data.users.index('José')).toBeDefined();
    expect(data.users.index('Josè')).toBeDefined();
  });

  it('UTF-8 letters, then a Latin-1 byte on a later line: PARSE_ERROR naming that line', async () => {
    const bytes = Buffer.concat([Buffer.from('Zoë,a,5\nAna,b,4\n'.repeat(100), 'utf8'), Buffer.from('Jos\xe9,a,1\n', 'latin1')]);
    await expect(parseChunks(chunks(bytes, 64), { source: 'm.csv' })).rejects.toMatchObject({ code: 'PARSE_ERROR', details: { line: 201, reason: 'encoding' } });
  });
});
