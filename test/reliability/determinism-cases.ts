/**
 * The fixed trainings whose factors must be bit-identical everywhere: the same data, seed and
 * kernel build give the same SHA-256 of the factor bytes in Node and in Chromium (page and
 * worker). The expected digests are committed in determinism-hashes.json; Node and the
 * browser tests both compare against them, so a platform difference fails one of them.
 */
import { train } from '../../src/api/fit.js';
import type { TrainOptions } from '../../src/train/options.js';
import { parseText } from '../../src/data/parse.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import type { KernelVariant } from '../../src/wasm/abi.js';

/** One training configuration per loss and solver. */
export const DETERMINISM_CASES: Record<string, TrainOptions> = {
  explicit: { feedback: 'explicit', factors: 12, regularization: 0.1, weightedRegularization: false, iterations: 4, seed: 7, biases: true },
  implicit: { feedback: 'implicit', factors: 12, regularization: 0.1, alpha: 5, confidence: 'linear', iterations: 4, seed: 7 },
  'implicit-cg': { feedback: 'implicit', factors: 12, regularization: 0.1, alpha: 5, confidence: 'linear', iterations: 4, seed: 7, solver: 'cg', precision: 'f64' },
  'implicit-cg-mixed': { feedback: 'implicit', factors: 12, regularization: 0.1, alpha: 5, confidence: 'linear', iterations: 4, seed: 7, solver: 'cg' }, // the default: mixed
  'explicit-cg': { feedback: 'explicit', factors: 12, regularization: 0.05, weightedRegularization: true, iterations: 4, seed: 7, biases: true, solver: 'cg' },
};

/** Builds whose results are compared. */
export const DETERMINISM_KERNELS: KernelVariant[] = ['relaxed', 'simd', 'scalar', 'reference'];

/** The fixed dataset as CSV text (seeded synthetic ratings), which the worker test loads as is. */
export function determinismCsv(): string {
  const d = generateSynthetic({ users: 120, items: 80, interactions: 2400, feedback: 'explicit', rank: 4, seed: 11, minPerUser: 10 });
  const rows: string[] = [];
  for (let j = 0; j < d.length; j++) rows.push(`${d.users.id(d.user[j])},${d.items.id(d.item[j])},${d.value[j]}`);
  return rows.join('\n') + '\n';
}

/** The fixed dataset, parsed (ids interned in order of first appearance, as everywhere). */
export function determinismData() {
  return parseText(determinismCsv(), { source: 'determinism.csv' });
}

/** Hex SHA-256 of the bytes of the given arrays, in order (WebCrypto: the same in Node 20 and browsers). */
export async function sha256(...arrays: Float64Array[]): Promise<string> {
  const total = arrays.reduce((s, a) => s + a.byteLength, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const a of arrays) {
    all.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o);
    o += a.byteLength;
  }
  const digest = await crypto.subtle.digest('SHA-256', all);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Trains one case in-thread and returns the digest of X, Y (and the biases). */
export async function trainedDigest(caseName: string, kernels: KernelVariant): Promise<string> {
  const { model } = await train(determinismData(), { ...DETERMINISM_CASES[caseName], kernels });
  const p = model.params;
  return sha256(p.userFactors, p.itemFactors, ...(p.userBiases ? [p.userBiases, p.itemBiases!] : []));
}
