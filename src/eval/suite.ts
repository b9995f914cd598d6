/**
 * Suite files: YAML (or JSON, which YAML reads too) turned into checked cases. Every problem is
 * reported as `file:line:col: what is wrong`, all of them at once, before anything is sent.
 */
import fs from 'node:fs/promises';
import type { Document, Node, Pair } from 'yaml';
import { ExpectationError, parseExpectation, type Expectation } from './expectations.js';
import { quote, slugify } from './text.js';

export const DEFAULT_USER = 'gurusup-eval';

export interface Turn {
  /** 1-based position in the case. */
  index: number;
  send: string;
  agent: boolean;
  user: string;
  lang?: string;
  subject?: string;
  /** The reply recorded in production (eval init --from-thread), shown beside a failure. */
  reference?: string;
  expect: Expectation[];
}

export interface Case {
  name: string;
  /** Unique across the run: the thread fid is `eval-<slug>-<run-id>`. */
  slug: string;
  turns: Turn[];
}

export interface Suite {
  name: string;
  file: string;
  cases: Case[];
}

export interface LoadProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** `file:line:col: problem`; a file that could not be read at all has no line (line 0): `file: problem`. */
export function formatProblem(p: LoadProblem): string {
  return p.line > 0 ? `${p.file}:${p.line}:${p.col}: ${p.message}` : `${p.file}: ${p.message}`;
}

type Yaml = typeof import('../vendor/yaml.js');

/** A value that could not be read; its problem is already reported. */
const INVALID = Symbol('invalid');

/** Alias uses followed while reading a suite's structure: anchors are for reuse, not for a billion laughs. */
export const MAX_ALIAS_USES = 10_000;

const SUITE_KEYS = ['name', 'description', 'user', 'lang', 'cases'];
const CASE_KEYS = ['name', 'description', 'user', 'lang', 'turns'];
const TURN_KEYS = ['send', 'expect', 'agent', 'user', 'lang', 'subject', 'reference'];

/** The suite's name when it has none: the file name without its extension. */
export function nameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(eval\.)?(ya?ml|json)$/i, '') || base;
}

