import type { Paint } from './format.js';

// A string (with its escapes), optionally followed by the colon that makes it a key; a number; a literal.
const TOKEN = /("(?:[^"\\\n]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

/**
 * Pretty-printed JSON coloured for a terminal, as `gh` does: keys cyan, strings green, numbers and
 * literals yellow. Only the tokens are painted, so the text is the same JSON once the colours are
 * removed (the input is already escaped: no control character is left to paint around).
 */
export function colourJson(json: string, p: Paint): string {
  return json.replace(TOKEN, (m, str: string | undefined, colon: string | undefined, num: string | undefined) => {
    if (str !== undefined) return colon !== undefined ? `${p.cyan(str)}${colon}` : p.green(str);
    if (num !== undefined) return p.yellow(num);
    return p.yellow(m);
  });
}
