// The main bundle of a worker-only app: a page that imports only `createRecommender` from the
// package, bundled by Vite (production build), and what the page loads before any call — its
// entry chunk and the chunks that chunk imports statically (not dynamic imports, not workers).
// Bytes raw and gzip (level 9). The package is the built one at PACKAGE (default: this checkout,
// `npm run build` first). With --demo, the demo page of the checkout at PACKAGE instead
// (its vite.web.config.ts): what the page loads before its worker starts.
//
//   node bench/bundle-size.mjs [PACKAGE=.] [--worker-format es|iife] [--demo]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const args = process.argv.slice(2);
const formatAt = args.indexOf('--worker-format');
const format = formatAt >= 0 ? args.splice(formatAt, 2)[1] : undefined;
const demoAt = args.indexOf('--demo');
const demo = demoAt >= 0 && args.splice(demoAt, 1).length > 0;
const pkg = resolve(args[0] ?? '.');
const app = mkdtempSync(join(tmpdir(), 'als-bundle-'));
try {
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(pkg, join(app, 'node_modules/als-wasm'), 'dir');
  writeFileSync(join(app, 'index.html'), '<!doctype html><pre id="out"></pre><script type="module" src="/main.js"></script>\n');
  writeFileSync(join(app, 'main.js'), "import { createRecommender } from 'als-wasm';\nconst rec = await createRecommender();\ndocument.getElementById('out').textContent = JSON.stringify(await rec.info());\n");
  const out = demo
    ? await build({ configFile: join(pkg, 'vite.web.config.ts'), root: join(pkg, 'web'), logLevel: 'error', build: { outDir: join(app, 'dist'), write: false } })
    : await build({ root: app, logLevel: 'error', configFile: false, ...(format ? { worker: { format } } : {}), build: { outDir: join(app, 'dist'), write: false } });
  const chunks = new Map((Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((c) => c.type === 'chunk').map((c) => [c.fileName, c]));
  const entry = [...chunks.values()].find((c) => c.isEntry);
  const seen = new Set();
  const visit = (c) => {
    if (seen.has(c.fileName)) return;
    seen.add(c.fileName);
    for (const i of c.imports) if (chunks.has(i)) visit(chunks.get(i));
  };
  visit(entry);
  let raw = 0;
  let gz = 0;
  for (const name of seen) {
    const code = Buffer.from(chunks.get(name).code);
    raw += code.length;
    gz += gzipSync(code, { level: 9 }).length;
  }
  const engineInMain = [...seen].some((n) => chunks.get(n).code.includes('solveImplicitRows'));
  console.log(JSON.stringify({ package: pkg, ...(demo ? { app: 'demo page' } : {}), workerFormat: format ?? 'default', mainChunks: [...seen], mainBytes: raw, mainGzipBytes: gz, engineInMain }));
} finally {
  rmSync(app, { recursive: true, force: true });
}
