/**
 * Text encodings of byte input and the "is this text at all" check: a byte-order mark picks
 * UTF-8, UTF-16 LE/BE or UTF-32 LE/BE; BOM-less UTF-16 is recognised by its pattern of zero
 * bytes; anything else is read as UTF-8. Binary input (NUL bytes, control characters) and
 * UTF-16 text that reached us already decoded as UTF-8 are refused, never turned into ids.
 */

/** Bytes looked at before choosing the encoding of a BOM-less byte stream. */
export const HEAD_BYTES = 1024;

/** The encodings byte input may have. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/** A streaming decoder with `TextDecoder`'s shape (`stream: true` keeps split characters). */
export interface ChunkDecoder {
  decode(bytes?: Uint8Array, opts?: { stream?: boolean }): string;
}

/**
 * The encoding of a byte stream from its first bytes (at least {@link HEAD_BYTES}, or all of
 * a shorter input): the BOM when there is one, else UTF-32 / UTF-16 by their zero bytes.
 */
export function sniffEncoding(head: Uint8Array): TextEncoding {
  const b = head;
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'utf-32le';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'utf-32be';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  // BOM-less UTF-32 / UTF-16: delimited text is mostly ASCII, so three bytes of each quad
  // (one of each pair) are zero.
  const quads = Math.min(b.length, HEAD_BYTES) >> 2;
  if (quads >= 2) {
    let le = 0;
    let be = 0;
    for (let j = 0; j < quads; j++) {
      const [b0, b1, b2, b3] = [b[4 * j], b[4 * j + 1], b[4 * j + 2], b[4 * j + 3]];
      if (b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) le++;
      else if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) be++;
    }
    if (le >= quads * 0.4 && be === 0) return 'utf-32le';
    if (be >= quads * 0.4 && le === 0) return 'utf-32be';
  }
  const pairs = Math.min(b.length, HEAD_BYTES) >> 1;
  if (pairs < 2) return 'utf-8';
  let zeroHigh = 0; // LE: "u\0"
  let zeroLow = 0; // BE: "\0u"
  for (let j = 0; j < pairs; j++) {
    const lo = b[2 * j];
    const hi = b[2 * j + 1];
    if (hi === 0 && lo !== 0) zeroHigh++;
    else if (lo === 0 && hi !== 0) zeroLow++;
  }
  if (zeroHigh >= pairs * 0.4 && zeroLow <= pairs * 0.02) return 'utf-16le';
  if (zeroLow >= pairs * 0.4 && zeroHigh <= pairs * 0.02) return 'utf-16be';
  return 'utf-8';
}

/** A decoder for the encoding; BOMs are dropped. */
export function createDecoder(encoding: TextEncoding): ChunkDecoder {
  if (encoding === 'utf-32le' || encoding === 'utf-32be') return new Utf32Decoder(encoding === 'utf-32le');
  return new TextDecoder(encoding);
}

/** UTF-32 (which `TextDecoder` does not offer): 4-byte code points; a bad one becomes U+FFFD. */
class Utf32Decoder implements ChunkDecoder {
  private carry = new Uint8Array(0);
  private first = true;
  constructor(private readonly le: boolean) {}

  decode(bytes: Uint8Array = new Uint8Array(0), opts: { stream?: boolean } = {}): string {
    let b = bytes;
    if (this.carry.length > 0) {
      b = new Uint8Array(this.carry.length + bytes.length);
      b.set(this.carry);
      b.set(bytes, this.carry.length);
    }
    const whole = b.length & ~3;
    this.carry = b.slice(whole);
    const parts: string[] = [];
    const units: number[] = [];
    for (let o = 0; o < whole; o += 4) {
      let cp = this.le ? b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24) : (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
      cp >>>= 0;
      if (this.first) {
        this.first = false;
        if (cp === 0xfeff) continue;
      }
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
      units.push(cp);
      if (units.length === 8192) {
        parts.push(String.fromCodePoint(...units));
        units.length = 0;
      }
    }
    if (units.length > 0) parts.push(String.fromCodePoint(...units));
    if (!opts.stream && this.carry.length > 0) {
      this.carry = new Uint8Array(0);
      parts.push('\ufffd');
    }
    return parts.join('');
  }
}

/**
 * Whether the first `n` characters look like ASCII text in UTF-16 (`period` 2) or UTF-32 (4)
 * decoded one byte per character: at one phase mostly printable characters, at every other
 * phase mostly NULs (a BOM decoded as two or four characters keeps the phase).
 */
function wideText(text: string, n: number, period: number): boolean {
  if (n < 4 * period) return false;
  const nuls = new Array<number>(period).fill(0);
  const printable = new Array<number>(period).fill(0);
  for (let j = 0; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === 0) nuls[j % period]++;
    else if (c >= 32 || c === 9 || c === 10 || c === 13) printable[j % period]++;
  }
  const per = n / period;
  const letters = printable.findIndex((k) => k >= per * 0.8);
  return letters >= 0 && nuls.every((k, r) => r === letters || k >= per * 0.8);
}

/** Characters of the sample that {@link textProblem} looks at. */
const CHECK_CHARS = 1 << 16;

/**
 * Why `text` (the first lines of an input) is not delimited text, or null when it is:
 * NUL characters (binary, or UTF-16/UTF-32 decoded as if it were UTF-8), or many control
 * characters / undecodable bytes (over 10 %: binary without NULs).
 */
export function textProblem(text: string): { reason: string; kind: 'utf-16' | 'binary' } | null {
  const n = Math.min(text.length, CHECK_CHARS);
  let nul = 0;
  let control = 0;
  for (let j = 0; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === 0) nul++;
    // ESC, BEL and BS may be inside ids (terminal escapes; printed escaped): not counted.
    else if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 11 && c !== 12 && c !== 0x1b && c !== 7 && c !== 8) || c === 0xfffd) control++;
  }
  if (nul > 0) {
    if (wideText(text, n, 2) || wideText(text, n, 4)) {
      return { kind: 'utf-16', reason: 'the text has NUL characters between its letters: it looks like UTF-16 or UTF-32 decoded as UTF-8. Pass the file itself (a File, Blob or byte stream) so that its encoding is detected, or save the file as UTF-8' };
    }
    return { kind: 'binary', reason: 'not a text file (it holds NUL bytes). Give a delimited text file such as CSV or TSV' };
  }
  if (control >= 8 && control > n * 0.1) {
    return { kind: 'binary', reason: 'not a text file (it holds control characters or bytes that are not UTF-8). Give a delimited text file such as CSV or TSV, saved as UTF-8' };
  }
  return null;
}

/**
 * A whole text file's bytes as text: the encoding from a BOM or UTF-16/32's zero bytes; else
 * UTF-8, or Latin-1 (windows-1252, as browsers read it) when the bytes are not valid UTF-8 —
 * never U+FFFD in place of a letter, which would merge distinct ids such as `José` and `Josè`.
 * @returns the text (BOM dropped) and the encoding it was read in
 */
export function decodeTextBytes(bytes: Uint8Array): { text: string; encoding: TextEncoding | 'latin1' } {
  const encoding = sniffEncoding(bytes.subarray(0, HEAD_BYTES));
  if (encoding !== 'utf-8') return { text: createDecoder(encoding).decode(bytes), encoding };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), encoding: 'latin1' };
  }
}
