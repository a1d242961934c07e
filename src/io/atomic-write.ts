/**
 * Node-only file saving for the CLI: a model file is written whole or not at all. The bytes go
 * to a temporary file in the target's directory, are flushed to disk (fsync), and the
 * temporary file is then renamed over the target — a rename within one directory is atomic,
 * so a full disk or a crash mid-write leaves the previous file as it was.
 * see: write-file-atomic (npm), rename(2)
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Writes `bytes` to `path` atomically: temporary file beside it, fsync, rename. On any failure
 * the temporary file is removed, the previous file at `path` is untouched, and the error is
 * rethrown. A `path` that is a symbolic link is followed (the link's target is replaced, the
 * link stays). Only a regular file is replaced (a FIFO, device or directory is refused with
 * `code: 'ENOTREG'`), and it keeps its permission bits: a 0600 model stays 0600.
 * @param path - the file to create or replace
 * @param bytes - its new contents
 * @throws the underlying Node error (`ENOSPC`, `EACCES`, …)
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const target = await resolveTarget(path);
  const before: Stats | undefined = await stat(target).catch(() => undefined);
  if (before && !before.isFile()) throw Object.assign(new Error(`${path} is not a regular file; only a regular file or a new path is written`), { code: 'ENOTREG' });
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    const fh = await open(tmp, 'wx', before ? 0o600 : 0o644);
    created = true;
    try {
      // The replaced file's mode, set explicitly (the umask would strip bits of the open mode).
      if (before) await fh.chmod(before.mode & 0o7777);
      let written = 0;
      while (written < bytes.byteLength) {
        const { bytesWritten } = await fh.write(bytes, written, bytes.byteLength - written);
        if (bytesWritten <= 0) throw Object.assign(new Error(`wrote 0 bytes to ${tmp}`), { code: 'EIO' });
        written += bytesWritten;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
    created = false;
  } catch (e) {
    if (created) await unlink(tmp).catch(() => undefined);
    throw e;
  }
  // Make the rename itself durable where the platform allows syncing a directory.
  try {
    const dir = await open(dirname(target), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Not supported here (e.g. Windows): the file itself is already on disk.
  }
}

/** `path`, or the file a symbolic link at `path` points to (which may not exist yet). */
async function resolveTarget(path: string): Promise<string> {
  const abs = resolve(path);
  try {
    if ((await lstat(abs)).isSymbolicLink()) return await realpath(abs);
  } catch {
    // Missing, or a dangling link: write at the path given.
  }
  return abs;
}

/**
 * Whether `a` and `b` name the same file: the same path, or (both existing) the same device and
 * inode — which also catches hard links and symbolic links to one another.
 */
export async function isSameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}
