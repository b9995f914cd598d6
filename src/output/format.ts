/** Pure formatters: data in, strings out. */
import type { TableOptions } from './table.js';
import { relativeTime } from './time.js';
import { wrapText } from './wrap.js';
import { displayWidth } from './width.js';

export function maskKey(key: string): string {
  if (key.length <= 12) return '****';
  return `${key.slice(0, 4)}…${key.slice(-4)}`;
}

/** Escapes backslash, tab, CR and LF so every TSV row keeps its columns. */
export function tsvField(value: unknown): string {
  const s =
    value === undefined || value === null
      ? ''
      : typeof value === 'string'
        ? value
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  if (!/[\\\t\r\n]/.test(s)) return s;
  return s.replace(/[\\\t\r\n]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : '\\n'));
}

import { safeJson, safeLine, safeText } from './escape.js';
export { safeJson, safeLine, safeText };

export function tsvRow(fields: readonly unknown[]): string {
  return fields.map(tsvField).join('\t');
}

type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `--json a,b`: keep the named fields in order, null when missing; per element for arrays. */
export function pickFields(value: unknown, fields: readonly string[] | undefined): unknown {
  if (!fields || fields.length === 0) return value;
  const pick = (o: unknown): unknown => {
    if (!isObject(o)) return o;
    // A null-prototype object and own properties only: `__proto__`, `toString`… are fields like any other.
    const out: Obj = Object.create(null) as Obj;
    for (const f of fields) out[f] = Object.hasOwn(o, f) ? o[f] : null;
    return out;
  };
  return Array.isArray(value) ? value.map(pick) : pick(value);
}

