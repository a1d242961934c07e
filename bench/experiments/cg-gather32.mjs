// The mixed-precision implicit CG half-steps of several kernel builds on the same problem: one
// thread, the MovieLens-1M shape (6 040 × 3 706, 1 M pairs, heavy-first numbering as training
// lays it out), f = 64, 3 steps (STEPS=…), warm-started from a state after 3 f64 iterations; the
// builds and precisions alternate within each round (cg-builds.mjs).
//   node --experimental-wasm-relaxed-simd bench/experiments/cg-gather32.mjs [rounds] [label=path.wasm …]
//   node bench/experiments/cg-gather32.mjs --chromium [rounds] [label=path.wasm …]   (the same in headless Chromium)
// Each label=path is a relaxed build to compare with this tree's build/als-relaxed.wasm ('now');
// a build without the toF32Rows export (before the f32 copy) runs its mixed mode without it.
// Prints per build and precision the median seconds (BEST=1: the minimum) of a user and an item
// half-step, YᵀY and the f32 copy included, and the relative distance of its factors and loss
// share from this build's f64 (precision 0).
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

const chromium = process.argv[2] === '--chromium';
const args = process.argv.slice(chromium ? 3 : 2);
const rounds = Number(args[0] ?? 7);
const others = args.slice(1).map((a) => a.split('='));
const steps = Number(process.env.STEPS ?? 3);
const best = Boolean(process.env.BEST);
const log = (s) => process.stderr.write(s + '\n');

if (chromium) {
  // The page fetches the builds from the dev server: copy them under build/ (git-ignored).
  const { benchBrowser } = await import('../browser.mjs');
  mkdirSync(new URL('../../build/compare/', import.meta.url), { recursive: true });
  const urls = [['now', '/build/als-relaxed.wasm']];
  for (const [label, path] of others) {
    const name = `${label}-${basename(path)}`;
    copyFileSync(path, new URL(`../../build/compare/${name}`, import.meta.url));
    urls.push([label, `/build/compare/${name}`]);
  }
  const q = new URLSearchParams({ rounds: String(rounds), steps: String(steps), best: best ? '1' : '', builds: urls.map((u) => u.join('=')).join(',') });
  const r = await benchBrowser(`../experiments/kernel-builds.html?${q}`, { log: true, timeoutMs: 1_200_000 });
  console.log(r.table);
} else {
  const lib = await import('../lib.mjs');
  const { compareBuilds } = await import('./cg-builds.mjs');
  const builds = [{ label: 'now', bytes: readFileSync(new URL('../../build/als-relaxed.wasm', import.meta.url)) }, ...others.map(([label, path]) => ({ label, bytes: readFileSync(path) }))];
  console.log(await compareBuilds({ lib, builds, rounds, steps, best, log }));
}
