/**
 * What several commands share: reading a ratings file with progress, opening and saving model
 * files, checking training options before any file is read, printing progress and items, and
 * making text from user files safe for a terminal.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AlsModel } from '../model/model.js';
import { resolveTrainOptions, type TrainOptions } from '../train/options.js';
import { parseChunks } from '../data/parse.js';
import type { Interactions } from '../data/types.js';
import { AlsError, isAlsError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { MAX_MODEL_FILE_BYTES, readRegularFile } from '../io/bounded-read.js';
import { loadModel, saveModel } from '../io/model-file.js';
import { withFileLock } from '../io/model-lock.js';
import { checkOutputTarget, refuseOutputOverInputs } from '../io/safe-output.js';
import { readFlags, str, type Parsed } from './args.js';
import { commandInputs } from './inputs.js';

/**
 * Validates training options before any file is read, so that an out-of-range value is a usage
 * error at once. Without `--feedback` the data decides it later: accepted if valid for either.
 * @throws AlsError `BAD_OPTION` (exit 2)
 */
export function checkTrainOptions(options: TrainOptions): void {
  const probe = { ...options, onProgress: undefined };
  if (options.feedback !== undefined) {
    resolveTrainOptions(probe, options.feedback);
    return;
  }
  try {
    resolveTrainOptions(probe, 'explicit');
  } catch {
    resolveTrainOptions(probe, 'implicit');
  }
}

/**
 * Refuses an output path before any work: it must be a regular file or a new path (never a
 * FIFO, a device, a directory or a link to one), and never any input of the command — FILE,
 * every file flag, every `@FILE` list, inside a directory read — unless listed in `allowed`
 * (`update` replaces its MODEL on purpose).
 * @throws AlsError `BAD_OPTION` (exit 2) naming the flag
 */
export async function refuseOutOverInputs(p: Parsed, out: string, allowed: string[] = [], flag = '--out'): Promise<void> {
  await checkOutputTarget(out, flag);
  await refuseOutputOverInputs(out, commandInputs(p), flag, allowed);
}

/**
 * Saves a model file atomically under the file's lock (another als-wasm process writing it
 * waits): the previous file at `out` stays intact if writing fails.
 * @param locked - the caller already holds the lock (`update`, from reading the model to writing it)
 */
export async function saveModelFile(out: string, model: AlsModel, locked = false): Promise<void> {
  const write = async () => {
    try {
      await writeFileAtomic(out, saveModel(model));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new AlsError('IO_ERROR', `Cannot write the model to ${out}: ${err.message}. Nothing was changed at ${out}; free some space or choose another --out path.`, { path: out, errno: err.code });
    }
  };
  await (locked ? write() : withOutputLock(out, write));
}

/** Runs `fn` holding `out`'s lock; says on stderr when it waits for another process. */
export function withOutputLock<T>(out: string, fn: () => Promise<T>): Promise<T> {
  return withFileLock(out, fn, { onWait: (o) => process.stderr.write(`waiting: ${out} is being written by process ${o.pid} (since ${o.since})\n`) });
}

/**
 * A regular file's bytes, its size checked before reading (see readRegularFile).
 * @throws AlsError `IO_ERROR` naming the path when it cannot be read, is not a regular file or is too large
 */
export async function readFileBytes(path: string, what = 'file', maxBytes = MAX_MODEL_FILE_BYTES): Promise<Uint8Array> {
  return readRegularFile(path, what, maxBytes);
}

/** Reads the model file named by `--model` (or by the flag given, e.g. `--warm-start`); errors name the path. */
export async function openModel(p: Parsed, flag = 'model'): Promise<AlsModel> {
  const path = str(p, flag, true)!;
  const bytes = await readFileBytes(path, `--${flag}`);
  try {
    return await loadModel(bytes);
  } catch (e) {
    if (isAlsError(e)) throw new AlsError(e.code, `${path}: ${e.message}`, e.details);
    throw e;
  }
}

/**
 * Shows control characters (C0, DEL, C1) and bidirectional overrides as `\uXXXX`, so that text
 * from user files (ids, lines quoted in errors) cannot drive the terminal: no title changes,
 * no cleared screen, no reordered text.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Reads a delimited file as a stream, reporting parse progress on stderr. With `--skip-bad-rows`
 * (the library's `onBadRow: 'skip'`) bad rows are skipped and their count reported on stderr.
 */
