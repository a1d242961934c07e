/**
 * The als-wasm command line: dispatches to the commands of `commands.ts`. Progress and tables go
 * to stderr (tables to stdout without --json); with --json the last line of stdout is one JSON
 * object. Bad input exits 1 with a one-line message naming the file and line; bad usage exits 2.
 */
import { isAlsError } from '../errors.js';
import { parseArgs, UsageError, type Parsed } from './args.js';
import { COMMANDS } from './commands.js';
import { FEATURE_USAGE } from './features.js';
import { escapeControl } from './shared.js';

const HEADER = `als-wasm — on-device ALS recommender (WebAssembly)

Usage:`;

const FOOTER = `
FILE: CSV (with or without header), TSV, MovieLens u.data / ratings.dat / ratings.csv,
auto-detected. Columns: user, item[, value[, timestamp]]. train, evaluate, cv and update also take
--skip-bad-rows (skip rows that cannot be read; their count and the first one go to stderr),
--delimiter D (tab for a tab), --decimal .|, and --max-line-length N (default 4194304).
--workers N: 1 … 256; a run starts at most 4 × the cores here (and 64). --out must not name an input file; the
model is written to a temporary file and renamed over MODEL, so a failed write leaves the
previous MODEL intact. Bad usage (an unknown flag, a value out of range) exits 2; bad input
or a failed run exits 1.`;

/** The usage text: the header, each command's lines in order, the side-information flags, the notes on files and exit codes. */
export const USAGE = [HEADER, ...COMMANDS.map((c) => c.usage), FEATURE_USAGE, FOOTER].join('\n');

const BY_NAME = new Map(COMMANDS.map((c) => [c.name, c]));
const FLAGS = new Map(COMMANDS.map((c) => [c.name, c.flags]));
const BOOLEANS = new Set(COMMANDS.flatMap((c) => c.booleanFlags ?? []));

/**
 * Library advice, said in CLI words: the library's messages name its API options
 * (`onBadRow: 'skip'`, `Option "factors"`), which this command may offer as flags.
 */
function cliAdvice(message: string, command: string, badOption: boolean): string {
  const flags = FLAGS.get(command) ?? [];
  const said = message
    .replace(/onBadRow: 'skip'/g, '--skip-bad-rows')
    .replace(/decimal: '([.,])'/g, '--decimal $1')
    .replace(/the decimal option \('\.' or ','\)/g, '--decimal . or --decimal ,')
    .replace(/the delimiter or format option/g, "--delimiter (e.g. --delimiter ';' or --delimiter tab)")
    .replace(/a larger maxLineLength/g, 'a larger --max-line-length')
    .replace(/\(maxLineLength\)/g, '(--max-line-length)')
    .replace(/or use (implicit|explicit) feedback\./g, 'or pass --feedback $1.')
    .replace(/solver: "(cholesky|cg)"/g, '--solver $1')
    .replace(/confidence: 'log'/g, '--confidence log');
  if (!badOption) return said;
  return said.replace(/^Option "([a-zA-Z]+)"/, (whole, name: string) => {
    const flag = name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    return flags.includes(flag) ? `--${flag}` : whole;
  });
}

/**
 * Runs the CLI.
 * @param argv - the words after the script
 * @returns the exit code (0 ok, 1 bad input or a failed run, 2 bad usage)
 */
export async function main(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv, FLAGS, BOOLEANS);
  } catch (e) {
    const msg = (e as Error).message;
    if (msg) process.stderr.write(`als-wasm: ${msg}\n\n`);
    process.stderr.write(USAGE + '\n');
    return msg ? 2 : 0;
  }
  try {
    const result = await BY_NAME.get(parsed.command)!.run(parsed);
    // JSON.stringify escapes C0 controls; escapeControl also escapes DEL, C1 and bidi controls
    // (only found inside strings, so the line stays valid JSON with the same values).
    // undefined: the command wrote its JSON lines itself (recommend --users).
    if (parsed.flags.has('json') && result !== undefined) process.stdout.write(escapeControl(JSON.stringify(result)) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`als-wasm: ${escapeControl(e.message)}\n\n${USAGE}\n`);
      return 2;
    }
    if (isAlsError(e)) {
      // Messages may quote ids and lines from user files: control characters are escaped.
      process.stderr.write(`als-wasm: ${escapeControl(cliAdvice(e.message.replace(/\s*\n\s*/g, ' '), parsed.command, e.code === 'BAD_OPTION'))}\n`);
      // An option value the library refuses came from a flag: bad usage, like the checks above.
      return e.code === 'BAD_OPTION' ? 2 : 1;
    }
    process.stderr.write(`als-wasm: unexpected error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
