// The MovieLens-20M-scale benchmark in Node: a child process (so its VmHWM is the scenario's
// alone) loads a generated TSV file from disk as a stream and trains 15 CG iterations at f = 64.
// Standalone: node --experimental-wasm-relaxed-simd bench/scale.mjs [--interactions N] [--precision f64|mixed] [--child]
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, openSync, readFileSync, renameSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ML20M, tsvChunks } from './scale-data.mjs';
import { runScale } from './scale-scenario.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Peak and current resident set of this process, from /proc (bytes; 0 where /proc is missing). */
export function procMemory(pid = 'self') {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return { hwm: 0, rss: 0 };
  }
}

/** Writes (once) the synthetic TSV of the given shape to a temp file; returns its path. */
export function scaleFile(shape) {
  const path = join(tmpdir(), `als-scale-${shape.users}x${shape.items}x${shape.interactions}.tsv`);
  if (existsSync(path)) return path;
  const fd = openSync(path + '.part', 'w');
  for (const chunk of tsvChunks(shape)) writeSync(fd, chunk);
  closeSync(fd);
  renameSync(path + '.part', path);
  return path;
}

/** Shape for `interactions` total (users and items scaled from MovieLens-20M's ratios, ≥ 20 per user). */
export function shapeFor(interactions) {
  if (interactions >= ML20M.interactions) return ML20M;
  const s = Math.sqrt(interactions / ML20M.interactions);
  return { users: Math.max(100, Math.round(ML20M.users * s * 0.5)), items: Math.max(100, Math.round(ML20M.items * s)), interactions };
}

/** Runs the scenario in a fresh Node process and returns its results (with peak memory). */
export function benchScaleNode({ interactions = ML20M.interactions, factors = 64, iterations = 15, precision = 'mixed' } = {}) {
  const shape = shapeFor(interactions);
  const file = scaleFile(shape);
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', join(here, 'scale.mjs'), '--child', file, String(factors), String(iterations), precision], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`scale child exited with ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function child(file, factors, iterations, precision) {
  const lib = await import('./lib.mjs');
  const rec = await lib.createRecommender({ inThread: true });
  const log = (s) => process.stderr.write(`  [node] ${s}\n`);
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const r = await runScale(rec, createReadStream(file, { highWaterMark: 1 << 20 }), { factors, iterations, workers: 2, precision, log, cpu });
  const mem = procMemory();
  const mu = process.memoryUsage();
  console.log(JSON.stringify({ ...r, peakBytes: mem.hwm, rssBytes: mem.rss, heapUsedBytes: mu.heapUsed, arrayBuffersBytes: mu.arrayBuffers, memorySource: 'VmHWM of the Node process (/proc/self/status)' }));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const a = process.argv;
  if (a.includes('--child')) {
    const k = a.indexOf('--child');
    await child(a[k + 1], Number(a[k + 2]), Number(a[k + 3]), a[k + 4] ?? 'f64');
  } else {
    const k = a.indexOf('--interactions');
    const p = a.indexOf('--precision');
    console.log(benchScaleNode({ interactions: k > 0 ? Number(a[k + 1]) : undefined, precision: p > 0 ? a[p + 1] : undefined }));
  }
}
