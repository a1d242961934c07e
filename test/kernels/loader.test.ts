/**
 * The kernel loader: feature detection, build selection, the reference fallback, errors, the
 * memory layout promise (no static data above the arena base), and the peak probe.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAlsError } from '../../src/errors.js';
import type { KernelExports } from '../../src/wasm/abi.js';
import { PAGE_BYTES } from '../../src/wasm/arena.js';
import { kernelVariantsAvailable, loadKernels } from '../../src/wasm/kernels.js';

const ABI: (keyof KernelExports)[] = [
  'scratchBytes', 'scratchBytesCG', 'gramian', 'gramianBlocks', 'gramAccumulate', 'cholesky', 'choleskySolve', 'solveRows',
  'toF32Rows', 'implicitLossRows', 'explicitLossRows', 'scoreRows',
];

/** Byte ranges of a wasm binary's sections by id (LEB128 sizes). */
function sections(bytes: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[p++];
      size |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    out.set(id, bytes.subarray(p, p + size));
    p += size;
  }
  return out;
}

describe('loadKernels', () => {
  it('detects relaxed SIMD, SIMD and scalar in this Node, best first', async () => {
    expect(await kernelVariantsAvailable()).toEqual(['relaxed', 'simd', 'scalar', 'reference']);
  });

  it('picks the best build for auto and exports the whole ABI plus fmaPeak', async () => {
    const rt = await loadKernels();
    expect(rt.variant).toBe('relaxed');
    for (const name of ABI) expect(typeof rt.exports[name], name).toBe('function');
    expect(typeof rt.exports.fmaPeak).toBe('function');
    expect(rt.memory).toBeInstanceOf(WebAssembly.Memory);
    // Rows are solved through the job record only: no positional solver is exported.
    for (const name of ['solveImplicitRows', 'solveImplicitRowsCG', 'solveExplicitRows', 'solveExplicitRowsCG']) expect(rt.exports, name).not.toHaveProperty(name);
  });

  it.each(['relaxed', 'simd', 'scalar'] as const)('loads the %s build on a memory given to it', async (variant) => {
    const memory = new WebAssembly.Memory({ initial: 4, maximum: 100 });
    const rt = await loadKernels({ variant, memory });
    expect(rt.variant).toBe(variant);
    expect(rt.memory).toBe(memory);
    // The arena starts above the module's (empty) static data and grows the memory on demand.
    const p = rt.arena.alloc(1 << 20);
    expect(p).toBeGreaterThanOrEqual(PAGE_BYTES);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(p + (1 << 20));
  });

  it('gives the reference kernels over a plain memory', async () => {
    const rt = await loadKernels({ variant: 'reference', initialBytes: 3 << 20 });
    expect(rt.variant).toBe('reference');
    expect(rt.memory.buffer.byteLength).toBeGreaterThanOrEqual(3 << 20);
    for (const name of ABI) expect(typeof rt.exports[name], name).toBe('function');
    expect(rt.exports.fmaPeak).toBeUndefined();
  });

  it('two instances of one build on separate memories do not interfere', async () => {
    const [a, b] = await Promise.all([loadKernels({ variant: 'simd' }), loadKernels({ variant: 'simd' })]);
    const pa = a.arena.putF64([1, 2, 3, 4]);
    const pb = b.arena.putF64([5, 6, 7, 8]);
    const oa = a.arena.alloc(8);
    const ob = b.arena.alloc(8);
    a.exports.scoreRows(pa, 1, 4, pa, oa);
    b.exports.scoreRows(pb, 1, 4, pb, ob);
    expect(a.arena.f64(oa, 1)[0]).toBe(30);
    expect(b.arena.f64(ob, 1)[0]).toBe(174);
  });

  it('throws WASM_UNAVAILABLE for a build this engine cannot run', async () => {
    const err = await loadKernels({ variant: 'bogus' as never }).catch((e: unknown) => e);
    expect(isAlsError(err)).toBe(true);
    expect((err as { code: string }).code).toBe('WASM_UNAVAILABLE');
  });
});

describe('the .wasm builds', () => {
  it.each(['relaxed', 'simd', 'scalar'])('als-%s.wasm imports only env.memory and has no static data', (variant) => {
    const bytes = new Uint8Array(readFileSync(new URL(`../../build/als-${variant}.wasm`, import.meta.url)));
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    // No data segments (section 11) and no globals (section 6): nothing lives in memory
    // below the arena base that JavaScript could overwrite.
    const s = sections(bytes);
    expect(s.has(11)).toBe(false);
    expect(s.has(6)).toBe(false);
  });

  it.each(['relaxed', 'simd', 'scalar'])('als-%s-shared.wasm imports only a shared env.memory (4 GiB maximum) and has no static data', (variant) => {
    const bytes = new Uint8Array(readFileSync(new URL(`../../build/als-${variant}-shared.wasm`, import.meta.url)));
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    // A non-shared memory is refused by the shared build: the import really is shared.
    expect(() => new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 65536 }) } })).toThrow();
    new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }) } });
    const s = sections(bytes);
    expect(s.has(11)).toBe(false);
    expect(s.has(6)).toBe(false);
  });

  it('scalar has no SIMD and only relaxed uses relaxed SIMD (validation without the flag)', () => {
    // The relaxed build contains relaxed ops: validate() is true here only because the loader
    // enabled the flag; the others must validate on any SIMD engine.
    for (const variant of ['simd', 'scalar']) {
      const bytes = new Uint8Array(readFileSync(new URL(`../../build/als-${variant}.wasm`, import.meta.url)));
      expect(WebAssembly.validate(bytes), variant).toBe(true);
    }
    const wat = (v: string) => readFileSync(new URL(`../../build/als-${v}.wat`, import.meta.url), 'utf8');
    expect(wat('scalar')).not.toMatch(/v128|f64x2/);
    expect(wat('simd')).toMatch(/f64x2\.mul/);
    expect(wat('simd')).not.toMatch(/relaxed/);
    expect(wat('relaxed')).toMatch(/f64x2\.relaxed_madd/);
  });
});

describe('fmaPeak', () => {
  it.each(['relaxed', 'simd', 'scalar'] as const)('returns a finite value depending on the iteration count (%s)', async (variant) => {
    const { exports: K } = await loadKernels({ variant });
    const a = K.fmaPeak!(1000);
    const b = K.fmaPeak!(2000);
    expect(Number.isFinite(a)).toBe(true);
    expect(a).not.toBe(b);
  });
});
