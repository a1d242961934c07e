// Empties dist/ before tsc writes it: a module removed or moved in src/ must not live on in the package.
import { rmSync } from 'node:fs';
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