export function parseFieldList(raw: string | boolean | undefined): string[] | undefined {
  if (typeof raw !== 'string') return undefined;
  const fields = raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return fields.length ? fields : undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function firstStr(o: Obj, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = str(o[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

export const TIME_KEYS = ['created_at', 'createdAt', 'timestamp', 'date', 'updated_at', 'updatedAt'] as const;

export function messageTime(m: Obj): string {
  return firstStr(m, TIME_KEYS) ?? '';
}

// The rule lives in src/model/sender.ts; re-exported for the renderers here and their callers.
export { senderOf, threadCustomer, type Sender } from '../model/sender.js';
import { senderOf, threadCustomer } from '../model/sender.js';

export function messageCount(t: Obj): number | undefined {
  for (const k of ['message_count', 'messages_count', 'messageCount'])
    if (typeof t[k] === 'number') return t[k] as number;
  if (Array.isArray(t.messages)) return t.messages.length;
  return undefined;
}

export interface ThreadColumns {
  header: string[];
  row: (t: Obj, hash: string) => string[];
  /** The same cells as one TSV line (escaped), built without the arrays: 100,000 rows piped. */
  tsv: (t: Obj, hash: string) => string;
  /** For renderTable on a terminal: what may be cut, and what is dropped first when cutting is not enough. */
  table: TableOptions;
}

/**
 * `threads list` on a narrow terminal: updated goes first, then messages, then user, then hash.
 * A hash or a time cut short is of no use, so those are shown whole or not at all.
 */
/**
 * The thread_fid is what users copy into `threads show`: never cut, never dropped. The hash (the
 * CLI can compute it) goes first, then the time, the count and the user (contract, "On a terminal").
 */
export const THREAD_TABLE: TableOptions = {
  drop: ['HASH', 'UPDATED', 'MESSAGES', 'USER'],
  whole: ['THREAD_FID'],
  min: { HASH: 32, SUBJECT: 20, USER: 8, UPDATED: Number.POSITIVE_INFINITY },
  right: ['MESSAGES'],
};

const UPDATED_KEYS = ['updated_at', 'updatedAt', 'last_message_at'] as const;

/** Table columns: thread_fid and hash always, then whichever optional fields any thread carries. */
export function threadColumns(threads: readonly Obj[], o: { plain?: boolean } = {}): ThreadColumns {
  const has = (pred: (t: Obj) => boolean) => threads.some(pred);
  const subject = has((t) => str(t.subject) !== undefined);
  const user = has((t) => str(t.user_fid) !== undefined);
  const count = has((t) => messageCount(t) !== undefined);
  const updated = has((t) => firstStr(t, UPDATED_KEYS) !== undefined);
  const header = ['THREAD_FID', 'HASH'];
  if (subject) header.push('SUBJECT');
  if (user) header.push('USER');
  if (count) header.push('MESSAGES');
  if (updated) header.push('UPDATED');
  const row = (t: Obj, hash: string): string[] => {
    const cells = [str(t.thread_fid) ?? '', hash];
    if (subject) cells.push(str(t.subject) ?? '');
    if (user) cells.push(str(t.user_fid) ?? '');
    if (count) cells.push(String(messageCount(t) ?? ''));
    if (updated) cells.push(firstStr(t, UPDATED_KEYS) ?? '');
    return cells;
  };
  // `plain`: no string holds a tab, CR, LF or backslash, so nothing needs escaping. Joined rather
  // than concatenated: a joined line is one flat string, where `+=` leaves a tree of pieces per
  // line for the collector to copy until the final join.
  const esc = o.plain ? (v: string) => v : tsvField;
  const tsv = (t: Obj, hash: string): string => {
    const cells = [esc(str(t.thread_fid) ?? ''), hash];
    if (subject) cells.push(esc(str(t.subject) ?? ''));
    if (user) cells.push(esc(str(t.user_fid) ?? ''));
    if (count) cells.push(String(messageCount(t) ?? ''));
    if (updated) cells.push(esc(firstStr(t, UPDATED_KEYS) ?? ''));
    return cells.join('\t');
  };
  return { header, row, tsv, table: THREAD_TABLE };
}

/** Piped message line: time, sender, body (escaped); `customer` is the thread's (threadCustomer). */
export function messageTsv(m: Obj, customer?: string): string {
  return tsvRow([messageTime(m), senderOf(m, customer), m.body ?? '']);
}

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  cyan(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  magenta(s: string): string;
  red(s: string): string;
}

export const plainPaint: Paint = {
  bold: (s) => s,
  dim: (s) => s,
  cyan: (s) => s,
  green: (s) => s,
  yellow: (s) => s,
  magenta: (s) => s,
  red: (s) => s,
};

function senderLabel(m: Obj, p: Paint, customer?: string): string {
  const who = senderOf(m, customer);
  const user = str(m.user_fid);
  const label = who || 'unknown';
  const painted =
    who === 'customer'
      ? p.cyan(label)
      : who === 'agent'
        ? p.green(label)
        : who === 'system'
          ? p.magenta(label)
          : p.dim(label);
  // One line: a newline in a user_fid would start a forged message block.
  return user ? `${painted} ${p.dim(`(${safeLine(user)})`)}` : painted;
}

/**
 * How a terminal shows text from the API: times relative to `now` (absolute beyond 30 days), bodies
 * word-wrapped to `width` columns (0: not wrapped).
 */
export interface TextView {
  width: number;
  now?: number;
}

/** A body indented by two spaces, word-wrapped to the view's width; continuation lines indented alike. */
export function indentedBody(text: string, view?: TextView): string {
  if (view) return wrapText(text, view.width, '  ');
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/**
 * The most of one body a terminal is shown: a 50 MB reply took 40 s and 900 MB to word-wrap.
 * Piped and --json output are never cut.
 */
export const TERMINAL_BODY_MAX = 100_000;

/** `text` cut to TERMINAL_BODY_MAX characters (never inside a surrogate pair), saying what was left out. */
export function clipForTerminal(text: string, more: string): string {
  if (text.length <= TERMINAL_BODY_MAX) return text;
  const code = text.charCodeAt(TERMINAL_BODY_MAX - 1);
  const cut = code >= 0xd800 && code <= 0xdbff ? TERMINAL_BODY_MAX - 1 : TERMINAL_BODY_MAX;
  return `${text.slice(0, cut)}\n… ${text.length - cut} more characters (${more})`;
}

export function messageBlock(m: Obj, p: Paint, view?: TextView, customer?: string): string {
  const raw = messageTime(m);
  const time = raw && view ? relativeTime(raw, view.now) : raw;
  const head = `${senderLabel(m, p, customer)}${time ? `  ${p.dim(safeLine(time))}` : ''}`;
  const text = typeof m.body === 'string' ? m.body : m.body === undefined ? '' : JSON.stringify(m.body);
  const body = safeText(view ? clipForTerminal(text, '--json for all') : text);
  return `${head}\n${indentedBody(body, view)}\n`;
}

export function transcript(thread: Obj, hash: string, p: Paint, view?: TextView): string {
  let out = '';
  writeTranscript(thread, hash, p, view, (s) => (out += s));
  return out;
}

/** Past this many characters the transcript is handed on, so its pieces die young (cheap to collect). */
const TRANSCRIPT_CHUNK = 64 * 1024;

/**
 * The transcript, handed to `emit` in pieces of ~64 KB as it is built: 5,000 messages built into
 * one string keep ~100,000 small strings alive until the end, and copying them from one young
 * generation to the next was a third of `threads show`'s time (BENCHMARKS.md).
 */
export function writeTranscript(
  thread: Obj,
  hash: string,
  p: Paint,
  view: TextView | undefined,
  emit: (s: string) => void,
): void {
  const lines: string[] = [];
  const fid = safeLine(str(thread.thread_fid) ?? '');
  // On a narrow terminal the hash goes on a line of its own rather than wrapping.
  const together = !view || view.width <= 0 || displayWidth(`thread ${fid}  hash ${hash}`) <= view.width;
  lines.push(`${p.bold('thread')} ${fid}${together ? '  ' : '\n'}${p.dim(`hash ${hash}`)}`);
  const subject = str(thread.subject);
  if (subject) {
    const text = safeLine(subject);
    const wrapped = view && view.width > 0 ? wrapText(text, view.width, ' '.repeat(8)).slice(8) : text;
    lines.push(`${p.bold('subject')} ${wrapped}`);
  }
  const messages = Array.isArray(thread.messages) ? thread.messages.filter(isObject) : [];
  lines.push(p.dim(`${messages.length} message${messages.length === 1 ? '' : 's'}`));
  let out = `${lines.join('\n')}\n`;
  const customer = threadCustomer(thread, messages);
  for (const m of messages) {
    out += `\n${messageBlock(m, p, view, customer)}`;
    if (out.length >= TRANSCRIPT_CHUNK) {
      emit(out);
      out = '';
    }
  }
  if (out) emit(out);
}
