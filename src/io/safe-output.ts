/**
 * Where the CLI may write: only a regular file (replaced) or a new path, and never onto any
 * input of the command. A FIFO, a device, a directory or a symbolic link to one of them is
 * refused (replacing `/dev/null` or `/proc/self/fd/1` with a model file would destroy it); so
 * is a path that is, or lies inside, something the command reads — compared by real path and
 * by device + inode, so hard links, symbolic links and `./x/../` spellings are caught too.
 */
import { readlink, realpath, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { AlsError } from '../errors.js';

/** Something the command reads: the flag that named it (`FILE` for a positional word) and its path. */
export interface InputPath {
  /** How the user named it: `--model`, `--item-features`, `--exclude @…`, `FILE`, `SOURCE`. */
  flag: string;
  /** The path as given. */
  path: string;
}

/** A refusal of an output path: `BAD_OPTION` (usage, exit 2) naming the user's flag. */
function refuse(flag: string, out: string, reason: string, message: string, more: Record<string, unknown> = {}): AlsError {
  return new AlsError('BAD_OPTION', message, { option: flag.replace(/^--/, ''), value: out, reason, ...more });
}

/** What kind of thing a stat names, for messages. */
function kindOf(s: Awaited<ReturnType<typeof stat>>): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Checks that `out` may be written: it does not exist yet (its directory does), or it is a
 * regular file (through any symbolic links). Called before any work and again just before the
 * rename (see writeFileAtomic), so a path that changed meanwhile is still refused.
 * @param out - the path the user gave
 * @param flag - the flag that named it (`--out`)
 * @throws AlsError `BAD_OPTION` (`details.reason`: `not-regular`, `no-directory`)
 */
export async function checkOutputTarget(out: string, flag = '--out'): Promise<void> {
  // A path through /proc/…/fd or /dev/fd names an open file of some process (its standard output
  // redirected to a file is a regular file, and would be replaced): refused whatever it is.
  const via = await throughProcessFd(out);
  if (via) throw refuse(flag, out, 'not-regular', `${flag} ${out} leads to ${via}, an open file of a process (such as the standard output); a model is written only to a regular file or a new path of its own. Choose another ${flag} path.`, { kind: 'process file descriptor' });
  let s;
  try {
    s = await stat(out); // follows symbolic links: a link to /dev/null is a device
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw refuse(flag, out, 'unreadable', `${flag} ${out} cannot be checked: ${(e as Error).message}. Choose another ${flag} path.`);
    try {
      if (!(await stat(dirname(resolve(out)))).isDirectory()) throw new Error('not a directory');
    } catch {
      throw refuse(flag, out, 'no-directory', `${flag} ${out}: the directory ${dirname(resolve(out))} does not exist. Create it or choose another ${flag} path.`);
    }
    return; // a new path (or a dangling link, whose target is created)
  }
  if (!s.isFile()) {
    throw refuse(flag, out, 'not-regular', `${flag} ${out} is ${kindOf(s)}; a model or factor file is written only to a regular file or a new path, so nothing else is replaced. Choose another ${flag} path.`, { kind: kindOf(s) });
  }
}

/** The first hop of `p` (itself or a symbolic link on its way) that names a process's file descriptor, or null. */
async function throughProcessFd(p: string): Promise<string | null> {
  const special = /^\/(?:proc\/[^/]+\/fd(?:\/|$)|dev\/(?:fd|stdin|stdout|stderr)(?:\/|$))/;
  let at = resolve(p);
  for (let hop = 0; hop < 40; hop++) {
    if (special.test(at)) return at;
    let target: string;
    try {
      target = await readlink(at);
    } catch {
      return null; // not a link (or missing): the end of the chain
    }
    at = resolve(dirname(at), target);
  }
  return null;
}

/** The real path of `p` (symbolic links resolved), or its absolute path when it does not exist. */
async function real(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return resolve(p);
  }
}

/**
 * Refuses an output path that is one of the command's inputs — the same path, a hard or
 * symbolic link to it (same device and inode), or a path inside an input directory (a Spark
 * model directory being imported).
 * @param out - the output path the user gave
 * @param inputs - everything the command reads
 * @param flag - the output's flag (`--out`)
 * @param allowed - inputs the output may replace on purpose (`update`'s MODEL)
 * @throws AlsError `BAD_OPTION` (`details.reason: 'input'`, `input`: the input's flag)
 */
export async function refuseOutputOverInputs(out: string, inputs: readonly InputPath[], flag = '--out', allowed: readonly string[] = []): Promise<void> {
  const outReal = await real(out);
  const outStat = await stat(out).catch(() => undefined);
  const allowedReal = await Promise.all(allowed.map(real));
  for (const input of inputs) {
    const inReal = await real(input.path);
    const inStat = await stat(input.path).catch(() => undefined);
    const same = inReal === outReal || resolve(input.path) === resolve(out) || (!!outStat && !!inStat && outStat.dev === inStat.dev && outStat.ino === inStat.ino);
    if (same && allowedReal.includes(inReal)) continue;
    const inside = !!inStat?.isDirectory() && (outReal + sep).startsWith(inReal.endsWith(sep) ? inReal : inReal + sep);
    if (!same && !inside) continue;
    const via = same && out !== input.path && resolve(out) !== resolve(input.path) ? ' (the same file through a link)' : '';
    const what = inside ? `inside ${input.flag} ${input.path}, which this command reads` : `the input file ${input.path} (${input.flag})${via}`;
    throw refuse(flag, out, 'input', `${flag} ${out} is ${what}; writing there would destroy the data. Choose another ${flag} path.`, { input: input.flag, inputPath: input.path });
  }
}
