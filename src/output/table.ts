import { safeText, tsvField } from './format.js';
import { cutToWidth, displayWidth } from './width.js';

export { displayWidth } from './width.js';

/** How a caller tells the renderer what matters; the renderer itself knows no column by name. */
export interface TableOptions {
  /**
   * Columns (by header) that may be dropped when cutting is not enough, least important first.
   * Columns not named here are never dropped while a named one is left.
   */
  drop?: readonly string[];
  /** The narrowest a column (by header) is cut to before a column is dropped; its full width for one that must not be cut. */
  min?: Readonly<Record<string, number>>;
  /** Columns (by header) never cut nor dropped, even when the row then overflows. */
  whole?: readonly string[];
  /** Columns (by header) to right-align; a column whose every non-empty cell is a number is right-aligned anyway. */
  right?: readonly string[];
}

const GAP = 2;
const NUMBER = /^[-+]?\d[\d,]*(\.\d+)?$/;

/** Which columns to show and how wide, so the row fits `maxWidth` (0: no limit). */
export function layout(
  header: readonly string[],
  natural: readonly number[],
  maxWidth: number,
  o: TableOptions,
  numeric: readonly boolean[],
): { show: number[]; widths: number[] } {
  const all = header.map((_, i) => i);
  if (maxWidth <= 0) return { show: all, widths: [...natural] };
  const total = (cols: number[], w: (i: number) => number) =>
    cols.reduce((a, i) => a + w(i), 0) + GAP * Math.max(0, cols.length - 1);
  const min = header.map((h, i) => {
    if (o.whole?.includes(h)) return natural[i]!;
    const declared = o.min?.[h];
    // A number cut short would be a different number: never cut one unless told.
    const fallback = numeric[i] ? natural[i]! : Math.max(6, displayWidth(h));
    return Math.min(natural[i]!, declared ?? fallback);
  });
  let show = all;
  for (const name of o.drop ?? []) {
    if (total(show, (i) => min[i]!) <= maxWidth) break;
    const k = header.indexOf(name);
    if (k >= 0 && show.length > 1) show = show.filter((i) => i !== k);
  }
  // Still too wide with every droppable column gone: cut anything, then drop from the right.
  const whole = (i: number) => o.whole?.includes(header[i]!) === true;
  if (total(show, (i) => min[i]!) > maxWidth) {
    for (const i of show) if (!whole(i)) min[i] = Math.min(min[i]!, 1);
    while (show.length > 1 && total(show, (i) => min[i]!) > maxWidth) {
      const last = [...show].reverse().find((i) => !whole(i));
      if (last === undefined) break;
      show = show.filter((i) => i !== last);
    }
  }
  const widths = [...natural];
  let over = total(show, (i) => widths[i]!) - maxWidth;
  // Take one column at a time from the widest, so the cut is shared out evenly.
  while (over > 0) {
    let widest = -1;
    for (const i of show) if (widths[i]! > min[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0) break;
    widths[widest]!--;
    over--;
  }
  if (over > 0 && show.length === 1 && !whole(show[0]!)) widths[show[0]!] = Math.max(1, maxWidth);
  return { show, widths };
}

/**
 * A borderless, gh-style table. Cells are escaped like TSV so a newline cannot break a row; with
 * `maxWidth`, columns are cut with … (widest first, down to their minimum) and then dropped in the
 * order `opts.drop` gives, so that no row is wider than the terminal. Widths are display columns
 * (emoji and East Asian wide characters 2, combining marks 0). Linear in the number of rows:
 * cli-table3 took 7.7 s for 10,000 rows here (BENCHMARKS.md).
 */
export function renderTable(
  header: string[],
  rows: string[][],
  bold: (s: string) => string,
  maxWidth = 0,
  opts: TableOptions = {},
): string {
  const cells = rows.map((r) => header.map((_, i) => safeText(tsvField(r[i] ?? ''))));
  const natural = header.map((h) => displayWidth(h));
  const numeric = header.map((h) => opts.right?.includes(h) ?? false);
  const seen = header.map(() => false);
  const allNumbers = header.map(() => true);
  for (const r of cells) {
    for (let i = 0; i < header.length; i++) {
      const c = r[i]!;
      natural[i] = Math.max(natural[i]!, displayWidth(c));
      if (c === '') continue;
      seen[i] = true;
      if (allNumbers[i] && !NUMBER.test(c)) allNumbers[i] = false;
    }
  }
  for (let i = 0; i < header.length; i++) if (seen[i] && allNumbers[i]) numeric[i] = true;
  const { show, widths } = layout(header, natural, Math.max(0, Math.floor(maxWidth)), opts, numeric);
  const line = (r: readonly string[], style?: (s: string) => string) => {
    let out = '';
    show.forEach((i, k) => {
      const { text: cell, width: used } = cutToWidth(r[i] ?? '', widths[i]!);
      const room = ' '.repeat(Math.max(0, widths[i]! - used));
      const styled = style ? style(cell) : cell;
      const last = k === show.length - 1;
      out += numeric[i] ? room + styled : last ? styled : styled + room;
      if (!last) out += ' '.repeat(GAP);
    });
    return out.trimEnd();
  };
  const parts = [line(header, bold)];
  for (const r of cells) parts.push(line(r));
  return `${parts.join('\n')}\n`;
}
