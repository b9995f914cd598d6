// The import graph of src/: no file reaches itself through its imports, and the model and the API
// client load nothing of the commands nor Output (CONTRIBUTING.md, "Where each decision lives").
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, importsOf, reaches, tsFiles } from '../helpers/imports.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const graph = importGraph(tsFiles(ROOT, 'src'));
const files = [...graph.edges.keys()];

const show = (chain: string[]) => chain.join(' -> ');

describe('the import graph of src/', () => {
  it('is read whole: every file, and every relative import names a file of src/', () => {
    expect(files).toContain('src/cli.ts');
    expect(files).toContain('src/model/sender.ts');
    expect(files.length).toBeGreaterThan(100);
    expect(graph.unresolved).toEqual([]);
    // The lazy loads are edges too: cli.ts reaches every command's handler.
    expect(reaches(graph, 'src/cli.ts', (f) => f === 'src/commands/threads-run.ts')).toBeDefined();
  });

  it('has no cycle', () => {
    expect(cycles(graph).map(show)).toEqual([]);
  });

  it('src/model/ and src/api/ load nothing of src/commands/ nor Output, even through other files', () => {
    const bad = (f: string) => f.startsWith('src/commands/') || f === 'src/output/output.ts';
    const leaks = files
      .filter((f) => f.startsWith('src/model/') || f.startsWith('src/api/'))
      .map((f) => reaches(graph, f, bad))
      .filter((chain): chain is string[] => chain !== undefined)
      .map(show);
    expect(leaks).toEqual([]);
  });
});

describe('the reading of imports', () => {
  it('finds every form, static, re-exported, bare, type-only and dynamic', () => {
    const src = [
      "import a, { b, type C } from './a.js';",
      "import type { D } from './d.js';",
      'export {',
      '  e,',
      "} from './e.js';",
      "export * as f from './f.js';",
      "import './g.js';",
      "const h = await import('./h.js');",
      "import { i } from 'node:fs';",
    ].join('\n');
    expect(
      importsOf(src)
        .map((e) => `${e.specifier}${e.typeOnly ? ' type' : ''}${e.dynamic ? ' dynamic' : ''}`)
        .sort(),
    ).toEqual(['./a.js', './d.js type', './e.js', './f.js', './g.js', './h.js dynamic', 'node:fs'].sort());
  });

  it('takes no import from a comment, a string, a template or a regular expression', () => {
    const src = [
      "// import a from './comment.js';",
      "/* import('./block.js') */ const glob = 'src/**/*.ts';",
      'const s = "import b from \'./string.js\'";',
      "const t = `import('./template.js') ${x ? `import './nested.js'` : ''} done`;",
      "const r = /import c from '.\\/regex.js'/;",
      "const q = /[\"'`]/; import d from './after-regex.js';",
      "const u = 'http://host/'; import e from './after-url.js';",
    ].join('\n');
    expect(importsOf(src).map((e) => e.specifier)).toEqual(['./after-regex.js', './after-url.js']);
  });

  it('names a cycle, a self-import, and a chain into a forbidden file', () => {
    const g = importGraph(
      new Map([
        ['src/a.ts', "import { b } from './b.js';"],
        ['src/b.ts', "import type { C } from './c/index.js';"],
        ['src/c/index.ts', "export const c = () => import('../a.js');"],
        ['src/d.ts', "import { d } from './d.js';"],
        ['src/e.ts', "import { x } from './missing.js';"],
      ]),
    );
    expect(cycles(g).map(show)).toEqual(['src/a.ts -> src/b.ts -> src/c/index.ts -> src/a.ts', 'src/d.ts -> src/d.ts']);
    expect(reaches(g, 'src/b.ts', (f) => f === 'src/a.ts')).toEqual(['src/b.ts', 'src/c/index.ts', 'src/a.ts']);
    expect(g.unresolved).toEqual(['src/e.ts: ./missing.js']);
  });
});
