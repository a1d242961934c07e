/**
 * A streaming decoder for byte input without a BOM: UTF-8 while the bytes are valid UTF-8, and
 * Latin-1 (windows-1252, as browsers read `latin1`) for the whole input when they are not and
 * nothing but ASCII came before — the same text a Latin-1 reading of the whole file gives. A
 * lenient UTF-8 decoder would turn each such byte into U+FFFD and merge distinct ids (`José`
 * and `Josè` both become `Jos\uFFFD`). Bytes that are not UTF-8 after valid non-ASCII UTF-8
 * (a file mixing encodings) are refused, naming the line.
 */
import { AlsError } from '../errors.js';
import type { ChunkDecoder } from './encoding.js';

/** How many bytes at the end of `b` start a UTF-8 sequence that continues in the next chunk. */
function incompleteTail(b: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const c = b[b.length - back];
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Where the first byte that cannot start or continue a UTF-8 sequence is (lead and continuation bytes only). */
function firstInvalidUtf8(b: Uint8Array): number {
  let j = 0;
  while (j < b.length) {
    const c = b[j];
    if (c < 0x80) {
      j++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return j;
    for (let k = 1; k <= n; k++) if (j + k >= b.length || (b[j + k] & 0xc0) !== 0x80) return j;
    j += n + 1;
  }
  return 0;
}

/** Decodes UTF-8, switching to Latin-1 on the first invalid byte if only ASCII came before. */
export class Utf8OrLatin1Decoder implements ChunkDecoder {
  private carry = new Uint8Array(0);
  private latin1: TextDecoder | null = null;
  private nonAscii = false;
  private first = true;
  private lines = 1;
  private bytes = 0;
  /** The encoding chosen so far. */
  get encoding(): 'utf-8' | 'latin1' {
    return this.latin1 ? 'latin1' : 'utf-8';
  }

  constructor(private readonly source: string) {}

  decode(chunk: Uint8Array = new Uint8Array(0), opts: { stream?: boolean } = {}): string {
    if (this.latin1) return this.count(this.latin1.decode(chunk, opts), chunk.length);
    let b = chunk;
    if (this.carry.length > 0) {
      b = new Uint8Array(this.carry.length + chunk.length);
      b.set(this.carry);
      b.set(chunk, this.carry.length);
    }
    const keep = opts.stream ? incompleteTail(b) : 0;
    const whole = b.subarray(0, b.length - keep);
    this.carry = b.slice(b.length - keep);
    let text: string;
    try {
      // A BOM is dropped only at the very start; a U+FEFF later is a character.
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: !this.first }).decode(whole);
    } catch {
      // Valid non-ASCII UTF-8 before the bad byte (in earlier chunks or in this one): mixed encodings.
      const bad = firstInvalidUtf8(whole);
      if (this.nonAscii || whole.subarray(0, bad).some((x) => x >= 0x80)) throw this.mixed(whole);
      this.latin1 = new TextDecoder('latin1');
      return this.count(this.latin1.decode(b, opts), b.length);
    }
    this.first = false;
    if (text.length !== whole.length) this.nonAscii = true; // a multi-byte character was decoded
    return this.count(text, whole.length);
  }

  private count(text: string, bytes: number): string {
    this.bytes += bytes;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) this.lines++;
    return text;
  }

  /** The refusal of bytes that are not UTF-8 after valid UTF-8 letters: the line of the first bad byte. */
  private mixed(whole: Uint8Array): AlsError {
    let line = this.lines;
    const good = firstInvalidUtf8(whole);
    for (let j = 0; j < good; j++) if (whole[j] === 10) line++;
    return new AlsError(
      'PARSE_ERROR',
      `${this.source} line ${line}: a byte that is not UTF-8 (0x${whole[good]?.toString(16)}) in a file whose earlier lines are UTF-8: the file mixes encodings, and its ids could not be read the same way throughout. Save the whole file as UTF-8.`,
      { source: this.source, line, reason: 'encoding', byteOffset: this.bytes + good },
    );
  }
}
