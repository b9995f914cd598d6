/**
 * Generic output helpers: data in, strings out (TSV, `--json a,b`, key masking, paint, bodies on a
 * terminal). What Gurusup's objects mean, and how a thread or message is shown, is in src/model/.
 */
import { wrapText } from './wrap.js';

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
