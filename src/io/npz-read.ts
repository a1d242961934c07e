/**
 * Reads the `.npz` archives benfred/implicit's `model.save()` writes (a ZIP of `.npy` entries,
 * stored or deflated): the central directory without inflating anything, then only the entries
 * used, each inflated into a buffer of its declared size, all declared sizes checked against the
 * limit first.
 * see: PKWARE APPNOTE 4.3 (central directory, local header); numpy.savez / savez_compressed
 */
import type { Id } from '../data/types.js';
import { badFactors, formatBytes, type FactorMatrix } from './factor-reading.js';
import { parseNpy, parseNpyStrings } from './npy-read.js';

/** What an `.npz` of factors holds. */
export interface NpzFactors {
  /** `item_factors`. */
  items: FactorMatrix;
  /** `user_factors`, when present. */
  users?: FactorMatrix;
  /** `item_ids` (saved by {@link exportFactors}), when present and asked for. */
  itemIds?: Id[];
  /** `user_ids`, when present beside `user_factors`. */
  userIds?: Id[];
  /** `regularization` and `alpha`, when present as one value each. */
  scalars: Record<string, number>;
}

/**
 * Reads the factors of an `.npz`: `item_factors` (required), `user_factors`, `item_ids`,
 * `user_ids`, `regularization` and `alpha`. Only the arrays used are inflated.
 * @param bytes - the archive
 * @param maxBytes - most bytes the declared uncompressed sizes of the entries used may sum to (and each array as f64)
 * @param readItemIds - whether to read `item_ids` (not when the caller gives the ids)
 * @throws AlsError `BAD_FACTORS` with `details: { entry, reason }`
 */
export async function readNpzFactors(bytes: Uint8Array, maxBytes: number, readItemIds: boolean): Promise<NpzFactors> {
  const entries = readZipDirectory(bytes);
  const itemEntry = entries.get('item_factors');
  if (!itemEntry) throw badFactors(`The .npz has no item_factors array (it has: ${[...entries.keys()].join(', ') || 'nothing'}).`, { entry: 'item_factors', reason: 'missing' });
  // Only the arrays used are inflated; their declared sizes together must fit the limit first.
  const used = (['item_factors', 'user_factors', 'regularization', 'alpha', 'item_ids', 'user_ids'] as const).filter((name) => entries.has(name));
  const declared = used.reduce((sum, name) => sum + entries.get(name)!.size, 0);
  if (declared > maxBytes) {
    const largest = used.reduce((a, name) => (entries.get(name)!.size > entries.get(a)!.size ? name : a));
    throw badFactors(`The .npz declares ${formatBytes(declared)} of arrays once decompressed (${largest}: ${formatBytes(entries.get(largest)!.size)}), over the limit of ${formatBytes(maxBytes)}. Pass a larger maxBytes if the file is genuine.`, { entry: entries.get(largest)!.name, reason: 'too-large', declaredBytes: declared, maxBytes });
  }
  const items = parseNpy(await readZipEntry(bytes, itemEntry), itemEntry.name, false, maxBytes);
  const userEntry = entries.get('user_factors');
  const users = userEntry ? parseNpy(await readZipEntry(bytes, userEntry), userEntry.name, false, maxBytes) : undefined;
  // Ids saved beside the factors (by exportFactors; implicit itself keeps row numbers).
  const idEntry = entries.get('item_ids');
  const itemIds = idEntry && readItemIds ? parseNpyStrings(await readZipEntry(bytes, idEntry), idEntry.name, items.rows) : undefined;
  const userIdEntry = entries.get('user_ids');
  const userIds = userIdEntry && users ? parseNpyStrings(await readZipEntry(bytes, userIdEntry), userIdEntry.name, users.rows) : undefined;
  const scalars: Record<string, number> = {};
  for (const key of ['regularization', 'alpha']) {
    const entry = entries.get(key);
    if (entry) {
      const m = parseNpy(await readZipEntry(bytes, entry), entry.name, true, maxBytes);
      if (m.data.length === 1) scalars[key] = m.data[0];
    }
  }
  return { items, users, itemIds, userIds, scalars };
}

