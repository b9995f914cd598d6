/**
 * Expectations on a reply: parsed from a suite (with errors the loader places at a line and
 * column) and checked by small pure functions. `judge` is only parsed here; judge.ts runs it.
 */
import vm from 'node:vm';
import { quote } from './text.js';

export type TextKind = 'contains' | 'icontains' | 'equals' | 'regex' | 'contains_any' | 'contains_all' | 'field';
export type Kind = TextKind | 'min_length' | 'max_length' | 'latency_ms' | 'no_reply' | 'judge';

export const KINDS: readonly Kind[] = [
  'contains',
  'icontains',
  'equals',
  'regex',
  'contains_any',
  'contains_all',
  'min_length',
  'max_length',
  'latency_ms',
  'field',
  'no_reply',
  'judge',
];
/** The kinds the `not-` prefix applies to. */
export const NEGATABLE: readonly TextKind[] = [
  'contains',
  'icontains',
  'equals',
  'regex',
  'contains_any',
  'contains_all',
  'field',
];

export type Expectation =
  | { kind: 'contains' | 'icontains' | 'equals'; negated: boolean; text: string }
  | { kind: 'regex'; negated: boolean; source: string; re: RegExp }
  | { kind: 'contains_any' | 'contains_all'; negated: boolean; list: string[] }
  | { kind: 'min_length' | 'max_length' | 'latency_ms'; negated: false; n: number }
  | { kind: 'field'; negated: boolean; name: string; op: 'equals' | 'contains' | 'regex'; value: unknown; re?: RegExp }
  | { kind: 'no_reply'; negated: false; want: boolean }
  | { kind: 'judge'; negated: false; criteria: string };

/** What a check looks at: the reply object (undefined when none came), its body, how long it took. */
export interface Reply {
  message: Record<string, unknown> | undefined;
  body: string | undefined;
  latencyMs: number;
}

export type Status = 'passed' | 'failed' | 'errored' | 'skipped';

export interface Outcome {
  status: Status;
  /** Why it failed, errored or was skipped; empty when it passed. */
  message: string;
}

/** A problem in how an expectation is written; `at` says whether the key or the value is wrong. */
export class ExpectationError extends Error {
  constructor(
    message: string,
    readonly at: 'key' | 'value' = 'value',
  ) {
    super(message);
  }
}

/**
 * `/…/flags` (flags from dgimsuvy) or a bare JavaScript pattern; `g` and `y` are dropped (they
 * make test() stateful). A value that looks like the flags form but has a letter that is not a
 * flag ("/refund/I", "/a/gq") is an error, never a pattern that silently fails to match (which
 * would make its not-regex pass): a bare pattern with slashes escapes them ("\\/a\\/b").
 */
export function parseRegex(raw: string): RegExp {
  const m = /^\/(.*)\/([A-Za-z]*)$/s.exec(raw);
  const [source, flags] = m ? [m[1]!, m[2]!] : [raw, ''];
  const bad = [...flags].find((f) => !'dgimsuvy'.includes(f));
  if (bad !== undefined)
    throw new ExpectationError(
      `invalid regular expression ${quote(raw)}: unknown flag ${quote(bad)} (the flags are d, g, i, m, s, u, v, y); to match slashes as text, escape them: \\/`,
    );
  try {
    return new RegExp(source, flags.replace(/[gy]/g, ''));
  } catch (err) {
    throw new ExpectationError(
      `invalid regular expression ${quote(raw)}: ${(err as Error).message.replace(/^Invalid regular expression: /, '').replace(/^\/.*\/[a-z]*: /s, '')}`,
    );
  }
}

/** How long one regex may run on one reply: a catastrophic pattern must not hang the run. */
export const REGEX_TIMEOUT_MS = 1000;
let regexRealm: vm.Context | undefined;
const regexScript = new vm.Script('re.exec(text)');

/** re.exec(text), stopped after REGEX_TIMEOUT_MS (V8 interrupts a backtracking match); throws RegexTimeout. */
export function execWithin(re: RegExp, text: string, timeoutMs = REGEX_TIMEOUT_MS): RegExpExecArray | null {
  regexRealm ??= vm.createContext({});
  regexRealm.re = re;
  regexRealm.text = text;
  try {
    return regexScript.runInContext(regexRealm, { timeout: timeoutMs }) as RegExpExecArray | null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new RegexTimeout(timeoutMs);
    throw err;
  } finally {
    regexRealm.re = undefined;
    regexRealm.text = undefined;
  }
}

export class RegexTimeout extends Error {
  constructor(readonly ms: number) {
    super(
      `the regular expression ran for over ${ms / 1000} s on this reply (catastrophic backtracking: simplify it, e.g. no nested quantifiers like (a+)+)`,
    );
  }
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}

