import { displayWidth, graphemes } from './width.js';

/**
 * Word-wraps plain text (already escaped, no ANSI codes) to `width` columns. Every output line
 * starts with `indent`; existing newlines are kept; a word longer than a line is broken.
 */
export function wrapText(text: string, width: number, indent = ''): string {
  const room = Math.max(10, width - displayWidth(indent));
  if (width <= 0 || fitsAsIs(text, room)) return indent + text.replaceAll('\n', `\n${indent}`);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    if (width <= 0 || displayWidth(para) <= room) {
      out.push(indent + para);
      continue;
    }
    let line = '';
    let lineW = 0;
    const flush = () => {
      out.push(indent + line.trimEnd());
      line = '';
      lineW = 0;
    };
    for (const word of para.split(/(\s+)/)) {
      if (word === '') continue;
      const ww = displayWidth(word);
      if (/^\s+$/.test(word)) {
        if (lineW > 0 && lineW + ww <= room) {
          line += word;
          lineW += ww;
        }
        continue;
      }
      if (lineW > 0 && lineW + ww > room) flush();
      if (ww <= room) {
        line += word;
        lineW += ww;
        continue;
      }
      for (const g of pieces(word)) {
        const gw = displayWidth(g);
        if (lineW + gw > room) flush();
        line += g;
        lineW += gw;
      }
    }
    if (line !== '' || out.length === 0) flush();
  }
  return out.join('\n');
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** A word's graphemes, with each colour code kept whole (and zero columns wide) between them. */
function pieces(word: string): string[] {
  if (!word.includes('\u001b')) return graphemes(word);
  const out: string[] = [];
  let at = 0;
  for (const m of word.matchAll(ANSI)) {
    out.push(...graphemes(word.slice(at, m.index)), m[0]);
    at = m.index + m[0].length;
  }
  out.push(...graphemes(word.slice(at)));
  return out;
}

/**
 * Printable ASCII lines none longer than `room`: nothing to wrap. The common case (a transcript of
 * thousands of short messages), checked without splitting the text into lines and words.
 */
function fitsAsIs(text: string, room: number): boolean {
  if (!/^[\x20-\x7e\n]*$/.test(text)) return false;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (end - start > room) return false;
    if (nl < 0) return true;
    start = nl + 1;
  }
}

/**
 * One line for people, fitted to a terminal of `width` columns (0: not a terminal, left as it
 * is): wrapped at word boundaries, never left for the terminal to break mid-word, continuation
 * lines indented to sit under the text after `label` (`error: `). The label is painted after
 * fitting, since colour codes would count as columns. Ends with a newline.
 */
export function fitLine(text: string, width: number, label = '', paint: (s: string) => string = (x) => x): string {
  const head = label ? `${paint(label)} ` : '';
  const hang = label ? displayWidth(label) + 1 : 0;
  if (width <= 0 || (!text.includes('\n') && hang + displayWidth(text) <= width)) return `${head}${text}\n`;
  const pad = ' '.repeat(hang);
  const wrapped = text
    .split('\n')
    .map((l) => wrapText(l, width, pad))
    .join('\n');
  return `${head}${wrapped.slice(hang)}\n`;
}

/**
 * Lines already composed (and maybe painted) for a terminal of `width` columns (0: as they are):
 * a line too long is wrapped at word boundaries, its continuation indented by `hang` columns.
 */
export function fitText(text: string, width: number, hang = 0): string {
  if (width <= 0) return `${text}\n`;
  const pad = ' '.repeat(hang);
  const lines = text.split('\n').map((l) => (displayWidth(l) <= width ? l : wrapText(l, width, pad).slice(hang)));
  return `${lines.join('\n')}\n`;
}
