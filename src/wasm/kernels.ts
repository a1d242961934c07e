import * as loader from '@assemblyscript/loader';
import { AlsError } from '../errors.js';
import type { KernelExports, KernelVariant } from './abi.js';
import { Arena, MAX_PAGES, PAGE_BYTES } from './arena.js';
import { createReferenceKernels } from './reference-kernels.js';

/** Kernels ready to run: the exports, their memory and the arena that lays out buffers in it. */
export interface KernelRuntime {
  /** Which build is running. */
  variant: KernelVariant;
  /** The kernel functions (plus `fmaPeak` in WASM builds, for measuring the peak). */
  exports: KernelExports & { fmaPeak?(iterations: number): number };
  /** The linear memory every pointer refers to. */
  memory: WebAssembly.Memory;
  /** Allocator over `memory`. */
  arena: Arena;
}

/** Options of {@link loadKernels}. */
export interface LoadKernelsOptions {
  /** Build to load; `auto` picks relaxed-SIMD > SIMD > scalar. Default `auto`. */
  variant?: KernelVariant | 'auto';
  /** Memory to instantiate with (e.g. a shared one); default a new memory of `initialBytes`. */
  memory?: WebAssembly.Memory;
  /** Initial size of a new memory. Default 1 MiB. */
  initialBytes?: number;
}

type WasmVariant = Exclude<KernelVariant, 'reference'>;
const WASM_ORDER: WasmVariant[] = ['relaxed', 'simd', 'scalar'];

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

// Literal `new URL(…, import.meta.url)` forms so that bundlers (Vite, webpack, …) emit the
// .wasm files as assets; the path is the same from src/wasm/ and from dist/wasm/.
function wasmUrl(v: WasmVariant): URL {
  switch (v) {
    case 'relaxed':
      return new URL('../../build/als-relaxed.wasm', import.meta.url);
    case 'simd':
      return new URL('../../build/als-simd.wasm', import.meta.url);
    default:
      return new URL('../../build/als-scalar.wasm', import.meta.url);
  }
}

let nodeFlagsSet: Promise<void> | undefined;
/** Node 20 keeps relaxed SIMD behind a V8 flag that NODE_OPTIONS rejects; set it before compiling. */
function enableNodeRelaxedSimd(): Promise<void> {
  if (!isNode) return Promise.resolve();
  nodeFlagsSet ??= (async () => {
    try {
      const v8Name = 'node:v8';
      const v8 = (await import(/* @vite-ignore */ v8Name)) as { setFlagsFromString(flag: string): void };
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      // Not fatal: detection below then falls back to the SIMD build.
    }
  })();
  return nodeFlagsSet;
}

async function readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (isNode && url.protocol === 'file:') {
    const fsName = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ fsName)) as { readFile(u: URL): Promise<Uint8Array<ArrayBuffer>> };
    return fs.readFile(url);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url.href}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Compiled modules per build; `null` = not supported by this engine. */
const modules = new Map<WasmVariant, Promise<WebAssembly.Module | null>>();

function compiled(v: WasmVariant): Promise<WebAssembly.Module | null> {
  let p = modules.get(v);
  if (!p) {
    p = (async () => {
      await enableNodeRelaxedSimd();
      const bytes = await readBytes(wasmUrl(v));
      // Validating our own module is the exact feature test: it uses every op the build needs.
      if (!WebAssembly.validate(bytes)) return null;
      return WebAssembly.compile(bytes);
    })();
    modules.set(v, p);
  }
  return p;
}

/**
 * The kernel builds this engine can run, best first (always ends with `reference`).
 * @example
 * await kernelVariantsAvailable() // → ['relaxed', 'simd', 'scalar', 'reference']
 */
export async function kernelVariantsAvailable(): Promise<KernelVariant[]> {
  const out: KernelVariant[] = [];
  for (const v of WASM_ORDER) {
    try {
      if (await compiled(v)) out.push(v);
    } catch {
      // unreadable or uncompilable: not available
    }
  }
  out.push('reference');
  return out;
}

/**
 * Loads (compiling once per build, then cached) and instantiates the kernels on a memory.
 * @param options - build, memory, initial size
 * @returns the runtime: exports, memory, arena
 * @throws AlsError `WASM_UNAVAILABLE` when the requested build cannot run here
 */
export async function loadKernels(options: LoadKernelsOptions = {}): Promise<KernelRuntime> {
  const want = options.variant ?? 'auto';
  const memory =
    options.memory ??
    new WebAssembly.Memory({ initial: Math.max(2, Math.ceil((options.initialBytes ?? 1 << 20) / PAGE_BYTES)), maximum: MAX_PAGES });
  if (want === 'reference') {
    return { variant: 'reference', exports: createReferenceKernels(memory), memory, arena: new Arena(memory) };
  }
  const candidates = want === 'auto' ? WASM_ORDER : [want];
  let lastError: unknown;
  for (const v of candidates) {
    let module: WebAssembly.Module | null = null;
    try {
      module = await compiled(v);
    } catch (e) {
      lastError = e;
    }
    if (!module) continue;
    // @assemblyscript/loader (named by the design card) instantiates with our imported memory
    // and supplies the env imports an AssemblyScript module may expect.
    const { exports } = await loader.instantiate<Record<string, unknown>>(module, { env: { memory } });
    return { variant: v, exports: exports as unknown as KernelRuntime['exports'], memory, arena: new Arena(memory) };
  }
  throw new AlsError(
    'WASM_UNAVAILABLE',
    want === 'auto'
      ? `No WebAssembly kernel build could be loaded here (${String((lastError as Error | undefined)?.message ?? 'unsupported')}). Use kernels: "reference" for the plain TypeScript fallback.`
      : `The "${want}" kernel build is not supported by this JavaScript engine. Use kernels: "auto".`,
    { variant: want },
  );
}