function needString(key: string, v: unknown): string {
  if (typeof v !== 'string') throw new ExpectationError(`${key} needs a string, got ${typeName(v)}`);
  return v;
}

function needCount(key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ExpectationError(
      `${key} needs a number of 0 or more, got ${typeof v === 'number' ? String(v) : typeName(v)}`,
    );
  return v;
}

/** Parses one `key: value` of an expectation list. Throws ExpectationError. */
export function parseExpectation(key: string, value: unknown): Expectation {
  const negated = key.startsWith('not-');
  const kind = (negated ? key.slice(4) : key) as Kind;
  if (!KINDS.includes(kind)) {
    const hint = closest(kind, KINDS);
    throw new ExpectationError(
      `unknown expectation ${quote(key)}${hint ? ` (did you mean ${negated ? 'not-' : ''}${hint}?)` : ''}; known: ${KINDS.join(', ')}, and not- before ${NEGATABLE.join(', ')}`,
      'key',
    );
  }
  if (negated && !(NEGATABLE as readonly string[]).includes(kind))
    throw new ExpectationError(`not- does not apply to ${kind}; it applies to ${NEGATABLE.join(', ')}`, 'key');
  switch (kind) {
    case 'contains':
    case 'icontains':
    case 'equals':
      return { kind, negated, text: needString(key, value) };
    case 'regex':
      return { kind, negated, source: needString(key, value), re: parseRegex(value as string) };
    case 'contains_any':
    case 'contains_all':
      if (!Array.isArray(value) || value.length === 0 || !value.every((x) => typeof x === 'string')) {
        throw new ExpectationError(
          `${key} needs a non-empty list of strings, got ${Array.isArray(value) ? (value.length ? 'a list with a non-string item' : 'an empty list') : typeName(value)}`,
        );
      }
      return { kind, negated, list: value as string[] };
    case 'min_length':
    case 'max_length':
    case 'latency_ms':
      return { kind, negated: false, n: needCount(key, value) };
    case 'no_reply':
      if (typeof value !== 'boolean')
        throw new ExpectationError(`no_reply needs true or false, got ${typeName(value)}`);
      return { kind, negated: false, want: value };
    case 'judge':
      if (typeof value !== 'string' || !value.trim())
        throw new ExpectationError(`judge needs the criteria as a non-empty string, got ${typeName(value)}`);
      return { kind, negated: false, criteria: value };
    case 'field': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new ExpectationError(`${key} needs a mapping {name, equals | contains | regex}, got ${typeName(value)}`);
      const o = value as Record<string, unknown>;
      const extra = Object.keys(o).filter((k) => !['name', 'equals', 'contains', 'regex'].includes(k));
      if (extra.length)
        throw new ExpectationError(
          `${key} has an unknown key ${quote(extra[0])}; it takes name and one of equals, contains, regex`,
        );
      if (typeof o.name !== 'string' || !o.name)
        throw new ExpectationError(`${key} needs name: the reply field to check`);
      const ops = (['equals', 'contains', 'regex'] as const).filter((k) => k in o);
      if (ops.length !== 1)
        throw new ExpectationError(`${key} needs exactly one of equals, contains, regex (found ${ops.length})`);
      const op = ops[0]!;
      if (op !== 'equals') needString(`${key} ${op}`, o[op]);
      return {
        kind,
        negated,
        name: o.name,
        op,
        value: o[op],
        re: op === 'regex' ? parseRegex(o[op] as string) : undefined,
      };
    }
  }
}

