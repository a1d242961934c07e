// The "MovieLens-20M scale" part of `npm run bench`: the 20M-shaped scenario in Node and in
// headless Chromium (2 workers asked), each figure next to its target, and the scaling study
// (docs/scaling-*.svg). Written into BENCHMARKS.md between its own markers, so
// `npm run bench -- --only scale` refreshes this part alone.
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchBrowser } from './browser.mjs';
import { ML20M } from './scale-data.mjs';
import { benchScaleNode } from './scale.mjs';
import { benchScaling } from './scaling.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (s) => process.stderr.write(s + '\n');
const GiB = 2 ** 30;

/** "x vs target": met, or missed by how much. */
function verdict(value, target, unit) {
  if (!(value > 0)) return 'not measured';
  if (value <= target) return `**met** (${value.toFixed(unit === 'GiB' ? 2 : 1)} ≤ ${target} ${unit})`;
  return `**missed** by ${(value - target).toFixed(unit === 'GiB' ? 2 : 1)} ${unit} (${((100 * (value - target)) / target).toFixed(0)} %)`;
}

/**
 * Runs the scale benchmarks and writes their block of BENCHMARKS.md.
 * @param {{ quick?: boolean, command?: string, parts?: string[] }} [opts] - `quick`: 2 M interactions instead of 20 M,
 *   short sweeps; `parts`: which of `node`, `chromium`, `scaling` to run (the others are read back from docs/*.json)
 * @returns {Promise<string>} the block's markdown
 */
