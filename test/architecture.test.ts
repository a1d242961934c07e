/**
 * The module structure of src/: no import cycles, and no import from a lower layer into a
 * higher one, with the layers as docs/design.md writes them down ("### Layers"). Every import
 * counts: value and type-only, static, re-exports and literal dynamic `import()`. And the public
 * face (issue 25): a small package entry, the in-thread API apart, no renames at the door, no
 * transport in the engine, web/ and the CLI on the public API.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INTERNAL_NAMES, MAX_MAIN_RUNTIME_NAMES } from './helpers/public-entries.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Relative imports of a module's text (comments stripped), resolved to repository paths. */
export function importsOf(file: string, text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = [...code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g), ...code.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g), ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(root, join(dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** The layers of docs/design.md, lowest first: each a list of path prefixes (`src/train/`) or files (`src/index.ts`). */
export function documentedLayers(doc: string): string[][] {
  const block = /<!-- layers: lowest first -->([\s\S]*?)<!-- \/layers -->/.exec(doc);
  if (!block) throw new Error('docs/design.md has no <!-- layers --> list');
  return block[1]
    .split('\n')
    .filter((l) => /^\d+\. /.test(l))
    .map((l) => [...l.split(' — ')[0].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

/** The layer of a path: the index of the layer whose entry names it (a folder prefix or the file). */
function layerOf(layers: string[][], path: string): number {
  const i = layers.findIndex((entries) => entries.some((e) => (e.endsWith('/') ? path.startsWith(e) : path === e)));
  if (i < 0) throw new Error(`${path} is in no layer of docs/design.md: add it to the list`);
  return i;
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

const graph = new Map(sources(join(root, 'src')).map((f) => [relative(root, f), importsOf(f, readFileSync(f, 'utf8'))]));
const layers = documentedLayers(readFileSync(join(root, 'docs/design.md'), 'utf8'));
/** The folders of training and of the trained model: below side information, which builds on them. */
const MODEL_AND_TRAINING = ['src/train/', 'src/model/'];

describe('module structure', () => {
  it('reads imports of every kind, and finds a cycle (the checks can fail)', () => {
    const text = "import type { A } from './a.js';\nexport { b } from '../b.js';\nimport './side.js';\nconst m = await import('./lazy.js');\n// import { no } from './comment.js';\n";
    expect(importsOf(join(root, 'src/x/y.ts'), text)).toEqual(['src/x/a.ts', 'src/b.ts', 'src/x/side.ts', 'src/x/lazy.ts']);
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });

  it('docs/design.md lists the layers', () => {
    expect(layers.length).toBeGreaterThanOrEqual(8);
    expect(layers[0]).toContain('src/util/');
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no import from a lower layer into a higher one', () => {
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) if (layerOf(layers, to) > layerOf(layers, from)) upward.push(`${from} (layer ${layerOf(layers, from) + 1}) → ${to} (layer ${layerOf(layers, to) + 1})`);
    }
    expect(upward).toEqual([]);
  });

  it('training and the model know nothing of side information: no module of theirs imports src/features/', () => {
    const lower = [...graph].filter(([from]) => MODEL_AND_TRAINING.some((d) => from.startsWith(d)));
    expect(lower.length).toBeGreaterThan(20);
    const back = lower.flatMap(([from, targets]) => targets.filter((t) => t.startsWith('src/features/')).map((t) => `${from} → ${t}`));
    expect(back).toEqual([]);
    // ...and the layer list keeps features/ strictly above them, so no shared layer can hide a loop.
    for (const d of MODEL_AND_TRAINING) expect(layerOf(layers, `${d}x.ts`)).toBeLessThan(layerOf(layers, 'src/features/x.ts'));
  });

  it('keeps every source file of src/, assembly/ and web/ under 300 lines (one job per module)', () => {
    const files = ['src', 'assembly', 'web'].flatMap((d) => sources(join(root, d)));
    expect(files.length).toBeGreaterThan(100);
    const long = files.map((f) => [relative(root, f), readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 300);
    expect(long).toEqual([]);
  });
});

/** The `name as alias` specifiers of a module's `export { … }` lists (renames at the door). */
export function renamedExports(text: string): string[] {
  return [...text.matchAll(/export\s*(?:type\s*)?\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((s) => s.trim()).filter((s) => /\bas\b/.test(s)));
}

describe('the public entries', () => {
  it('finds a rename at the door (the check can fail)', () => {
    expect(renamedExports("export { a, b as c, type D } from './x.js';\nexport type { E as F } from './y.js';")).toEqual(['b as c', 'E as F']);
  });

  it('the package entry is what a web app uses: at most 35 runtime names, no internals; the in-thread API apart', async () => {
    const main = await import('../src/index.js');
    const inThread = await import('../src/in-thread.js');
    expect(Object.keys(main).length).toBeLessThanOrEqual(MAX_MAIN_RUNTIME_NAMES);
    expect(Object.keys(main)).toContain('createRecommender');
    expect(Object.keys(main)).not.toContain('train'); // the synchronous API is the in-thread subpath's
    expect(Object.keys(inThread)).toEqual(expect.arrayContaining(['train', 'AlsModel', 'parseText', 'evaluateModel', 'saveModel', 'loadModel']));
    expect(Object.keys(inThread)).not.toContain('createRecommender');
    for (const entry of [main, inThread]) expect(Object.keys(entry).filter((n) => INTERNAL_NAMES.includes(n))).toEqual([]);
  });

  it('renames nothing at the door', () => {
    for (const f of ['src/index.ts', 'src/in-thread.ts']) expect(renamedExports(readFileSync(join(root, f), 'utf8')), f).toEqual([]);
  });

  it('the engine knows nothing of the transport: no module of src/engine/ imports comlink', () => {
    const engine = sources(join(root, 'src/engine'));
    expect(engine.length).toBeGreaterThan(3);
    const leaks = engine.filter((f) => /\bfrom\s*['"]comlink['"]|\bimport\(\s*['"]comlink['"]|\bComlink\./.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(leaks).toEqual([]);
  });

  it('web/ imports the library only through the public entries; the CLI only the modules the in-thread entry publishes', () => {
    const entries = ['src/index.ts', 'src/in-thread.ts'];
    const web = sources(join(root, 'web')).flatMap((f) => importsOf(f, readFileSync(f, 'utf8')).filter((t) => t.startsWith('src/') && !entries.includes(t)).map((t) => `${relative(root, f)} → ${t}`));
    expect(web).toEqual([]);
    // The modules whose exports the in-thread entry re-exports, errors included; plus the CLI's own Node file helper.
    // Plus the CLI's own Node file helpers: safe writes, the model lock, bounded reads (no library API).
    const published = new Set([...graph.get('src/in-thread.ts')!, 'src/io/atomic-write.ts', 'src/io/safe-output.ts', 'src/io/model-lock.ts', 'src/io/bounded-read.ts']);
    const cli = [...graph].filter(([from]) => from.startsWith('src/cli')).flatMap(([from, targets]) => targets.filter((t) => !t.startsWith('src/cli') && !published.has(t)).map((t) => `${from} → ${t}`));
    expect(cli).toEqual([]);
  });
});
