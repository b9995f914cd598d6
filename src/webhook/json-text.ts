/**
 * JSON kept as the sender wrote it. JSON.parse + JSON.stringify rewrites numbers
 * (12345678901234567890 → 12345678901234567000, 1e400 → null, 1.10 → 1.1) and escapes; these work
 * on the text itself. Callers validate it with JSON.parse first.
 */

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index just past the string whose opening quote is at `i`. */
function skipString(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j += 2;
    else if (c === 0x22) return j + 1;
    else j++;
  }
  return n;
}

/**
 * Whitespace that may be insignificant: at either end, or beside a structural character (between
 * two tokens there is always one). A match inside a string ("a, b") only costs the full scan.
 */
const MAYBE_LOOSE = /^\s|\s$|[,:{}[\]]\s|\s[,:{}[\]]/;

/** Valid JSON text with the insignificant whitespace removed: one line, every other byte unchanged. */
export function compactJson(text: string): string {
  // Most senders send compact JSON: one native regex test instead of a scan in JavaScript.
  if (!MAYBE_LOOSE.test(text)) return text;
  const n = text.length;
  let out = '';
  let start = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = skipString(text, i);
    else if (isWs(c)) {
      out += text.slice(start, i);
      while (i < n && isWs(text.charCodeAt(i))) i++;
      start = i;
    } else i++;
  }
  return start === 0 ? text : out + text.slice(start);
}

/** Index just past the JSON value starting at `i` (no leading whitespace). */
function skipValue(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  if (c === 0x22) return skipString(text, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    let j = i;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 0x22) {
        j = skipString(text, j);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return n;
  }
  let j = i;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d === 0x2c || d === 0x7d || d === 0x5d || isWs(d)) break;
    j++;
  }
  return j;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && isWs(text.charCodeAt(i))) i++;
  return i;
}

/** The text of a top-level member's value in a JSON object (`{"a":…,"body":<this>}`), or undefined. */
export function memberText(text: string, key: string): string | undefined {
  let i = skipWs(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  i = skipWs(text, i + 1);
  while (i < text.length && text.charCodeAt(i) === 0x22) {
    const keyEnd = skipString(text, i);
    let name: unknown;
    try {
      name = JSON.parse(text.slice(i, keyEnd));
    } catch {
      return undefined;
    }
    i = skipWs(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    const start = skipWs(text, i + 1);
    const end = skipValue(text, start);
    if (name === key) return text.slice(start, end);
    i = skipWs(text, end);
    if (text.charCodeAt(i) !== 0x2c) return undefined;
    i = skipWs(text, i + 1);
  }
  return undefined;
}
