import { AlsError } from '../../src/index.js';

/** What the page knows about an item besides its id. */
export interface ItemInfo {
  /** Display title (shown as text, never HTML). */
  title: string;
  /** First genre, used for colours; `''` when unknown. */
  genre: string;
}

/**
 * Reads an item-title file: `id,title[,genres]` CSV (quoted fields allowed, header optional),
 * MovieLens `movies.csv` (`movieId,title,genres` with `|`-separated genres) or `movies.dat`
 * (`id::title::genres`). Only the first genre is kept (for colours).
 * @throws AlsError `PARSE_ERROR` naming the line of a row without an id and a title
 */
export function parseTitles(text: string, source = 'titles'): Map<string, ItemInfo> {
  const out = new Map<string, ItemInfo>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const dat = lines.some((l) => l.includes('::'));
  const tsv = !dat && lines.slice(0, 5).some((l) => l.includes('\t'));
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === '') continue;
    const fields = dat ? line.split('::') : tsv ? line.split('\t') : splitCsv(line);
    if (n === 0 && /^(movie|item)?_?id$/i.test(fields[0]?.trim() ?? '') && /title|name/i.test(fields[1] ?? '')) continue; // header
    const id = fields[0]?.trim();
    const title = fields[1]?.trim();
    if (!id || !title) {
      throw new AlsError('PARSE_ERROR', `${source}, line ${n + 1}: expected "id,title[,genres]" but found ${JSON.stringify(line.slice(0, 80))}.`, { line: n + 1, source });
    }
    const genre = (fields[2] ?? '').split('|')[0].trim();
    out.set(id, { title, genre: genre === '(no genres listed)' ? '' : genre });
  }
  if (out.size === 0) throw new AlsError('EMPTY_DATA', `${source} has no titles.`, { source });
  return out;
}

/** Splits one CSV line, honouring double quotes ("" inside quotes is a quote). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
