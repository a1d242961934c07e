/**
 * The contract between the CLI's entry (src/cli.ts: argument parsing, usage, exit codes) and a
 * command kept in a module of its own: the command declares its flags and usage lines and runs
 * with the entry's shared helpers, so reading files, opening models and writing them atomically
 * behave the same in every command.
 */
import type { AlsModel, ScoredItem } from '../als/model.js';
import type { Interactions } from '../data/types.js';

/** What a command's `run` gets: its arguments and the entry's helpers. */
export interface CliContext {
  /** Words that are not flags (e.g. FILE). */
  positional: string[];
  /** Whether a flag was given. */
  has(name: string): boolean;
  /** A flag's value; with `required`, a missing flag is a usage error. */
  str(name: string, required?: boolean): string | undefined;
  /** A usage mistake (exit 2, usage text shown) to throw. */
  usageError(message: string): Error;
  /** Reads an interactions file (progress and skipped rows on stderr; the reading flags apply). */
  readInteractions(path: string): Promise<Interactions>;
  /** Opens the model named by `--model`. */
  openModel(): Promise<AlsModel>;
  /** The `--model` path. */
  modelPath(): string;
  /** Refuses (usage error) an output path that is one of the input files, also through a link. */
  refuseOutOverInputs(out: string, inputs: string[]): Promise<void>;
  /** Writes a model file atomically (`IO_ERROR` naming the path otherwise). */
  saveModelFile(out: string, model: AlsModel): Promise<void>;
  /** `--k`, an integer ≥ 1 (default 10); a bad value is a usage error. */
  k(): number;
  /** Prints a ranked list of ids and scores to stdout (nothing with `--json`). */
  printItems(items: ScoredItem[]): void;
  /** Text from user files with control characters escaped (safe for a terminal). */
  escape(text: string): string;
}

/** A CLI command defined in its own module and registered in src/cli.ts. */
export interface CliCommand {
  /** The command word. */
  name: string;
  /** Every flag it takes (without `--`). */
  flags: string[];
  /** Flags among them that take no value. */
  booleanFlags?: string[];
  /** Its lines of the usage text. */
  usage: string;
  /**
   * Runs it; the value is printed as the last stdout line with `--json` — unless it is
   * `undefined`: the command wrote its JSON output itself (e.g. one line per user).
   */
  run(ctx: CliContext): Promise<unknown>;
}
