#!/usr/bin/env node
/** The `als-wasm` executable: runs the command line of `cli/main.ts` and sets the exit code. */
import { main } from './cli/main.js';

export { main };

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
