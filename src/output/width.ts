type Measure = (s: string) => number;
let measure: Measure | undefined;

/**
 * string-width, loaded on the first string that is not plain ASCII: at load it builds an
 * Intl.Segmenter (~10–20 ms here), which a command printing only ASCII should not pay. A require
 * (not an import) lets esbuild keep the module uninitialised in the bundle until this first call.
 */
function stringWidth(s: string): number {
  measure ??= (require('string-width') as { default: Measure }).default;
  return measure(s);
}

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
  return cutToWidth(s, width).text;
}

/**
 * `s` cut to at most `width` columns (ending with … when cut) and the columns it then takes.
 * Printable ASCII is cut and measured without string-width (loading it costs ~20 ms), although
 * the … it ends with is not ASCII.
 */
export function cutToWidth(s: string, width: number): { text: string; width: number } {
  if (/^[\x20-\x7e]*$/.test(s)) {
    if (s.length <= width) return { text: s, width: s.length };
    return width <= 0 ? { text: '', width: 0 } : { text: `${s.slice(0, width - 1)}…`, width };
  }
  const full = displayWidth(s);
  if (full <= width) return { text: s, width: full };
  if (width <= 0) return { text: '', width: 0 };
  let out = '';
  let w = 0;
  for (const g of graphemes(s)) {
    const gw = displayWidth(g);
    if (w + gw > width - 1) break;
    out += g;
    w += gw;
  }
  return { text: `${out}…`, width: w + 1 };
}
