// What a consumer app's dist/ receives from the package: a default Vite app (no worker format,
// so iife workers) that imports only `createRecommender`, built in production; every emitted
// JavaScript file with its bytes (raw and gzip), and what it holds: the engine (the in-thread
// chunks a worker-mode page never fetches), the Parquet reader (hyparquet), a worker bundle.
//
//   node bench/consumer-dist.mjs [PACKAGE=.]
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const pkg = resolve(process.argv[2] ?? '.');
const app = mkdtempSync(join(tmpdir(), 'als-consumer-'));
try {
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(pkg, join(app, 'node_modules/als-wasm'), 'dir');
  writeFileSync(join(app, 'index.html'), '<!doctype html><pre id="out"></pre><script type="module" src="/main.js"></script>\n');
  writeFileSync(join(app, 'main.js'), "import { createRecommender } from 'als-wasm';\nconst rec = await createRecommender();\ndocument.getElementById('out').textContent = JSON.stringify(await rec.info());\n");
  const out = await build({ root: app, logLevel: 'error', configFile: false, build: { outDir: join(app, 'dist'), write: false } });
  const files = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((c) => c.fileName.endsWith('.js'));
  const rows = files.map((c) => {
    const code = Buffer.from(c.type === 'chunk' ? c.code : c.source);
    const text = code.toString();
    return {
      file: c.fileName,
      bytes: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      worker: /worker/i.test(c.fileName),
      engine: text.includes('solveImplicitRows'),
      parquet: text.includes('parquet file is too short'),
    };
  });
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  console.log(JSON.stringify({ package: pkg, files: rows, totalBytes: total }, null, 1));
} finally {
  rmSync(app, { recursive: true, force: true });
}