export async function scaleSection({ quick = false, command = 'npm run bench -- --only scale', parts = ['node', 'chromium', 'scaling'] } = {}) {
  const interactions = quick ? 2_000_000 : ML20M.interactions;
  const load0 = loadavg()[0];
  // Parts not run now are read back (at the end, so a concurrent full run's results are seen).
  const previous = () => (existsSync(`${root}docs/scale-results.json`) ? JSON.parse(readFileSync(`${root}docs/scale-results.json`, 'utf8')) : {});
  let node = null;
  if (parts.includes('node')) {
    log(`scale: Node, ${interactions} interactions …`);
    node = benchScaleNode({ interactions });
  }
  let web = null;
  if (parts.includes('chromium')) {
    log('scale: headless Chromium …');
    try {
      web = await benchBrowser(`scale.html?interactions=${interactions}&workers=2`, { memory: true, log: true, timeoutMs: 1_800_000 });
    } catch (e) {
      web = { error: String(e.message ?? e) };
    }
  }
  let scaling;
  if (parts.includes('scaling')) {
    log('scaling study …');
    scaling = await benchScaling({ quick });
  } else {
    scaling = JSON.parse(readFileSync(`${root}docs/scaling.json`, 'utf8'));
  }
  node ??= previous().node ?? {};
  web ??= previous().chromium ?? {};
  const load1 = loadavg()[0];

  const col = (r, k, d = 2) => (typeof r[k] === 'number' ? r[k].toFixed(d) : '');
  const gib = (b) => (b > 0 ? (b / GiB).toFixed(2) : '');
  const shape = quick ? `${interactions / 1e6} M interactions (--quick)` : `MovieLens-20M shape: ${ML20M.users.toLocaleString('en')} users × ${ML20M.items.toLocaleString('en')} items, ${ML20M.interactions.toLocaleString('en')} interactions`;
  const lines = [];
  lines.push(`Machine: ${cpus()[0].model}, ${cpus().length} cores, ${(totalmem() / GiB).toFixed(0)} GiB, Node ${process.version}; 1-min load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end (other jobs share the 2 cores). Date: ${new Date().toISOString().slice(0, 10)}. Command: \`${command}\`.`);
  lines.push('');
  lines.push(`### MovieLens-20M scale (${shape}; implicit, f = 64, CG 3 steps, \`precision: 'mixed'\` (the default), 15 iterations, \`workers: 2\` asked)`);
  lines.push('');
  lines.push('| what | Node (in-thread) | Chromium (worker) | target |');
  lines.push('|---|---:|---:|---|');
  lines.push(`| parse + index (s) | ${col(node, 'parseIndexSeconds')} | ${col(web, 'parseIndexSeconds')} | ≤ 15 s |`);
  lines.push(`| · load: parse TSV + id maps (s) | ${col(node, 'loadSeconds')} | ${col(web, 'loadSeconds')} | |`);
  lines.push(`| · CSR + CSC + layout into WASM memory (s) | ${col(node, 'setupSeconds')} | ${col(web, 'setupSeconds')} | |`);
  lines.push(`| 15 CG iterations (s) | ${col(node, 'iterationsSeconds', 1)} | ${col(web, 'iterationsSeconds', 1)} | ≤ 45 s |`);
  lines.push(`| · median s / iteration | ${col(node, 'medianIterationSeconds')} | ${col(web, 'medianIterationSeconds')} | ≤ 3 s |`);
  if (node.cpuParseIndexSeconds > 0) {
    lines.push(`| CPU seconds of the process: parse + index | ${node.cpuParseIndexSeconds.toFixed(2)} | | (wall ≤ 15 s) |`);
    lines.push(`| CPU seconds of the process: 15 iterations + model | ${node.cpuTrainAfterSetupSeconds.toFixed(1)} | | (wall ≤ 45 s) |`);
  }
  lines.push(`| peak memory (GiB) | ${gib(node.peakBytes)} | ${gib(web.tabRendererHwm)} | ≤ 2 GiB |`);
  lines.push(`| workers used | ${node.workersUsed ?? ''} | ${web.workersUsed ?? ''} | 2 |`);
  lines.push(`| kernels | ${node.kernels ?? ''} | ${web.kernels ?? ''} | |`);
  lines.push('');
  lines.push(
    `Peak memory: Node = VmHWM of the benchmark's own child process (/proc/self/status). Chromium = VmHWM of the tab's renderer process, which also hosts its dedicated worker (/proc/<pid>/status, sampled at 4 Hz over the processes of a fresh profile)` +
      (web.peakTotalRss ? `; peak Σ VmRSS over all ${web.processes} Chromium processes: ${gib(web.peakTotalRss)} GiB; browser process (holds the ${(web.blobBytes / 2 ** 20).toFixed(0)} MiB Blob): ${gib(web.browserHwm)} GiB.` : '.'),
  );
  if (web.error) lines.push(`\nChromium: not measured — ${web.error.split('\n')[0]}`);
  lines.push('');
  for (const [name, r] of [['Node', node], ['Chromium', web]]) {
    if (r.error) continue;
    lines.push(`- ${name}: parse + index ${verdict(r.parseIndexSeconds, 15, 's')}; 15 iterations ${verdict(r.iterationsSeconds, 45, 's')}; peak memory ${verdict((name === 'Node' ? r.peakBytes : r.tabRendererHwm) / GiB, 2, 'GiB')}.`);
  }
  lines.push('');
  lines.push('### Scaling (Node, the default workers = one per core, 2 here; medians after a warm-up iteration)');
  lines.push('');
  lines.push('![time per iteration vs f](docs/scaling-f.svg) ![time vs interactions](docs/scaling-nnz.svg)');
  lines.push('');
  lines.push('| f | Cholesky s / iteration | CG s / iteration | Cholesky GFLOP/s | CG GFLOP/s |');
  lines.push('|---:|---:|---:|---:|---:|');
  for (const f of [...new Set(scaling.byF.map((r) => r.f))]) {
    const c = scaling.byF.find((r) => r.f === f && r.solver === 'cholesky');
    const g = scaling.byF.find((r) => r.f === f && r.solver === 'cg');
    lines.push(`| ${f} | ${c.seconds.toFixed(3)} | ${g.seconds.toFixed(3)} | ${c.gflops.toFixed(1)} | ${g.gflops.toFixed(1)} |`);
  }
  lines.push('');
  lines.push('| interactions | users × items | parse (s) | CSR + CSC (s) | CG f = 64 s / iteration | GFLOP/s |');
  lines.push('|---:|---|---:|---:|---:|---:|');
  for (const r of scaling.byNnz) lines.push(`| ${r.nnz.toLocaleString('en')} | ${r.users.toLocaleString('en')} × ${r.items.toLocaleString('en')} | ${r.parseSeconds.toFixed(2)} | ${r.indexSeconds.toFixed(2)} | ${r.seconds.toFixed(3)} | ${r.gflops.toFixed(1)} |`);
  const body = lines.join('\n');

  const file = `${root}BENCHMARKS.md`;
  const start = '<!-- bench:scale:start -->';
  const end = '<!-- bench:scale:end -->';
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  if (!doc.includes(start)) {
    // Right after the main generated block, so the hand notes stay below both.
    const mainEnd = '<!-- bench:end -->';
    const at = doc.includes(mainEnd) ? doc.indexOf(mainEnd) + mainEnd.length : doc.length;
    doc = doc.slice(0, at) + `\n\n## MovieLens-20M scale\n\n${start}\n${end}` + doc.slice(at);
  }
  doc = doc.slice(0, doc.indexOf(start) + start.length) + '\n' + body + '\n' + doc.slice(doc.indexOf(end));
  writeFileSync(file, doc);
  writeFileSync(`${root}docs/scale-results.json`, JSON.stringify({ node, chromium: web }, null, 1) + '\n');
  return body;
}
