// MovieLens-20M-scale page (driven by bench/browser.mjs): the TSV is generated here as a Blob
// built from chunks (a 20 M-line string would be near V8's maximum string length), then loaded
// and trained through the worker. Query: ?interactions=N&workers=W&precision=f64|mixed. Results go to window.__results.
import { ML20M, tsvChunks } from '../scale-data.mjs';
import { runScale } from '../scale-scenario.mjs';
import { createRecommender } from '../../src/worker/client.js';

const q = new URLSearchParams(location.search);
const interactions = Number(q.get('interactions') ?? ML20M.interactions);
const workers = Number(q.get('workers') ?? 2);
const precision = (q.get('precision') ?? 'mixed') as 'f64' | 'mixed';
const log = (s: string) => {
  document.getElementById('log')!.textContent += s + '\n';
  console.log(s);
};
const w = window as unknown as { __results?: unknown; __phase?: string };
w.__results = undefined;

try {
  const scale = Math.sqrt(Math.min(1, interactions / ML20M.interactions));
  const shape = interactions >= ML20M.interactions ? ML20M : { users: Math.round(ML20M.users * scale * 0.5), items: Math.round(ML20M.items * scale), interactions };
  w.__phase = 'generate';
  const t0 = performance.now();
  // Blob parts are handed to the browser's blob storage every 64 chunks, so the page's own
  // heap never holds more than ~64 MiB of text.
  const blobs: Blob[] = [];
  let parts: string[] = [];
  for (const chunk of tsvChunks(shape)) {
    parts.push(chunk);
    if (parts.length === 64) {
      blobs.push(new Blob(parts));
      parts = [];
    }
  }
  blobs.push(new Blob(parts));
  parts = [];
  const blob = new Blob(blobs, { type: 'text/tab-separated-values' });
  log(`generated ${(blob.size / 2 ** 20).toFixed(0)} MiB of TSV in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  w.__phase = 'run';
  const rec = await createRecommender();
  const r = await runScale(rec, blob, { factors: 64, iterations: 15, workers, precision, log });
  w.__phase = 'done';
  w.__results = { ...r, blobBytes: blob.size, crossOriginIsolated: String(crossOriginIsolated) };
  await rec.dispose();
} catch (e) {
  w.__results = { error: String((e as Error).stack ?? e) };
}
