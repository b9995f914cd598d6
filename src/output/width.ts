import stringWidth from 'string-width';

/** Terminal columns a string takes: its length for printable ASCII, else string-width's measure. */
export function displayWidth(s: string): number {
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  return stringWidth(s);
}

let segmenter: Intl.Segmenter | undefined;

/** Grapheme clusters, so an emoji sequence or a base letter with its marks is never split. */
export function graphemes(s: string): string[] {
  if (/^[\x20-\x7e]*$/.test(s)) return s.split('');
  segmenter ??= new Intl.Segmenter();
  return Array.from(segmenter.segment(s), (g) => g.segment);
}

/** Cuts `s` to at most `width` columns, ending with … when cut. */
export function truncateToWidth(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let w = 0;
  for (const g of graphemes(s)) {
    const gw = displayWidth(g);
    if (w + gw > width - 1) break;
    out += g;
    w += gw;
  }
  return `${out}…`;
}