/** Parses one suite's text. Pure apart from the YAML library it is handed. */
export function parseSuite(y: Yaml, file: string, text: string): { suite?: Suite; problems: LoadProblem[] } {
  const lc = new y.LineCounter();
  const problems: LoadProblem[] = [];
  const doc = y.parseDocument(text.replace(/^\uFEFF/, ''), {
    lineCounter: lc,
    prettyErrors: false,
    uniqueKeys: true,
  }) as Document.Parsed;
  let bombed = false;
  const at = (offset: number | undefined, message: string) => {
    if (bombed) return;
    const { line, col } = lc.linePos(offset ?? 0);
    problems.push({ file, line: Math.max(line, 1), col: Math.max(col, 1), message });
  };
  const nodeAt = (n: Node | null | undefined, message: string, fallback?: number) =>
    at(n?.range?.[0] ?? fallback, message);
  for (const e of doc.errors) at(e.pos[0], e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
  if (problems.length) return { problems };

  const root = doc.contents;
  if (!y.isMap(root)) {
    nodeAt(root, 'a suite is a mapping with cases: (see gurusup eval init for a starter suite)');
    return { problems };
  }
  // toJS resolves aliases: an unknown one, or an alias bomb (the library caps the count), is a
  // problem at that node, never an internal error.
  const js = (n: Node | null | undefined): unknown => {
    if (!n) return null;
    try {
      return n.toJS(doc, { maxAliasCount: 1000 });
    } catch (err) {
      nodeAt(n, (err as Error).message.split('\n')[0]!);
      return INVALID;
    }
  };
  // An alias (*name) stands for the node its anchor (&name) is on: lists, cases, turns and
  // expectations may be reused that way, as the x- keys invite.
  let anchored: Node[] | undefined;
  let aliasUses = 0;
  const deref = (n: unknown): Node | null | undefined => {
    if (!y.isAlias(n)) return n as Node | null | undefined;
    if (++aliasUses > MAX_ALIAS_USES) {
      at(n.range?.[0], `more than ${MAX_ALIAS_USES} uses of aliases; a suite does not need that many`);
      bombed = true;
      return null;
    }
    if (!anchored) {
      const found: Node[] = [];
      y.visit(doc, {
        Node: (_k, node) =>
          void ((y.isAlias(node) || (node as { anchor?: string }).anchor) && found.push(node as Node)),
      });
      anchored = found;
    }
    // The last node with that anchor before the alias, as YAML defines it.
    let target: Node | undefined;
    for (const node of anchored) {
      if (node === n) break;
      if ((node as { anchor?: string }).anchor === n.source) target = node;
    }
    if (!target) nodeAt(n, `unknown alias *${n.source} (an anchor &${n.source} must come before it)`);
    return target ?? null;
  };
  const keyName = (p: Pair): string => (y.isScalar(p.key) ? String(p.key.value) : String(js(p.key as Node)));
  const keyOffset = (p: Pair): number | undefined => (p.key as Node | null)?.range?.[0];

  /** The pairs of a mapping, unknown keys reported; returns name → pair. */
  const fields = (map: Node, allowed: string[], what: string): Map<string, Pair> => {
    const out = new Map<string, Pair>();
    if (!y.isMap(map)) return out;
    for (const p of map.items as Pair[]) {
      const k = keyName(p);
      // x-… keys are the user's own (anchors to reuse with aliases, notes): ignored, as in Compose files.
      if (k.startsWith('x-')) continue;
      if (!allowed.includes(k)) at(keyOffset(p), `unknown key ${quote(k)} in ${what}; allowed: ${allowed.join(', ')}`);
      else out.set(k, p);
    }
    return out;
  };
  const str = (p: Pair | undefined, what: string, opts: { nonEmpty?: boolean } = {}): string | undefined => {
    if (!p) return undefined;
    const v = js(p.value as Node);
    if (v === INVALID) return undefined;
    if (typeof v !== 'string' || (opts.nonEmpty && !v.trim())) {
      nodeAt(
        p.value as Node,
        `${what} needs ${opts.nonEmpty ? 'a non-empty' : 'a'} string, got ${describeValue(v)}`,
        keyOffset(p),
      );
      return undefined;
    }
    return v;
  };
  const bool = (p: Pair | undefined, what: string): boolean | undefined => {
    if (!p) return undefined;
    const v = js(p.value as Node);
    if (v === INVALID) return undefined;
    if (typeof v !== 'boolean') {
      nodeAt(p.value as Node, `${what} needs true or false, got ${describeValue(v)}`, keyOffset(p));
      return undefined;
    }
    return v;
  };

  const top = fields(root, SUITE_KEYS, 'the suite');
  const suiteName = str(top.get('name'), 'name', { nonEmpty: true }) ?? nameFromFile(file);
  const suiteUser = str(top.get('user'), 'user', { nonEmpty: true }) ?? DEFAULT_USER;
  const suiteLang = str(top.get('lang'), 'lang', { nonEmpty: true });
  const casesPair = top.get('cases');
  const casesNode = casesPair && deref(casesPair.value);
  const cases: Case[] = [];
  if (!casesPair) at(root.range?.[0], 'the suite has no cases: add a cases: list');
  else if (!y.isSeq(casesNode) || casesNode.items.length === 0) {
    nodeAt(casesPair.value as Node, 'cases needs a non-empty list of cases', keyOffset(casesPair));
  } else {
    const seen = new Map<string, number>();
    casesNode.items.forEach((item, ci) => {
      const node = deref(item);
      if (!y.isMap(node))
        return nodeAt(
          item as Node,
          `case ${ci + 1} needs to be a mapping with name: and turns:, got ${describeValue(js(node))}`,
          keyOffset(casesPair),
        );
      const f = fields(node, CASE_KEYS, 'a case');
      const name = f.has('name')
        ? str(f.get('name'), 'name', { nonEmpty: true })
        : (nodeAt(node, `case ${ci + 1} has no name:`), undefined);
      if (name !== undefined) {
        const line = lc.linePos(keyOffset(f.get('name')!) ?? 0).line;
        if (seen.has(name))
          nodeAt(
            f.get('name')!.value as Node,
            `two cases are named ${quote(name)} (the other is on line ${seen.get(name)})`,
          );
        else seen.set(name, line);
      }
      const user = str(f.get('user'), 'user', { nonEmpty: true }) ?? suiteUser;
      const lang = str(f.get('lang'), 'lang', { nonEmpty: true }) ?? suiteLang;
      const turnsPair = f.get('turns');
      const turnsNode = turnsPair && deref(turnsPair.value);
      const turns: Turn[] = [];
      if (!turnsPair)
        nodeAt(node, `case ${quote(name ?? String(ci + 1))} has no turns: add a turns: list with send: and expect:`);
      else if (!y.isSeq(turnsNode) || turnsNode.items.length === 0) {
        nodeAt(
          turnsPair.value as Node,
          'turns needs a non-empty list of turns (each with send:)',
          keyOffset(turnsPair),
        );
      } else {
        turnsNode.items.forEach((tItem, ti) => {
          const tn = deref(tItem);
          if (!y.isMap(tn))
            return nodeAt(
              tItem as Node,
              `turn ${ti + 1} needs to be a mapping with send: and expect:, got ${describeValue(js(tn))}`,
              keyOffset(turnsPair),
            );
          const tf = fields(tn, TURN_KEYS, 'a turn');
          const send = tf.has('send')
            ? str(tf.get('send'), 'send', { nonEmpty: true })
            : (nodeAt(tn, `turn ${ti + 1} has no send: (the message to send)`), undefined);
          const turn: Turn = {
            index: ti + 1,
            send: send ?? '',
            agent: bool(tf.get('agent'), 'agent') ?? false,
            user: str(tf.get('user'), 'user', { nonEmpty: true }) ?? user,
            lang: str(tf.get('lang'), 'lang', { nonEmpty: true }) ?? lang,
            subject: str(tf.get('subject'), 'subject'),
            reference: str(tf.get('reference'), 'reference'),
            expect: [],
          };
          const ep = tf.get('expect');
          const epNode = ep && deref(ep.value);
          if (ep && !(y.isScalar(epNode) && epNode.value === null)) {
            if (!y.isSeq(epNode))
              nodeAt(
                ep.value as Node,
                `expect needs a list (each item like - contains: "text"), got ${describeValue(js(epNode))}`,
                keyOffset(ep),
              );
            else {
              for (const eItem of epNode.items) {
                const en = deref(eItem);
                if (!y.isMap(en)) {
                  nodeAt(
                    eItem as Node,
                    `an expectation is a mapping like contains: "text", got ${describeValue(js(en))}`,
                  );
                  continue;
                }
                if (en.items.length === 0) nodeAt(en, 'an empty expectation: write it like contains: "text"');
                for (const p of en.items as Pair[]) {
                  const value = js(p.value as Node);
                  if (value === INVALID) continue;
                  try {
                    turn.expect.push(parseExpectation(keyName(p), value));
                  } catch (err) {
                    if (!(err instanceof ExpectationError)) throw err;
                    if (err.at === 'key') at(keyOffset(p), err.message);
                    else nodeAt(p.value as Node, err.message, keyOffset(p));
                  }
                }
              }
            }
          }
          turns.push(turn);
        });
      }
      cases.push({ name: name ?? '', slug: '', turns });
    });
  }
  if (problems.length) return { problems };
  return { suite: { name: suiteName, file, cases }, problems };
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string')
    return v.trim() ? `the string ${quote(v.length > 40 ? `${v.slice(0, 40)}…` : v)}` : 'an empty string';
  return `${typeof v} ${quote(v)}`;
}

/** Gives every case a slug unique across all suites of the run. */
export function assignSlugs(suites: Suite[]): void {
  const used = new Set<string>();
  for (const s of suites) {
    for (const c of s.cases) {
      const base = slugify(c.name);
      let slug = base;
      for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
      used.add(slug);
      c.slug = slug;
    }
  }
}

/** A suite is a text file people write: anything larger (or endless, like /dev/zero) is not one. */
export const MAX_SUITE_BYTES = 16 * 1024 * 1024;

/** Reads at most MAX_SUITE_BYTES (a FIFO or <(…) works too); more is an EFBIG error. */
async function readSuiteFile(file: string): Promise<string> {
  const fh = await fs.open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (!bytesRead) break;
      total += bytesRead;
      if (total > MAX_SUITE_BYTES) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
      chunks.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** Reads and parses every file; problems from all of them, or the suites. */
export async function loadSuites(files: readonly string[]): Promise<{ suites: Suite[]; problems: LoadProblem[] }> {
  const y = await import('../vendor/yaml.js');
  const suites: Suite[] = [];
  const problems: LoadProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      const st = await fs.stat(file);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      text = await readSuiteFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EISDIR'
            ? 'is a directory, not a suite file'
            : code === 'EACCES'
              ? 'permission denied'
              : code === 'EFBIG'
                ? `larger than ${MAX_SUITE_BYTES / 1024 / 1024} MiB, so not a suite file`
                : (err as Error).message;
      // Missing, a directory or forbidden: no line to point at. Too large: its first line is.
      const at = code === 'EFBIG' ? 1 : 0;
      problems.push({ file, line: at, col: at, message: `cannot read the suite: ${why}` });
      continue;
    }
    const r = parseSuite(y, file, text);
    problems.push(...r.problems);
    if (r.suite) suites.push(r.suite);
  }
  if (!problems.length) assignSlugs(suites);
  return { suites, problems };
}
