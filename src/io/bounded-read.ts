/**
 * Node-only file reading with a bound decided before anything is allocated: the file must be a
 * regular file (a FIFO, `/dev/zero` or a directory has no size to check and would be read until
 * memory runs out, or block forever) and no larger than the caller's limit. Directories are
 * walked with caps on entries, depth and total bytes.
 */
import { constants, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { decodeTextBytes } from '../data/encoding.js';
import { AlsError } from '../errors.js';
import { formatBytes } from './factor-reading.js';

/** Most bytes of a model file read by default: wasm32 cannot hold a larger model. */
export const MAX_MODEL_FILE_BYTES = 2 ** 32;
/** Most bytes of an id list (`@FILE`) or a side file read by default. */
export const MAX_LIST_FILE_BYTES = 2 ** 30;

/** What a path names, for messages. */
function kind(s: Stats): string {
  return s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a FIFO (named pipe)' : s.isCharacterDevice() ? 'a character device' : s.isBlockDevice() ? 'a block device' : s.isSocket() ? 'a socket' : 'not a regular file';
}

/**
 * A regular file's bytes, refused before reading when it is not a regular file or is larger
 * than `maxBytes`.
 * @param path - the file
 * @param what - how the user named it (`--model`, `--users @`, `SOURCE`), for messages
 * @param maxBytes - the most bytes accepted
 * @throws AlsError `IO_ERROR` with `details.reason`: `missing`, `not-regular` (`kind`), `too-large`, `unreadable`
 */
export async function readRegularFile(path: string, what: string, maxBytes: number): Promise<Uint8Array> {
  let s: Stats;
  try {
    s = await stat(path);
  } catch (e) {
    throw new AlsError('IO_ERROR', `Cannot read ${what} ${path}: ${(e as Error).message}`, { path, reason: 'missing', errno: (e as NodeJS.ErrnoException).code });
  }
  const refuseKind = (st: Stats) => new AlsError('IO_ERROR', `${what} ${path} is ${kind(st)}, not a regular file: it has no size to check before reading. Give a regular file.`, { path, reason: 'not-regular', kind: kind(st) });
  if (!s.isFile()) throw refuseKind(s);
  // O_NONBLOCK: if the path was swapped for a FIFO meanwhile, open does not hang; fstat then refuses it.
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new AlsError('IO_ERROR', `Cannot read ${what} ${path}: ${(e as Error).message}`, { path, reason: 'unreadable', errno: (e as NodeJS.ErrnoException).code });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw refuseKind(st);
    if (st.size > maxBytes) throw new AlsError('IO_ERROR', `${what} ${path} has ${formatBytes(st.size)}, over the limit of ${formatBytes(maxBytes)} for such a file.`, { path, reason: 'too-large', bytes: st.size, maxBytes });
    const out = new Uint8Array(st.size);
    let at = 0;
    while (at < out.length) {
      const { bytesRead } = await fh.read(out, at, out.length - at, at);
      if (bytesRead === 0) break; // shrank meanwhile
      at += bytesRead;
    }
    return at === out.length ? out : out.subarray(0, at);
  } catch (e) {
    if (e instanceof AlsError) throw e;
    throw new AlsError('IO_ERROR', `Cannot read ${what} ${path}: ${(e as Error).message}`, { path, reason: 'unreadable', errno: (e as NodeJS.ErrnoException).code });
  } finally {
    await fh.close();
  }
}

/**
 * A text file (an id list, a side file) read within the bound and decoded: a BOM or UTF-16's
 * zero bytes pick the encoding; bytes that are not UTF-8 are read as Latin-1 (see decodeTextBytes).
 */
export async function readTextFile(path: string, what: string, maxBytes = MAX_LIST_FILE_BYTES): Promise<{ text: string; encoding: string }> {
  return decodeTextBytes(await readRegularFile(path, what, maxBytes));
}

/** Caps of {@link readDirectoryTree}. */
export interface TreeLimits {
  /** Most files read (default 10 000). */
  maxFiles?: number;
  /** Most directory entries looked at in all (default 100 000): a system directory ends here. */
  maxEntries?: number;
  /** Most directory levels below the root (default 8). */
  maxDepth?: number;
  /** Most bytes in all (default 1 GiB). */
  maxBytes?: number;
  /** Which files to read, by path relative to the root (default: all). */
  keep?: (relativePath: string) => boolean;
}

/**
 * The regular files under `dir` (those `keep` accepts), by path relative to it, within caps
 * checked before anything is read: the tree is listed first (entries, depth), the files' total
 * size checked, then they are read. Symbolic links to files are followed (Spark part files may
 * be links); a directory is entered once (by device and inode), so a link loop ends.
 * @throws AlsError `IO_ERROR` (`reason: 'too-large'` past a cap)
 */
export async function readDirectoryTree(dir: string, what: string, limits: TreeLimits = {}): Promise<Record<string, Uint8Array>> {
  const maxFiles = limits.maxFiles ?? 10_000;
  const maxEntries = limits.maxEntries ?? 100_000;
  const maxDepth = limits.maxDepth ?? 8;
  const maxBytes = limits.maxBytes ?? 2 ** 30;
  const keep = limits.keep ?? (() => true);
  const files: { rel: string; path: string }[] = [];
  let entries = 0;
  let total = 0;
  const visited = new Set<string>();
  const tooLarge = (why: string) => new AlsError('IO_ERROR', `${what} ${dir} ${why}; nothing was read. Give the model's own directory.`, { path: dir, reason: 'too-large' });
  const walk = async (d: string, depth: number): Promise<void> => {
    const s = await stat(d);
    const key = `${s.dev}:${s.ino}`;
    if (visited.has(key)) return;
    visited.add(key);
    if (depth > maxDepth) throw tooLarge(`is more than ${maxDepth} directories deep`);
    const list = await readdir(d, { withFileTypes: true });
    entries += list.length;
    if (entries > maxEntries) throw tooLarge(`holds more than ${maxEntries} entries`);
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of list) {
      const path = join(d, e.name);
      let st: Stats;
      try {
        st = await stat(path); // through a symbolic link
      } catch {
        continue; // a dangling link: nothing to read
      }
      if (st.isDirectory()) {
        await walk(path, depth + 1);
        continue;
      }
      const rel = relative(dir, path);
      if (!st.isFile() || !keep(rel)) continue; // FIFOs, sockets, devices are not part of a model
      if (files.length >= maxFiles) throw tooLarge(`holds more than ${maxFiles} files`);
      total += st.size;
      if (total > maxBytes) throw tooLarge(`holds more than ${formatBytes(maxBytes)}`);
      files.push({ rel, path });
    }
  };
  await walk(dir, 0);
  const out: Record<string, Uint8Array> = {};
  let budget = maxBytes;
  for (const f of files) {
    const bytes = await readRegularFile(f.path, what, budget);
    budget -= bytes.byteLength;
    out[f.rel] = bytes;
  }
  return out;
}
