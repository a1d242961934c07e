/**
 * Every path a command line reads, so that an output path can be checked against all of them
 * (not only FILE): positional words, the flags that name files, and every `@FILE` list.
 */
import type { InputPath } from '../io/safe-output.js';
import type { Parsed } from './args.js';

/** Flags whose value is always a path (evaluate's `--candidates` too; recommend's takes `@FILE`). */
const PATH_FLAGS = ['model', 'warm-start', 'test', 'item-features', 'user-features'];

/**
 * The inputs of a parsed command line: positional words (`FILE`, `SOURCE`), path flags, and
 * the file of every `--flag @FILE` value.
 */
export function commandInputs(p: Parsed): InputPath[] {
  const out: InputPath[] = p.positional.map((path) => ({ flag: p.command === 'import' ? 'SOURCE' : 'FILE', path }));
  for (const [name, value] of p.flags) {
    if (typeof value !== 'string' || name === 'out') continue;
    if (value.startsWith('@') && value.length > 1) out.push({ flag: `--${name} @`, path: value.slice(1) });
    else if (PATH_FLAGS.includes(name) || (name === 'candidates' && p.command === 'evaluate')) out.push({ flag: `--${name}`, path: value });
  }
  return out;
}
