/**
 * The als-wasm command line: dispatches to the commands of `commands.ts`. Progress and tables go
 * to stderr (tables to stdout without --json); with --json the last line of stdout is one JSON
 * object. Bad input exits 1 with a one-line message naming the file and line; bad usage exits 2.
 */
import { isAlsError, type AlsError } from '../errors.js';
import { parseArgs, UsageError, type Parsed } from './args.js';
import { COMMANDS } from './commands.js';
import { commandHelp, commandList, usageMistake } from './help.js';
import { escapeControl } from './shared.js';

const BY_NAME = new Map(COMMANDS.map((c) => [c.name, c]));
const FLAGS = new Map(COMMANDS.map((c) => [c.name, c.flags]));
const BOOLEANS = new Set(COMMANDS.flatMap((c) => c.booleanFlags ?? []));

/**
 * Library advice, said in CLI words: the library's messages name its API options
 * (`onBadRow: 'skip'`), which this command may offer as flags.
 */
function cliAdvice(message: string): string {
  return message
    .replace(/onBadRow: 'skip'/g, '--skip-bad-rows')
    .replace(/decimal: '([.,])'/g, '--decimal $1')
    .replace(/the decimal option \('\.' or ','\)/g, '--decimal . or --decimal ,')
    .replace(/the delimiter or format option/g, "--delimiter (e.g. --delimiter ';' or --delimiter tab)")
    .replace(/a larger maxLineLength/g, 'a larger --max-line-length')
    .replace(/\(maxLineLength\)/g, '(--max-line-length)')
    .replace(/or use (implicit|explicit) feedback\./g, 'or pass --feedback $1.')
    .replace(/solver: "(cholesky|cg)"/g, '--solver $1')
    .replace(/confidence: 'log'/g, '--confidence log');
}

/**
 * A refused option, said as the flag that gave it: the option named in the error's `details`
 * (`featureWeight` → `--feature-weight`), when this command takes it as a flag; otherwise the
 * library's words.
 */
function badOptionMessage(e: AlsError, command: string): string {
  const { option } = e.details as { option?: unknown };
  if (typeof option !== 'string') return e.message;
  const flag = option.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  const named = `Option "${option}"`;
  return (FLAGS.get(command) ?? []).includes(flag) && e.message.startsWith(named) ? `--${flag}${e.message.slice(named.length)}` : e.message;
}

/**
 * Runs the CLI.
 * @param argv - the words after the script
 * @returns the exit code (0 ok, 1 bad input or a failed run, 2 bad usage)
 */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const asked = BY_NAME.get(first === 'help' ? rest[0] : first);
  // Help is asked for, not a mistake: on stdout, exit 0. `als-wasm` alone lists the commands.
  if (!first || first === '--help' || first === '-h' || first === 'help' || (asked && rest.some((a) => a === '--help' || a === '-h'))) {
    process.stdout.write((asked ? commandHelp(asked) : commandList(COMMANDS)) + '\n');
    return 0;
  }
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv, FLAGS, BOOLEANS);
  } catch (e) {
    process.stderr.write(usageMistake((e as Error).message, asked?.name));
    return 2;
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
      process.stderr.write(usageMistake(escapeControl(e.message), parsed.command));
      return 2;
    }
    if (isAlsError(e)) {
      // Messages may quote ids and lines from user files: control characters are escaped.
      const said = e.code === 'BAD_OPTION' ? badOptionMessage(e, parsed.command) : e.message;
      const message = escapeControl(cliAdvice(said.replace(/\s*\n\s*/g, ' ')));
      // An option value the library refuses came from a flag: bad usage, like the checks above.
      process.stderr.write(e.code === 'BAD_OPTION' ? usageMistake(message, parsed.command) : `als-wasm: ${message}\n`);
      return e.code === 'BAD_OPTION' ? 2 : 1;
    }
    process.stderr.write(`als-wasm: unexpected error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
