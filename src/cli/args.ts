/**
 * Argument parsing shared by every command: `--flag value`, `--flag=value`, boolean flags,
 * `--grid key=v1,v2 …`, and the typed readers of flag values (usage mistakes exit 2).
 */
import type { ParseOptions } from '../data/parse.js';
import { isValidWorkers, WORKERS_RULE } from '../parallel/cores.js';

/** A usage mistake (exit code 2). */
export class UsageError extends Error {}

/** Flags that take no value. */
const BOOLEAN_FLAGS = new Set(['json', 'tune', 'skip-bad-rows', 'help']);

/** Flags of the commands that read a ratings file (the library's parse options `onBadRow`, `delimiter`, `decimal`, `maxLineLength`). */
export const READ_FLAGS = ['skip-bad-rows', 'delimiter', 'decimal', 'max-line-length'];

/** A command line split into its command, positional words and flags. */
export interface Parsed {
  /** The command name (`train`, `evaluate`, …). */
  command: string;
  /** Words that are not flags (e.g. FILE). */
  positional: string[];
  /** Flag name (without `--`) → its value, or true for a boolean flag. */
  flags: Map<string, string | true>;
}

/**
 * Splits `argv` (without node and the script) into command, positional words and flags.
 * @param argv - the words after the script
 * @param commandFlags - every flag each known command accepts
 * @param commandBooleans - flags of some commands that take no value
 * @throws UsageError for help (empty message), an unknown command or flag, or a missing value
 */
export function parseArgs(argv: string[], commandFlags: ReadonlyMap<string, readonly string[]>, commandBooleans: ReadonlySet<string> = new Set()): Parsed {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') throw new UsageError('');
  const accepted = commandFlags.get(command);
  if (!accepted) throw new UsageError(`unknown command "${command}"`);
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (!accepted.includes(name)) throw new UsageError(`"${command}" does not take --${name}`);
    if (name === 'grid') {
      // --grid takes several `key=v1,v2` words: up to the next --flag or the next word
      // without "=" (FILE may follow the grid).
      const words = value !== undefined ? [value] : [];
      while (i + 1 < rest.length && !rest[i + 1].startsWith('--') && rest[i + 1].includes('=')) words.push(rest[++i]);
      if (words.length === 0) throw new UsageError('--grid needs key=v1,v2 words, e.g. --grid factors=16,32 regularization=0.01,0.1');
      const before = flags.get('grid');
      flags.set('grid', [...(typeof before === 'string' ? [before] : []), ...words].join(' '));
    } else if (BOOLEAN_FLAGS.has(name) || commandBooleans.has(name)) {
      if (value !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else {
      value ??= rest[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    }
  }
  return { command, positional, flags };
}

/** A flag's value as text (`required`: a missing flag is a usage error). */
export function str(p: Parsed, name: string, required = false): string | undefined {
  const v = p.flags.get(name);
  if (v === undefined && required) throw new UsageError(`--${name} is required`);
  return v === undefined ? undefined : String(v);
}

/** A flag's value as a finite number, or undefined when absent. */
export function num(p: Parsed, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return x;
}

/** `--delimiter` (`tab` for a tab), `--decimal`, `--max-line-length`: parse options, checked by the parser (BAD_OPTION exits 2). */
export function readFlags(p: Parsed): Pick<ParseOptions, 'delimiter' | 'decimal' | 'maxLineLength'> {
  const delimiter = str(p, 'delimiter');
  return {
    delimiter: delimiter === 'tab' ? '\t' : delimiter,
    decimal: str(p, 'decimal') as ParseOptions['decimal'],
    maxLineLength: num(p, 'max-line-length'),
  };
}

/** `--k`: an integer ≥ 1 (default 10), checked before any file is read. */
export function kFlag(p: Parsed): number {
  const k = num(p, 'k') ?? 10;
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`--k must be an integer ≥ 1, got "${str(p, 'k')}"`);
  return k;
}

/** `--workers N`: the library's one rule (`isValidWorkers`, `WORKERS_RULE`), checked before any file is read. */
export function workersFlag(p: Parsed): number | undefined {
  const w = num(p, 'workers');
  if (w === undefined) return undefined;
  if (!isValidWorkers(w)) throw new UsageError(`--workers must be ${WORKERS_RULE}, got "${str(p, 'workers')}"`);
  return w;
}
