/**
 * The examples in README.md and docs/*.md run as written: every ```ts block is type-checked
 * (strict) against the built package's types, importing `als-wasm` as a user would (the
 * package's own `exports`, so `dist/index.d.ts`). A block may use names it does not define
 * (`csvText`, `file`): those are declared `any` — the calls on the library are still checked,
 * so a missing `await` (`loadModel(bytes).recommend`), a misspelt method or option fails here.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so that `import … from 'als-wasm'` resolves through package.json's exports.
const dir = join(root, 'test-output', `doc-examples-${process.pid}`);

/** The ```ts blocks of a Markdown file, with the line each starts on. */
export function tsBlocks(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const re = /^```(?:ts|typescript)\s*\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) out.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[1] });
  return out;
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
};

/** Type-checks files; the names each one uses without defining them (TS2304), and every other diagnostic. */
function check(files: string[]): Map<string, { undefinedNames: Set<string>; errors: string[] }> {
  const program = ts.createProgram(files, OPTIONS);
  const out = new Map(files.map((f) => [f, { undefinedNames: new Set<string>(), errors: [] as string[] }]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const entry = d.file && out.get(d.file.fileName);
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!entry) {
      if (d.category === ts.DiagnosticCategory.Error) throw new Error(`type-check set-up: ${text}`);
      continue;
    }
    // "Cannot find name 'x'" (2304; 2552 "did you mean"; 2582/2593 a test runner's name such as `test`) and "No value exists in scope for the shorthand property 'x'" (18004).
    const name = /^Cannot find name '([^']+)'/.exec(text) ?? /shorthand property '([^']+)'/.exec(text);
    if (name) entry.undefinedNames.add(name[1]);
    else {
      // Line 1 of each file holds the declarations: report the block's own line numbers.
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      entry.errors.push(`line ${line}: ${text}`);
    }
  }
  return out;
}

const sources = ['README.md', ...(existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [])];
const blocks = sources.flatMap((source) => tsBlocks(readFileSync(join(root, source), 'utf8')).map((b) => ({ source, ...b })));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README and docs examples', () => {
  it('finds the examples (README and the docs have several ts blocks)', () => {
    expect(blocks.filter((b) => b.source === 'README.md').length).toBeGreaterThanOrEqual(1);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it('every ts block type-checks against the built package (strict)', () => {
    expect(existsSync(join(root, 'dist/index.d.ts')), 'run `npm run build` first').toBe(true);
    mkdirSync(dir, { recursive: true });
    const name = (k: number) => join(dir, `block-${k}.ts`);
    // A module each (top-level await, no clashes between blocks).
    const write = (k: number, declared: Set<string>) => writeFileSync(name(k), `${[...declared].map((n) => `declare const ${n}: any;`).join('\n')}\n${blocks[k].code}\nexport {};\n`);
    const declared = blocks.map(() => new Set<string>());
    blocks.forEach((_, k) => write(k, declared[k]));
    let result = check(blocks.map((_, k) => name(k)));
    // Names a block uses as placeholders: declared, then checked again (the library's calls still are).
    blocks.forEach((_, k) => {
      for (const n of result.get(name(k))!.undefinedNames) declared[k].add(n);
      write(k, declared[k]);
    });
    result = check(blocks.map((_, k) => name(k)));
    const failures = blocks.flatMap((b, k) => result.get(name(k))!.errors.map((e) => `${b.source} block at line ${b.line}, ${e}`));
    expect(failures).toEqual([]);
  }, 120_000);

  it('catches an example that forgets to await loadModel', () => {
    mkdirSync(dir, { recursive: true });
    const f = join(dir, 'wrong.ts');
    writeFileSync(f, "import { loadModel } from 'als-wasm/in-thread';\ndeclare const bytes: Uint8Array;\nconst back = loadModel(bytes);\nback.recommend('196', 10);\nexport {};\n");
    expect(check([f]).get(f)!.errors.join('\n')).toMatch(/Property 'recommend' does not exist on type 'Promise<AlsModel>'/);
  }, 60_000);
});
