// The Chromium page of bench/experiments/cg-gather32.mjs --chromium: fetches the builds named in
// ?builds=label=url,… and runs cg-builds.mjs on the page's main thread. Results: window.__results.
import { buildMatrix } from '../../src/data/csr.ts';
import { generateSynthetic } from '../../src/in-thread.ts';
import { compareBuilds } from './cg-builds.mjs';

const lib = { buildMatrix, generateSynthetic };

const q = new URLSearchParams(location.search);
const log = (s) => {
  document.getElementById('log').textContent += s + '\n';
  console.log(s);
};
try {
  const builds = [];
  for (const spec of q.get('builds').split(',')) {
    const [label, url] = spec.split('=');
    builds.push({ label, bytes: await (await fetch(url)).arrayBuffer() });
  }
  const table = await compareBuilds({ lib, builds, rounds: Number(q.get('rounds') ?? 7), steps: Number(q.get('steps') ?? 3), best: q.get('best') === '1', log });
  log(table);
  window.__results = { table };
} catch (e) {
  window.__results = { error: String(e?.stack ?? e) };
}
