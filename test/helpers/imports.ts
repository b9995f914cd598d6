/**
 * The import graph of a TypeScript tree, read as text (the type checker has no JavaScript API to
 * ask): comments, template text and regular expressions are skipped, so an `import` written in
 * one of them is no edge.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ImportEdge {
  specifier: string;
  /** `import type` / `export type`: no code loaded, still a dependency. */
  typeOnly: boolean;
  /** `import('…')`: loaded when first used. */
  dynamic: boolean;
}

const REGEX_BEFORE =
  /(?:^|[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await))\s*$/;

/**
 * The source with comments, template text and regex bodies blanked and every string's content
 * replaced by `x` (offsets kept, newlines kept), for the patterns below; strings are read back
 * from the original at the same offset.
 */
export function mask(src: string): string {
  const out = src.split('');
  const blank = (from: number, to: number, ch = ' ') => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ch;
  };
  // Open template literals and, per `${`, the brace depth to return at.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const template = (start: number): number => {
    // From just after ` or }: text up to the closing ` or the next ${.
    let k = start;
    while (k < src.length && src[k] !== '`' && !(src[k] === '$' && src[k + 1] === '{')) k += src[k] === '\\' ? 2 : 1;
    blank(start, Math.min(k, src.length));
    if (src[k] === '$') {
      templates.push(depth);
      depth++;
      return k + 2;
    }
    return k + 1;
  };
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      let k = i + 1;
      while (k < src.length && src[k] !== c && src[k] !== '\n') k += src[k] === '\\' ? 2 : 1;
      blank(i + 1, k, 'x');
      i = k + 1;
    } else if (c === '`') {
      i = template(i + 1);
    } else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      if (templates.length && templates[templates.length - 1] === depth) {
        templates.pop();
        i = template(i + 1);
      } else i++;
    } else if (c === '/' && REGEX_BEFORE.test(src.slice(Math.max(0, i - 12), i))) {
      let k = i + 1;
      let inClass = false;
      while (k < src.length && src[k] !== '\n' && (inClass || src[k] !== '/')) {
        if (src[k] === '\\') k++;
        else if (src[k] === '[') inClass = true;
        else if (src[k] === ']') inClass = false;
        k++;
      }
      blank(i + 1, k);
      i = k + 1;
    } else i++;
  }
  return out.join('');
}

const STATIC = /(?<![.\w$])(import|export)(\s+type)?\b[\s\w{},*$]*?\bfrom\s*(['"])/g;
const BARE = /(?<![.\w$])import\s*(['"])/g;
const DYNAMIC = /(?<![.\w$])import\s*\(\s*(['"])/g;

/** The specifiers a file imports, in no particular order. */
export function importsOf(src: string): ImportEdge[] {
  const m = mask(src);
  const edges: ImportEdge[] = [];
  const at = (quote: number) => src.slice(quote + 1, src.indexOf(src[quote]!, quote + 1));
  for (const x of m.matchAll(STATIC))
    edges.push({ specifier: at(x.index + x[0].length - 1), typeOnly: x[2] !== undefined, dynamic: false });
  for (const x of m.matchAll(BARE))
    edges.push({ specifier: at(x.index + x[0].length - 1), typeOnly: false, dynamic: false });
  for (const x of m.matchAll(DYNAMIC))
    edges.push({ specifier: at(x.index + x[0].length - 1), typeOnly: false, dynamic: true });
  return edges;
}

/** Every .ts file below `dir`, by its path relative to `root` (forward slashes). */
export function tsFiles(root: string, dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.ts')) continue;
    const rel = path.posix.join(dir, f.split(path.sep).join('/'));
    files.set(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
  }
  return files;
}

export interface Graph {
  /** file -> the files it imports, with how. */
  edges: Map<string, Array<ImportEdge & { to: string }>>;
  /** Relative specifiers that name no file of the tree. */
  unresolved: string[];
}

/** The graph between the files (relative specifiers only; `./x.js` is `./x.ts` or `./x/index.ts`). */
export function importGraph(files: Map<string, string>): Graph {
  const edges: Graph['edges'] = new Map();
  const unresolved: string[] = [];
  for (const [file, src] of files) {
    const list: Array<ImportEdge & { to: string }> = [];
    for (const e of importsOf(src)) {
      if (!e.specifier.startsWith('.')) continue;
      const base = path.posix.join(path.posix.dirname(file), e.specifier).replace(/\.js$/, '');
      const to = [`${base}.ts`, `${base}/index.ts`].find((f) => files.has(f));
      if (to) list.push({ ...e, to });
      else unresolved.push(`${file}: ${e.specifier}`);
    }
    edges.set(file, list);
  }
  return { edges, unresolved };
}

/** One cycle per strongly connected group of files (Tarjan), each as a path back to its start. */
export function cycles(g: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let n = 0;
  const visit = (v: string) => {
    index.set(v, n);
    low.set(v, n++);
    stack.push(v);
    onStack.add(v);
    for (const { to } of g.edges.get(v) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    const selfLoop = (g.edges.get(v) ?? []).some((e) => e.to === v);
    if (group.length > 1 || selfLoop) groups.push(group);
  };
  for (const v of [...g.edges.keys()].sort()) if (!index.has(v)) visit(v);
  return groups.map((group) => pathBack(g, new Set(group), group.sort()[0]!));
}

/** A shortest path from `start` back to itself inside `group` (breadth first). */
function pathBack(g: Graph, group: Set<string>, start: string): string[] {
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const { to } of g.edges.get(v) ?? []) {
      if (!group.has(to)) continue;
      if (to === start) {
        const way = [start];
        for (let w = v; w !== start; w = from.get(w)!) way.splice(1, 0, w);
        return [...way, start];
      }
      if (!from.has(to)) {
        from.set(to, v);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

/** The chain of imports by which `file` reaches a file matching `bad`, if it does. */
export function reaches(g: Graph, file: string, bad: (f: string) => boolean): string[] | undefined {
  const from = new Map<string, string>([[file, '']]);
  const queue = [file];
  while (queue.length) {
    const v = queue.shift()!;
    if (v !== file && bad(v)) {
      const way = [v];
      for (let w = from.get(v)!; w !== ''; w = from.get(w)!) way.unshift(w);
      return way;
    }
    for (const { to } of g.edges.get(v) ?? [])
      if (!from.has(to)) {
        from.set(to, v);
        queue.push(to);
      }
  }
  return undefined;
}