/** One entry of a ZIP central directory: where its bytes are and what it declares. */
interface ZipEntry {
  name: string;
  method: number;
  /** Offset of the compressed bytes in the archive. */
  dataAt: number;
  compressedSize: number;
  /** The uncompressed size the directory declares (checked while inflating). */
  size: number;
}

/**
 * Reads the central directory of a ZIP archive (stored or deflated entries, as written by
 * numpy.savez / savez_compressed) without inflating anything; entries are keyed by name
 * without `.npy`. Every offset is checked against the archive's length.
 */
function readZipDirectory(b: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let j = b.length - 22; j >= Math.max(0, b.length - 22 - 65535); j--) {
    if (view.getUint32(j, true) === 0x06054b50) {
      eocd = j;
      break;
    }
  }
  if (eocd < 0) throw badFactors('The .npz file is not a complete ZIP archive (no end-of-directory record).', { entry: null, reason: 'not-zip' });
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const out = new Map<string, ZipEntry>();
  for (let e = 0; e < count; e++) {
    if (at + 46 > b.length || view.getUint32(at, true) !== 0x02014b50) throw badFactors('The .npz central directory is corrupt.', { entry: null, reason: 'corrupt' });
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    if (at + 46 + nameLen > b.length) throw badFactors('The .npz central directory is corrupt.', { entry: null, reason: 'corrupt' });
    const name = new TextDecoder().decode(b.subarray(at + 46, at + 46 + nameLen));
    if (compressedSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) {
      throw badFactors(`The .npz entry ${name} needs ZIP64 (over 4 GiB), which is not supported; save arrays under 4 GiB with numpy.savez.`, { entry: name, reason: 'zip64' });
    }
    if (local + 30 > b.length || view.getUint32(local, true) !== 0x04034b50) throw badFactors(`The .npz entry ${name} is corrupt (no local header at offset ${local}).`, { entry: name, reason: 'corrupt' });
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataAt + compressedSize > b.length) throw badFactors(`The .npz entry ${name} is truncated.`, { entry: name, reason: 'truncated' });
    if (method !== 0 && method !== 8) throw badFactors(`The .npz entry ${name} uses ZIP method ${method}; only stored and deflate are supported.`, { entry: name, reason: 'method' });
    if (method === 0 && compressedSize !== size) throw badFactors(`The .npz entry ${name} is stored but declares ${size} bytes for ${compressedSize}.`, { entry: name, reason: 'size-mismatch' });
    out.set(name.replace(/\.npy$/, ''), { name, method, dataAt, compressedSize, size });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/**
 * The uncompressed bytes of one entry. A deflated entry is inflated as a stream into a buffer
 * of its declared size: output beyond that size (a deflate bomb whose directory lies) stops
 * the inflation at once, so memory never exceeds the declared size, itself capped by the caller.
 */
async function readZipEntry(b: Uint8Array, entry: ZipEntry): Promise<Uint8Array> {
  const raw = b.subarray(entry.dataAt, entry.dataAt + entry.compressedSize);
  if (entry.method === 0) return raw;
  const fail = (reason: string, message: string) => badFactors(`The .npz entry ${entry.name} ${message}`, { entry: entry.name, reason });
  if (typeof DecompressionStream !== 'function') throw fail('unsupported', 'is compressed and this runtime has no DecompressionStream; save it with numpy.savez (uncompressed) instead.');
  const out = new Uint8Array(entry.size);
  let filled = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  } catch (e) {
    throw fail('unsupported', `cannot be inflated here (${(e as Error)?.message ?? e}); save it with numpy.savez (uncompressed) instead.`);
  }
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      throw fail('inflate', `is not valid deflate data (${(e as Error)?.message ?? e}).`);
    }
    if (chunk.done) break;
    if (filled + chunk.value.length > entry.size) {
      await reader.cancel().catch(() => undefined);
      throw fail('size-mismatch', `inflates to more than the ${entry.size} bytes its directory declares: refused (a corrupt file or a decompression bomb).`);
    }
    out.set(chunk.value, filled);
    filled += chunk.value.length;
  }
  if (filled !== entry.size) throw fail('size-mismatch', `inflates to ${filled} bytes but its directory declares ${entry.size}.`);
  return out;
}
