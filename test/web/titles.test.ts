/** The demo page's item-title files. */
import { describe, expect, it } from 'vitest';
import { parseTitles } from '../../web/data/titles.js';

describe('parseTitles', () => {
  it.each([
    ['id,title,genres CSV with header and quotes', 'movieId,title,genres\n1,"Toy Story (1995)",Adventure|Animation\n2,"Heat, The (1995)",Action\n', ['1', 'Toy Story (1995)', 'Adventure'], ['2', 'Heat, The (1995)', 'Action']],
    ['MovieLens movies.dat', '1::Toy Story (1995)::Animation|Children\n2::Jumanji (1995)::Adventure\n', ['1', 'Toy Story (1995)', 'Animation'], ['2', 'Jumanji (1995)', 'Adventure']],
    ['headerless id,title with CRLF and a BOM', '\uFEFFa,Alpha\r\nb,"Say ""hi"""\r\n', ['a', 'Alpha', ''], ['b', 'Say "hi"', '']],
    ['TSV', 'x\tX-Men\tAction|Sci-Fi\ny\tYentl\t(no genres listed)\n', ['x', 'X-Men', 'Action'], ['y', 'Yentl', '']],
  ])('%s', (_name, text, a, b) => {
    const m = parseTitles(text);
    expect(m.size).toBe(2);
    expect(m.get(a[0])).toMatchObject({ title: a[1], genre: a[2] });
    expect(m.get(b[0])).toMatchObject({ title: b[1], genre: b[2] });
  });

  it('keeps every genre of a film (the legend and the tooltip show them all)', () => {
    expect(parseTitles('1,Toy Story (1995),Adventure|Animation\n').get('1')).toEqual({ title: 'Toy Story (1995)', genre: 'Adventure', genres: ['Adventure', 'Animation'] });
  });

  it('keeps markup in a title as plain text (the page renders it as text)', () => {
    const m = parseTitles('1,<img src=x onerror=alert(1)>\n');
    expect(m.get('1')?.title).toBe('<img src=x onerror=alert(1)>');
  });

  it('names the line of a row without a title', () => {
    expect(() => parseTitles('1,One\n2\n', 'movies.csv')).toThrow(expect.objectContaining({ code: 'PARSE_ERROR', details: { line: 2, source: 'movies.csv' } }));
    expect(() => parseTitles('1,One\n2\n', 'movies.csv')).toThrow(/movies\.csv, line 2/);
  });

  it('refuses a file without titles', () => {
    expect(() => parseTitles('\n\n')).toThrow(expect.objectContaining({ code: 'EMPTY_DATA' }));
  });
});

describe('the built-in demo datasets', () => {
  it('ratings: 1–5 stars, 4–5 exactly in the user’s planted genres, one per pair; TSV text matches the records', async () => {
    const { demoDataset } = await import('../../web/data/builtin.js');
    const r = demoDataset('ratings');
    expect(r.feedback).toBe('explicit');
    const pairs = new Set(r.records.map((x) => `${x.user}|${x.item}`));
    expect(pairs.size).toBe(r.records.length);
    for (const x of r.records) {
      const liked = r.tastes.get(String(x.user))!.includes(r.items.get(String(x.item))!.genre);
      expect(liked ? x.value! >= 4 : x.value! <= 3).toBe(true);
    }
    expect(r.text.split('\n')).toHaveLength(r.records.length + 1);
    const e = demoDataset('events');
    expect(e.text.split('\n')[1]).toBe(`${e.records[0].user}\t${e.records[0].item}\t${e.records[0].event}\t${e.records[0].timestamp}`);
  });
});
