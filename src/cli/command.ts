/** What a CLI command is: its name, the flags it takes, its lines of the usage text, and its run. */
import type { Parsed } from './args.js';

/** One command of the CLI; `commands.ts` lists them (registering one is one line there). */
export interface Command {
  /** The word after `als-wasm`. */
  name: string;
  /** Every flag it accepts (without `--`). */
  flags: readonly string[];
  /** Flags among them that take no value, beyond the common ones (`--json`, …). */
  booleanFlags?: readonly string[];
  /** Its lines of the usage text, in the order of the list. */
  usage: string;
  /** Runs it; the result is printed as the last stdout line with `--json` — unless it is undefined (the command wrote its JSON lines itself). */
  run(p: Parsed): Promise<unknown>;
}
