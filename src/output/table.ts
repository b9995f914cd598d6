import { safeText, tsvField } from './format.js';

// East Asian wide and fullwidth ranges, and emoji: two terminal columns each.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const COMBINING = /[\u0300-\u036f\u200b-\u200f\ufe0f]/u;

/** Terminal columns a string takes (ASCII fast path). */
export function displayWidth(s: string): number {
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += COMBINING.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
  return w;
}

function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = COMBINING.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/**
 * A borderless, gh-style table. Cells are escaped like TSV so a newline cannot break a row; when
 * `maxWidth` is given, the widest columns after the first two (the fid and hash, which must stay
 * whole) are truncated with … to fit. Linear in the number of rows: cli-table3 took 7.7 s for
 * 10,000 rows here (BENCHMARKS.md).
 */
export function renderTable(header: string[], rows: string[][], bold: (s: string) => string, maxWidth = 0): string {
  const cells = rows.map((r) => r.map((c) => safeText(tsvField(c))));
  const widths = header.map((h) => displayWidth(h));
  for (const r of cells) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, displayWidth(r[i] ?? ''));
  const gap = 2;
  if (maxWidth > 0) {
    // Take one column at a time from the widest, so the cut is shared out evenly.
    let over = widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) - maxWidth;
    while (over > 0) {
      let widest = -1;
      for (let i = 2; i < widths.length; i++) if (widths[i]! > 8 && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      if (widest < 0) break;
      widths[widest]!--;
      over--;
    }
  }
  const line = (r: string[], style?: (s: string) => string) => {
    let out = '';
    for (let i = 0; i < widths.length; i++) {
      const cell = truncate(r[i] ?? '', widths[i]!);
      const pad = i === widths.length - 1 ? '' : ' '.repeat(widths[i]! - displayWidth(cell) + gap);
      out += (style ? style(cell) : cell) + pad;
    }
    return out.trimEnd();
  };
  const parts = [line(header, bold)];
  for (const r of cells) parts.push(line(r));
  return `${parts.join('\n')}\n`;
}
