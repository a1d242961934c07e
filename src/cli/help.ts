/**
 * The CLI's help: `als-wasm` alone (or `--help`) lists the commands in a few lines,
 * `als-wasm CMD --help` prints that command's usage with the notes that apply to it, and a usage
 * mistake is one line plus where to read more — never the whole manual.
 */
import type { Command } from './command.js';
import { FEATURE_USAGE } from './features.js';
import { NAMES_USAGE } from './names.js';

/** One line per command for the command list. */
const SUMMARY: Record<string, string> = {
  train: 'train a model on a ratings or events file (optionally tuning first)',
  evaluate: 'score a model on held-out data (RMSE/MAE, or ranking metrics at k)',
  cv: 'k-fold cross-validation and a search over training options',
  recommend: 'top k items for a user of the model, a new user\'s history, or many users',
  similar: 'the items nearest an item (cosine of item factors)',
  update: 'add interactions to a model, re-solving only the rows they touch',
  'similar-users': 'the users nearest a user (cosine of user factors)',
  'users-for-item': 'the users most likely to want an item',
  explain: 'an item\'s score for a user, split over the user\'s history',
  predict: 'predicted ratings (or preferences) of a user for given items',
  import: 'serve item factors trained elsewhere (implicit .npz, Spark ALS)',
  export: 'write a model\'s factors for another engine',
  demo: 'a short tour on the built-in film club',
};

/** What a ratings FILE may be, for the commands that read one. */
const FILE_NOTES = `FILE: CSV (with or without header), TSV, MovieLens u.data / ratings.dat / ratings.csv,
auto-detected. Columns: user, item[, value[, timestamp]]. --skip-bad-rows skips rows that cannot
be read (their count and the first one go to stderr); --delimiter D (tab for a tab),
--decimal .|, --max-line-length N (default 4194304).`;

/** Where the model goes, for the commands that write one. */
const OUT_NOTES = `--out must not name an input file; the model is written to a temporary file and renamed over
MODEL, so a failed write leaves the previous MODEL intact.`;

const EXIT_NOTES = 'Exit codes: 0 done, 1 bad input or a failed run, 2 bad usage.';

/** The short list `als-wasm` alone prints. */
export function commandList(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'als-wasm — on-device ALS recommender (WebAssembly)',
    '',
    'Usage: als-wasm COMMAND [FLAGS]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${SUMMARY[c.name] ?? ''}`),
    '',
    'als-wasm COMMAND --help prints a command\'s flags. With --json the last stdout line is one JSON object.',
  ].join('\n');
}

/** `als-wasm CMD --help`: the command's usage, and the notes on the flags it takes. */
export function commandHelp(c: Command): string {
  const has = (flag: string) => c.flags.includes(flag);
  const reads = has('skip-bad-rows');
  const features = ['item-features', 'user-features', 'candidates'].some(has) && c.name !== 'recommend' ? [FEATURE_USAGE] : c.name === 'recommend' ? [FEATURE_USAGE.split('\n').filter((l, k) => k < 3 || /recommend|to the model/.test(l)).join('\n')] : [];
  return [
    `als-wasm ${c.name} — ${SUMMARY[c.name] ?? ''}`,
    '',
    'Usage:',
    c.usage,
    ...(has('item-names') ? ['', NAMES_USAGE] : []),
    ...features.map((f) => `\n${f}`),
    ...(reads ? ['', FILE_NOTES] : []),
    ...(has('out') && c.name !== 'export' ? ['', OUT_NOTES] : []),
    ...(has('workers') ? ['--workers N: 1 … 256; a run starts at most 4 × the cores here (and 64), with a note.'] : []),
    '',
    EXIT_NOTES,
  ].join('\n');
}

/** The two lines of a usage mistake: what is wrong, and where the command's usage is. */
export function usageMistake(message: string, command: string | undefined): string {
  return `als-wasm: ${message}\nsee \`als-wasm ${command ? `${command} ` : ''}--help\`\n`;
}