function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const o of options) {
    const d = distance(word, o);
    if (d < bestD) [best, bestD] = [o, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** How the expectation reads in a report: `not-icontains: "no puedo"`. */
export function describe(e: Expectation): string {
  const k = `${e.negated ? 'not-' : ''}${e.kind}`;
  switch (e.kind) {
    case 'contains':
    case 'icontains':
    case 'equals':
      return `${k}: ${quote(e.text)}`;
    case 'regex':
      return `${k}: ${quote(e.source)}`;
    case 'contains_any':
    case 'contains_all':
      return `${k}: [${e.list.map(quote).join(', ')}]`;
    case 'min_length':
    case 'max_length':
    case 'latency_ms':
      return `${k}: ${e.n}`;
    case 'field':
      return `${k}: {name: ${quote(e.name)}, ${e.op}: ${quote(e.value)}}`;
    case 'no_reply':
      return `${k}: ${e.want}`;
    case 'judge':
      return `${k}: ${quote(e.criteria)}`;
  }
}

const pass: Outcome = { status: 'passed', message: '' };
const fail = (message: string): Outcome => ({ status: 'failed', message });

/** `value` held (for the plain form) or did not (for not-); `what` says what was seen. */
function verdict(negated: boolean, held: boolean, positive: string, negative: string): Outcome {
  return held !== negated ? pass : fail(negated ? negative : positive);
}

export function lengthOf(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Reads `name` from the reply: a top-level key first, else a dotted path into nested objects. */
export function fieldOf(message: Record<string, unknown>, name: string): { found: boolean; value: unknown } {
  if (Object.hasOwn(message, name)) return { found: true, value: message[name] };
  let cur: unknown = message;
  for (const part of name.split('.')) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, part)) return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

function asText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

/** Equal as JSON, or as text when one side is a string and the other a number or boolean ("5" = 5). */
function sameValue(a: unknown, b: unknown): boolean {
  const scalar = (v: unknown) => typeof v === 'number' || typeof v === 'boolean';
  if ((typeof a === 'string' && scalar(b)) || (scalar(a) && typeof b === 'string')) return String(a) === String(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Checks one expectation against a reply. Pure; `judge` is skipped here (judge.ts runs it). */
export function check(e: Expectation, r: Reply): Outcome {
  try {
    return checkOne(e, r);
  } catch (err) {
    if (err instanceof RegexTimeout) return { status: 'errored', message: err.message };
    throw err;
  }
}

function checkOne(e: Expectation, r: Reply): Outcome {
  if (e.kind === 'no_reply') {
    const none = r.message === undefined;
    if (e.want) return none ? pass : fail('a reply came, but none was expected');
    return none ? fail('no reply came') : pass;
  }
  if (e.kind === 'latency_ms') {
    return r.latencyMs <= e.n ? pass : fail(`the reply took ${Math.round(r.latencyMs)} ms, over ${e.n} ms`);
  }
  if (r.message === undefined) return fail('no reply came');
  if (e.kind === 'judge') return { status: 'skipped', message: 'no judge command' };
  if (e.kind === 'field') {
    const { found, value } = fieldOf(r.message, e.name);
    if (!found) return e.negated ? pass : fail(`the reply has no field ${quote(e.name)}`);
    const shown = `${e.name} is ${quote(value)}`;
    if (e.op === 'equals')
      return verdict(e.negated, sameValue(value, e.value), `${shown}, not ${quote(e.value)}`, `${shown}`);
    const text = asText(value);
    if (e.op === 'contains')
      return verdict(
        e.negated,
        text.includes(String(e.value)),
        `${shown}, which does not contain ${quote(e.value)}`,
        `${shown}, which contains ${quote(e.value)}`,
      );
    return verdict(
      e.negated,
      execWithin(e.re!, text) !== null,
      `${shown}, which does not match ${quote(e.value)}`,
      `${shown}, which matches ${quote(e.value)}`,
    );
  }
  if (r.body === undefined) return fail('the reply has no text body');
  const body = r.body;
  switch (e.kind) {
    case 'contains':
      return verdict(
        e.negated,
        body.includes(e.text),
        `the reply does not contain ${quote(e.text)}`,
        `the reply contains ${quote(e.text)}`,
      );
    case 'icontains':
      return verdict(
        e.negated,
        body.toLocaleLowerCase().includes(e.text.toLocaleLowerCase()),
        `the reply does not contain ${quote(e.text)} (ignoring case)`,
        `the reply contains ${quote(e.text)} (ignoring case)`,
      );
    case 'equals':
      return verdict(
        e.negated,
        body === e.text,
        `the reply is not exactly ${quote(e.text)}`,
        `the reply is exactly ${quote(e.text)}`,
      );
    case 'regex': {
      const m = execWithin(e.re, body);
      return verdict(
        e.negated,
        m !== null,
        `the reply does not match ${quote(e.source)}`,
        `the reply matches ${quote(e.source)} (at ${quote(m?.[0] ?? '')})`,
      );
    }
    case 'contains_any': {
      const found = e.list.filter((s) => body.includes(s));
      return verdict(
        e.negated,
        found.length > 0,
        `the reply contains none of ${e.list.map(quote).join(', ')}`,
        `the reply contains ${found.map(quote).join(', ')}`,
      );
    }
    case 'contains_all': {
      const missing = e.list.filter((s) => !body.includes(s));
      return verdict(
        e.negated,
        missing.length === 0,
        `the reply lacks ${missing.map(quote).join(', ')}`,
        `the reply contains all of ${e.list.map(quote).join(', ')}`,
      );
    }
    case 'min_length': {
      const n = lengthOf(body);
      return n >= e.n ? pass : fail(`the reply has ${n} characters, fewer than ${e.n}`);
    }
    case 'max_length': {
      const n = lengthOf(body);
      return n <= e.n ? pass : fail(`the reply has ${n} characters, more than ${e.n}`);
    }
  }
}
