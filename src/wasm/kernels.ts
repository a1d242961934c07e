import * as loader from '@assemblyscript/loader';
import { AlsError } from '../errors.js';
import type { KernelExports, KernelVariant } from './abi.js';
import { Arena, MAX_PAGES, PAGE_BYTES, align } from './arena.js';
import { createReferenceKernels } from './reference-kernels.js';
import { isNode } from '../util/env.js';

/** Kernels ready to run: the exports, their memory and the arena that lays out buffers in it. */
export interface KernelRuntime {
  /** Which build is running. */
  variant: KernelVariant;
  /** The kernel functions, plus `fmaPeak` (peak-rate probe) in the WebAssembly builds. */
  exports: KernelExports & { fmaPeak?(iterations: number): number };
  /** The linear memory every pointer refers to. */
  memory: WebAssembly.Memory;
  /** Allocator over `memory`, starting above the module's static data. */
  arena: Arena;
  /** The compiled module (WebAssembly builds): pool workers instantiate it on the same memory. */
  module?: WebAssembly.Module;
  /** Whether `memory` is a shared memory (the `-shared` builds, for worker pools). */
  shared?: boolean;
}

/** Options of {@link loadKernels}. */
export interface LoadKernelsOptions {
  /** Build to load; `'auto'` picks relaxed SIMD > SIMD > scalar by feature detection. Default `'auto'`. */
  variant?: KernelVariant | 'auto';
  /** Memory to instantiate with; default a new memory of `initialBytes` (maximum 4 GiB). */
  memory?: WebAssembly.Memory;
  /** Initial size of a new memory in bytes. Default 1 MiB (it grows on demand). */
  initialBytes?: number;
  /**
   * Load the shared-memory build (`als-*-shared.wasm`, threads enabled) on a new shared
   * memory, so that pool workers can instantiate the same module on it. Needs
   * `SharedArrayBuffer` (cross-origin isolation in browsers). Not for `'reference'`.
   */
  shared?: boolean;
}

type WasmVariant = Exclude<KernelVariant, 'reference'>;
const WASM_ORDER: readonly WasmVariant[] = ['relaxed', 'simd', 'scalar'];


// Literal `new URL('…', import.meta.url)` forms, one per build, so that bundlers (Vite,
// webpack, …) see them and emit the .wasm files as assets. `../../build/` is right from both
// src/wasm/ and dist/wasm/.
function wasmUrl(v: WasmVariant, shared = false): URL {
  if (shared) {
    switch (v) {
      case 'relaxed':
        return new URL('../../build/als-relaxed-shared.wasm', import.meta.url);
      case 'simd':
        return new URL('../../build/als-simd-shared.wasm', import.meta.url);
      default:
        return new URL('../../build/als-scalar-shared.wasm', import.meta.url);
    }
  }
  switch (v) {
    case 'relaxed':
      return new URL('../../build/als-relaxed.wasm', import.meta.url);
    case 'simd':
      return new URL('../../build/als-simd.wasm', import.meta.url);
    default:
      return new URL('../../build/als-scalar.wasm', import.meta.url);
  }
}

// Feature probes: the smallest modules using one op of each feature. (type () → v128, one
// function whose body is the op.) `WebAssembly.validate` on them is synchronous and cheap.
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00];
const V128_CONST_0 = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
/** v128.const 0 */
const SIMD_PROBE = Uint8Array.from([...HEADER, 0x0a, 0x16, 0x01, 0x14, 0x00, ...V128_CONST_0, 0x0b]);
/** f64x2.relaxed_madd(v128.const 0, v128.const 0, v128.const 0) — opcode 0xfd 0x107 */
const RELAXED_PROBE = Uint8Array.from([...HEADER, 0x0a, 0x3d, 0x01, 0x3b, 0x00, ...V128_CONST_0, ...V128_CONST_0, ...V128_CONST_0, 0xfd, 0x87, 0x02, 0x0b]);

let nodeFlagsSet: Promise<void> | undefined;
/**
 * Node 20 keeps relaxed SIMD behind a V8 flag that NODE_OPTIONS rejects; setting it at run time
 * before compiling works, and is harmless where it is already on. Detection decides afterwards.
 */
function enableNodeRelaxedSimd(): Promise<void> {
  if (!isNode) return Promise.resolve();
  nodeFlagsSet ??= (async () => {
    try {
      // A variable specifier so that browser bundlers do not try to resolve node:v8.
      const v8Name = 'node:v8';
      const v8 = (await import(/* @vite-ignore */ v8Name)) as { setFlagsFromString(flag: string): void };
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      // Not fatal: detection then reports no relaxed SIMD and `auto` takes the SIMD build.
    }
  })();
  return nodeFlagsSet;
}

/**
 * The builds this JavaScript engine can run, best first, always ending with `'reference'`
 * (plain TypeScript). Decided by feature detection, without fetching any .wasm file.
 * @example
 * await kernelVariantsAvailable(); // → ['relaxed', 'simd', 'scalar', 'reference'] in Chromium
 */