export async function readInteractions(path: string, quiet: boolean, p: Parsed): Promise<Interactions> {
  let size: number;
  try {
    const s = await stat(path);
    // A directory has no rows (was "unexpected error: EISDIR"); FIFOs and /dev/stdin stream as files do.
    if (s.isDirectory()) throw new AlsError('IO_ERROR', `${path} is a directory; give a ratings file (CSV, TSV, u.data …).`, { path, reason: 'not-regular', kind: 'a directory' });
    size = s.size;
  } catch (e) {
    if (isAlsError(e)) throw e;
    throw new AlsError('IO_ERROR', `Cannot read ${path}: ${(e as Error).message}`, { path, errno: (e as NodeJS.ErrnoException).code });
  }
  // Progress every 500 ms on long reads, then the final count (a first event at the start said "0 rows, 100 %" on small files).
  let lastReport = Date.now();
  const data = await parseChunks(readStream(path), {
    source: basename(path),
    bytesTotal: size,
    onBadRow: p.flags.has('skip-bad-rows') ? 'skip' : 'error',
    ...readFlags(p),
    onProgress: (p) => {
      const t = Date.now();
      if (quiet || t - lastReport < 500) return;
      lastReport = t;
      process.stderr.write(`parsing ${basename(path)}: ${p.rows} rows, ${Math.round((100 * p.bytesRead) / Math.max(1, size))} %\n`);
    },
  });
  if (!quiet) process.stderr.write(`parsing ${basename(path)}: ${data.length} rows, 100 %\n`);
  if (data.encoding === 'latin1') process.stderr.write(`note: ${basename(path)} is not UTF-8; read as Latin-1 (windows-1252)\n`);
  if (data.skipped.count > 0) {
    const first = data.skipped.examples[0];
    process.stderr.write(`skipped ${data.skipped.count} bad rows of ${basename(path)}${first ? ` (first: line ${first.line}: ${escapeControl(first.reason)})` : ''}\n`);
  }
  return data;
}

/** A file's chunks; a read error (EIO, EACCES, a file removed meanwhile) becomes IO_ERROR naming it. */
async function* readStream(path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path)) yield chunk as Uint8Array;
  } catch (e) {
    if (isAlsError(e)) throw e;
    throw new AlsError('IO_ERROR', `Cannot read ${path}: ${(e as Error).message}`, { path, errno: (e as NodeJS.ErrnoException).code });
  }
}

/** Training progress on stderr: the set-up line, one line per iteration, one per tuning run. */
export function progressPrinter(): TrainOptions['onProgress'] {
  return (p) => {
    if (p.stage === 'head') {
      process.stderr.write(p.head === 'rating' ? 'rating model (predicted ratings):\n' : 'ranking head (recommendations: an implicit model of the same pairs):\n');
    } else if (p.stage === 'init') {
      process.stderr.write(`training: ${p.users} users × ${p.items} items, ${p.interactions} interactions, f = ${p.factors}, kernels: ${p.kernels}${p.restart > 0 ? `, restart ${p.restart + 1}` : ''}\n`);
    } else if (p.stage === 'iteration') {
      process.stderr.write(`iteration ${String(p.iteration).padStart(3)}  loss ${p.loss.toExponential(6)}  ${p.seconds.toFixed(3)} s  ${p.gflops.toFixed(1)} GFLOP/s\n`);
    } else if (p.stage === 'tune') {
      const q = p.params;
      const what = [`f ${q.factors}`, `λ ${q.regularization.toPrecision(3)}`, q.confidence && `${q.confidence} α ${q.alpha!.toPrecision(3)}`, q.weighting === 'bm25' && 'BM25', q.biases !== undefined && (q.biases ? 'biases' : 'no biases')].filter(Boolean).join(', ');
      process.stderr.write(`tune run ${String(p.trial).padStart(2)} (rung ${p.rung}): ${what} → ${Number.isNaN(p.score) ? 'failed' : p.score.toFixed(4)} after ${q.iterations} its, ${p.seconds.toFixed(1)} s\n`);
    }
  };
}
