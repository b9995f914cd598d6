/**
 * The one definition of what a terminal (or a page, or a report) must not receive raw from
 * outside: C0 and C1 controls, DEL, and the bidi overrides and isolates. Every escaper in the CLI
 * builds on these classes (Output through safeText/safeLine/safeJson, eval's reports, the
 * listener's --path check, the inspector page).
 */
const CLASS = '\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069';
const CLASS_BUT_NL_TAB = '\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069';
/** What JSON.stringify leaves raw inside strings that a terminal would act on. */
const CLASS_IN_JSON = '\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069';

/** A character class of the unsafe characters, for a RegExp source (`[${UNSAFE_CLASS}]`). */
export const UNSAFE_CLASS = CLASS;
/** The same, less newline and tab (multi-line text keeps them). */
export const UNSAFE_BUT_NL_TAB_CLASS = CLASS_BUT_NL_TAB;

const UNSAFE = new RegExp(`[${CLASS}]`);
const UNSAFE_ALL = new RegExp(`[${CLASS}]`, 'g');
const UNSAFE_BUT_NL_TAB = new RegExp(`[${CLASS_BUT_NL_TAB}]`, 'g');
const UNSAFE_BUT_NL_TAB_TEST = new RegExp(`[${CLASS_BUT_NL_TAB}]`);
const JSON_UNSAFE = new RegExp(`[${CLASS_IN_JSON}]`, 'g');

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from outside (API, webhook senders, files, arguments) made safe for a terminal, keeping
 * newlines and tabs (multi-line message bodies): every other control character, C1 included
 * (U+009B is a one-byte CSI), and the bidi overrides are shown as \xNN or \uNNNN.
 */
export function safeText(s: string): string {
  // Tested with the class it replaces: a body with a newline (most) is then left as it is.
  return UNSAFE_BUT_NL_TAB_TEST.test(s) ? s.replace(UNSAFE_BUT_NL_TAB, escapeChar) : s;
}

/** Like safeText, for text that must stay on one line (errors, hints, status lines): newlines are escaped too. */
export function safeLine(s: string): string {
  return UNSAFE.test(s) ? s.replace(UNSAFE_ALL, escapeChar) : s;
}

/**
 * JSON text for a terminal: JSON.stringify leaves DEL, C1 controls and bidi overrides raw inside
 * strings; they become \u escapes (those characters can only occur inside strings, so the JSON
 * stays valid and means the same).
 */
export function safeJson(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