export async function kernelVariantsAvailable(): Promise<KernelVariant[]> {
  await enableNodeRelaxedSimd();
  const out: KernelVariant[] = [];
  if (typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function') {
    const simd = WebAssembly.validate(SIMD_PROBE);
    if (simd && WebAssembly.validate(RELAXED_PROBE)) out.push('relaxed');
    if (simd) out.push('simd');
    out.push('scalar');
  }
  out.push('reference');
  return out;
}

async function readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (isNode && url.protocol === 'file:') {
    const fsName = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ fsName)) as { readFile(u: URL): Promise<Uint8Array<ArrayBuffer>> };
    return fs.readFile(url);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText} for ${url.href}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Compiled modules per build: compiling once lets every instance (and worker) reuse it. */
const modules = new Map<string, Promise<WebAssembly.Module>>();

function compiled(v: WasmVariant, shared = false): Promise<WebAssembly.Module> {
  const key = shared ? `${v}-shared` : v;
  let p = modules.get(key);
  if (!p) {
    p = readBytes(wasmUrl(v, shared)).then((bytes) => WebAssembly.compile(bytes));
    // A failed fetch may be transient: forget it so that a later call retries.
    p.catch(() => modules.delete(key));
    modules.set(key, p);
  }
  return p;
}

/**
 * Loads (compiling once per build, then cached) and instantiates the kernels on a memory.
 *
 * The instance imports only `env.memory`. It is instantiated through `@assemblyscript/loader`
 * (the design card's loader: it also supplies the `env` imports an AssemblyScript build may
 * expect), and the raw `instance.exports` are used: the kernels take and return numbers
 * only, so the loader's marshalling wrappers would add nothing but call overhead.
 *
 * @param options - build, memory, initial size
 * @returns the runtime: exports, memory, arena
 * @throws AlsError `WASM_UNAVAILABLE` when the requested build cannot run (or be loaded) here
 * @example
 * const { exports: K, arena } = await loadKernels();           // best build for this engine
 * const ref = await loadKernels({ variant: 'reference' });      // plain TypeScript oracle
 */
export async function loadKernels(options: LoadKernelsOptions = {}): Promise<KernelRuntime> {
  const want = options.variant ?? 'auto';
  const shared = options.shared === true;
  if (shared && want === 'reference') throw new AlsError('WASM_UNAVAILABLE', 'The "reference" kernels have no shared-memory build; use a WebAssembly build for worker pools.', { variant: want });
  if (shared && typeof SharedArrayBuffer === 'undefined') {
    throw new AlsError('WASM_UNAVAILABLE', 'Shared WebAssembly memory needs SharedArrayBuffer: serve the page cross-origin isolated (COOP: same-origin, COEP: require-corp).', { variant: want, shared });
  }
  const memory =
    options.memory ??
    new WebAssembly.Memory({ initial: Math.max(2, Math.ceil((options.initialBytes ?? 1 << 20) / PAGE_BYTES)), maximum: MAX_PAGES, ...(shared ? { shared: true } : {}) });
  if (want === 'reference') {
    return { variant: 'reference', exports: createReferenceKernels(memory), memory, arena: new Arena(memory) };
  }
  const available = await kernelVariantsAvailable();
  if (want !== 'auto' && !available.includes(want)) {
    throw new AlsError('WASM_UNAVAILABLE', `The "${want}" kernel build needs WebAssembly features this JavaScript engine does not support. Use kernels: "auto" (best available) or "reference".`, {
      variant: want,
      available,
    });
  }
  const candidates = want === 'auto' ? WASM_ORDER.filter((v) => available.includes(v)) : [want];
  let lastError: unknown;
  for (const v of candidates) {
    try {
      const module = await compiled(v, shared);
      const { instance } = await loader.instantiate<Record<string, unknown>>(module, { env: { memory } });
      const exports = instance.exports as unknown as KernelRuntime['exports'] & { __heap_base?: WebAssembly.Global };
      // The builds hold no static data; should one ever, the arena starts above it.
      const heapBase = exports.__heap_base instanceof WebAssembly.Global ? Number(exports.__heap_base.value) : 0;
      return { variant: v, exports, memory, arena: new Arena(memory, Math.max(PAGE_BYTES, align(heapBase, 16))), module, shared };
    } catch (e) {
      lastError = e;
    }
  }
  const reason = lastError instanceof Error ? lastError.message : 'no WebAssembly support';
  throw new AlsError(
    'WASM_UNAVAILABLE',
    `Could not load the ${want === 'auto' ? 'WebAssembly' : `"${want}"`} kernels (${reason}). Check that build/als-*.wasm is served next to the library, or use kernels: "reference" (plain TypeScript, slower).`,
    { variant: want, reason },
  );
}
