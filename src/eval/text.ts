/** Small pure text helpers shared by the eval reports. */
import { displayWidth } from '../output/table.js';

// C0 (except newline and tab, handled by the caller), DEL, C1 (incl. U+009B), bidi overrides and
// isolates, and lone surrogates (a pair is one code point under /u and is kept).
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/gu;

/** Text from outside (the API, a suite file, a judge) made safe for a terminal. */
export function escapeText(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** One line: newlines and tabs shown as \n and \t, everything else escaped. */
export function oneLine(s: string): string {
  return escapeText(s.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t'));
}

/** A value quoted the way it was written in a suite: JSON quoting, then terminal-safe. */
export function quote(v: unknown): string {
  return escapeText(typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));
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
 * Word-wraps escaped text to `width` display columns; every line after the first is prefixed with
 * `indent` (the first line's prefix is the caller's). Width 0 means no wrapping. Existing newlines
 * are kept. Words longer than a line are cut.
 */
export function wrap(text: string, width: number, indent: string, firstWidth = width): string {
  const lines: string[] = [];
  const paragraphs = escapeText(text.replace(/\r\n?/g, '\n').replace(/\t/g, '  ')).split('\n');
  for (const para of paragraphs) {
    if (width <= 0) {
      lines.push(para);
      continue;
    }
    let line = '';
    let lineW = 0;
    const limit = () => (lines.length === 0 ? firstWidth : width) - (lines.length === 0 ? 0 : displayWidth(indent));
    const flush = () => {
      lines.push(line);
      line = '';
      lineW = 0;
    };
    for (const word of para.split(/ +/)) {
      const w = displayWidth(word);
      if (lineW > 0 && lineW + 1 + w > limit()) flush();
      if (w > limit() && limit() > 0) {
        // A word longer than the line: cut it by columns.
        for (const ch of word) {
          const cw = displayWidth(ch);
          if (lineW + cw > limit()) flush();
          line += ch;
          lineW += cw;
        }
        continue;
      }
      if (lineW > 0) {
        line += ' ';
        lineW += 1;
      }
      line += word;
      lineW += w;
    }
    lines.push(line);
  }
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`)).join('\n');
}
