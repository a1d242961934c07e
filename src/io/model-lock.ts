/**
 * An exclusive lock on a file the CLI writes, so two processes updating one model cannot both
 * read the old file and both write: the second would silently drop the first's update. The lock
 * is a file created with O_EXCL beside the target (`MODEL.lock`) holding the owner's pid and
 * host; a lock whose owner on this host is gone (killed, crashed) is stale and taken over. A
 * waiter polls until the lock is free, and fails loudly (`LOCKED`) after the timeout.
 */
import { hostname } from 'node:os';
import { lstat, open, readFile, realpath, stat, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AlsError } from '../errors.js';

/** How long a writer waits for another's lock by default (ms): a long update of a big model. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60 * 1000;

/** A lock file without a readable owner (its writer died between create and write) is stale after this (ms). */
const UNOWNED_STALE_MS = 10_000;

/** Options of {@link withFileLock}. */
export interface LockOptions {
  /** Most time to wait for another process's lock (default: `ALS_WASM_LOCK_TIMEOUT_MS` in the environment, else 10 minutes). */
  timeoutMs?: number;
  /** Called once when the lock is held by another process and this one starts waiting. */
  onWait?: (owner: LockOwner) => void;
}

/** What a lock file says about its owner. */
export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** The lock file of `path` (of its target when `path` is a symbolic link: the file really replaced). */
export async function lockPathOf(path: string): Promise<string> {
  const abs = resolve(path);
  try {
    if ((await lstat(abs)).isSymbolicLink()) return (await realpath(abs)) + '.lock';
  } catch {
    // Missing or dangling: lock beside the path given.
  }
  return abs + '.lock';
}

function timeoutFromEnv(): number {
  const v = Number(process.env.ALS_WASM_LOCK_TIMEOUT_MS);
  return Number.isFinite(v) && v >= 0 ? v : DEFAULT_LOCK_TIMEOUT_MS;
}

/** Whether process `pid` exists on this host (EPERM: it exists, owned by another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(lock: string): Promise<{ owner: LockOwner | null; text: string } | null> {
  try {
    const text = await readFile(lock, 'utf8');
    try {
      const o = JSON.parse(text) as LockOwner;
      return { owner: Number.isInteger(o.pid) && typeof o.host === 'string' ? o : null, text };
    } catch {
      return { owner: null, text };
    }
  } catch {
    return null; // gone meanwhile
  }
}

/** Whether a lock is stale: its owner on this host has exited, or it never got an owner and is old. */
async function isStale(lock: string, seen: { owner: LockOwner | null }): Promise<boolean> {
  if (seen.owner) return seen.owner.host === hostname() && !alive(seen.owner.pid);
  const s = await stat(lock).catch(() => undefined);
  return !!s && Date.now() - s.mtimeMs > UNOWNED_STALE_MS;
}

/** Tries once to create the lock file; true when this process now holds it. */
async function tryCreate(lock: string, me: string): Promise<boolean> {
  try {
    const fh = await open(lock, 'wx', 0o600);
    try {
      await fh.writeFile(me);
    } finally {
      await fh.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new AlsError('IO_ERROR', `Cannot create the lock file ${lock}: ${(e as Error).message}.`, { path: lock, errno: (e as NodeJS.ErrnoException).code });
  }
}

/**
 * Runs `fn` while holding the exclusive lock of `path`: other processes writing the same file
 * through this function wait until it returns. A stale lock (its process gone) is taken over.
 * @throws AlsError `LOCKED` when another live process holds the lock past the timeout
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = await lockPathOf(path);
  const me = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockOwner);
  const timeout = opts.timeoutMs ?? timeoutFromEnv();
  const start = Date.now();
  let told = false;
  while (!(await tryCreate(lock, me))) {
    const seen = await readOwner(lock);
    if (seen === null) continue; // released meanwhile: try again at once
    if (await isStale(lock, seen)) {
      // Remove it only if it is still the stale lock seen (not a fresh one another waiter made).
      const again = await readOwner(lock);
      if (again && again.text === seen.text) await unlink(lock).catch(() => undefined);
      continue;
    }
    if (!told && seen.owner) {
      told = true;
      opts.onWait?.(seen.owner);
    }
    if (Date.now() - start >= timeout) {
      const who = seen.owner ? `process ${seen.owner.pid} on ${seen.owner.host} (since ${seen.owner.since})` : 'another process';
      throw new AlsError('LOCKED', `${path} is being written by ${who}; waited ${Math.round((Date.now() - start) / 1000)} s. Try again when it is done, or remove ${lock} if that process is gone.`, { path, lock, owner: seen.owner });
    }
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
  }
  try {
    return await fn();
  } finally {
    const held = await readOwner(lock);
    if (held && held.text === me) await unlink(lock).catch(() => undefined);
  }
}
