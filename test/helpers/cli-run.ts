/** Runs the built CLI (`dist/cli.js`) in a child process, as the reliability tests of issue 26 do. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI script (`npm run build:lib` first). */
export const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A finished run: exit code and output. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `als-wasm args…` in `cwd` (extra environment in `env`). */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd, maxBuffer: 1 << 26, env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The last line of stdout as JSON (the `--json` result). */
export function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Explicit ratings, tab-separated: `users` × `items`, about a quarter of the pairs. */
export function ratingsTsv(users = 30, items = 20): string {
  const lines: string[] = [];
  for (let u = 1; u <= users; u++) for (let i = 1; i <= items; i++) if ((u * 7 + i * 3) % 4 === 0) lines.push(`${u}\t${i}\t${1 + ((u + i) % 5)}`);
  return lines.join('\n') + '\n';
}

/** Fast training flags for tests. */
export const FAST = ['--factors', '3', '--iterations', '2', '--workers', '1'];
