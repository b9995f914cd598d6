/** Small pure text helpers shared by the eval reports. */
import { safeText } from '../output/format.js';
import { wrapText } from '../output/wrap.js';

// What the shared safeText leaves: lone surrogates (a pair is one code point under /u and is kept).
const LONE_SURROGATE = /[\ud800-\udfff]/gu;

/** Text from outside (the API, a suite file, a judge) made safe for a terminal; newline and tab kept. */
export function escapeText(s: string): string {
  return safeText(s).replace(LONE_SURROGATE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One line: newlines and tabs shown as \n and \t, everything else escaped. */
export function oneLine(s: string): string {
  return escapeText(s.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t'));
}

/** A value quoted the way it was written in a suite: JSON quoting, then terminal-safe. */
export function quote(v: unknown): string {
  return escapeText(typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)));
}

/** A case name as a thread-id fragment: lowercase ASCII letters, digits and dashes. */
export function slugify(name: string, max = 40): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s || 'case';
}

/**
 * Escapes `text` and word-wraps it to `width` columns (0: no wrapping) with the shared wrapper;
 * lines after the first are indented by `hang` spaces, and the first is left for the caller to
 * prefix with a label of that width.
 */
export function wrap(text: string, width: number, hang: number): string {
  const pad = ' '.repeat(hang);
  return wrapText(escapeText(text.replace(/\r\n?/g, '\n').replace(/\t/g, '  ')), width, pad).slice(hang);
}

/** At most `max` characters of a long reply, saying how much was left out (the JSON has it all). */
export function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max
    ? s
    : `${chars.slice(0, max).join('')}… (${chars.length - max} more characters; --json has the whole reply)`;
}

/**
 * Bare URLs made inert for reports that a page renders (Markdown, JUnit): no renderer links
 * `https[:]//…` or `www[.]…`, and a reader still sees the address.
 */
export function inertLinks(s: string): string {
  return s.replace(/:\/\//g, '[:]//').replace(/www\./gi, (w) => `${w.slice(0, 3)}[.]`);
}
