/**
 * What must never be printed: the API key, and whatever a URL carries before its `@`. The one
 * redactor: Output applies it to everything it writes on stderr, and traces, errors, record
 * headers, verify and the listener use it or the functions below.
 */

/**
 * A URL's userinfo: after `scheme://`, up to the last `@` before the first `/`, `?`, `#`, `\` or
 * space, as the WHATWG parser splits it; and when there is one, on to the last `@` of the URL, so a
 * password holding an unescaped `/` (which the parser takes for the path) is hidden whole too.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#\\]*@(?:[^\s@]*@)*)/gi;
/** `user:pass@host` without a scheme (proxy variables are often written so). */
const BARE_USERINFO = /^(?![a-z][a-z0-9+.-]*:\/\/)[^\s/?#\\:@]+:[^\s]*@/i;
const hide = (m: string, scheme: string, info: string) => (info === '[redacted]@' ? m : `${scheme}[redacted]@`);

/**
 * The URL, or any text holding URLs, with every userinfo replaced whole: `http://[redacted]@host`.
 * A text that is one URL (no space) with a userinfo, or that the parser refuses, is hidden up to
 * its last @: whatever the password holds (tabs, # ? \\ /), none of it is shown.
 */
export function redactUserinfo(text: string): string {
  const one = /^([a-z][a-z0-9+.-]*:\/\/)?([^ ]*)@([^@ ]*)$/is.exec(text);
  if (one && (one[1] === undefined ? /^[^/?#\\@]*:/.test(one[2]!) : looksLikeUserinfo(text, one[1]))) {
    return `${one[1] ?? ''}[redacted]@${one[3]}`;
  }
  return text.replace(USERINFO, hide).replace(BARE_USERINFO, '[redacted]@');
}

/** A URL whose authority holds an @, or which does not parse at all. */
function looksLikeUserinfo(url: string, scheme: string): boolean {
  if (/^[^/?#\\ ]*@/.test(url.slice(scheme.length))) return true;
  try {
    new URL(url);
    return false;
  } catch {
    return true;
  }
}

/** decodeURIComponent, or undefined for a malformed percent escape (`%zz`, a lone `%`). */
export function decodeOrUndefined(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

const HIDDEN = '[redacted]';
const HIDDEN_BYTES = Buffer.from(HIDDEN);

/** Each of `forms` (longest first) in `text` replaced by [redacted]. */
export function hideForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(HIDDEN);
  return out;
}

/**
 * Hides secrets in JSON text: inside string tokens it becomes [redacted]; anywhere else (a key of
 * digits inside a number) the whole text is replaced, since no edit there keeps the JSON valid.
 */
export function hideInJson(text: string, forms: readonly string[]): string {
  if (!forms.some((f) => text.includes(f))) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const q = text.indexOf('"', i);
    if (q < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, q);
    let j = q + 1;
    while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
    out += hideForms(text.slice(q, j + 1), forms);
    i = j + 1;
  }
  return forms.some((f) => out.includes(f)) ? JSON.stringify('[hidden: it carries the API key]') : out;
}

/**
 * Whether every form can only occur inside a JSON string (it holds a character no number, literal
 * or punctuation has), so replacing it in raw JSON bytes keeps them valid JSON.
 */
export const onlyInJsonStrings = (forms: readonly string[]): boolean =>
  forms.every((f) => /[^0-9.eE+\-truefalsn\s,:[\]{}]/.test(f));

/** The forms a secret is hidden in: as it is, percent-encoded and JSON-escaped; longest first. */
export function secretForms(secret: string | undefined): readonly string[] {
  const r = new Redactor();
  r.add(secret);
  return r.forms;
}

export class Redactor {
  readonly #secrets = new Set<string>();
  /** Longest first, so a secret that contains another is hidden whole; made again after an add. */
  #sorted: string[] | undefined;

  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    this.#sorted = undefined;
    this.#secrets.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.#secrets.add(encoded);
    // As it reads inside a JSON string (a --json error line doubles a backslash).
    const json = JSON.stringify(secret).slice(1, -1);
    if (json !== secret) this.#secrets.add(json);
  }

  /**
   * A configured URL's secrets: its userinfo as written (also when the password holds a `/` the
   * parser would take as the path's start: everything up to the string's last `@`), and the
   * password as parsed and decoded.
   */
  addUrl(url: string | undefined): void {
    if (!url) return;
    // Up to the last @, tabs and all: the parser drops tabs and newlines, so only the text as
    // written can be matched.
    const raw = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^ ]*)@/is.exec(url.trim());
    if (raw?.[1]?.includes(':')) {
      this.add(raw[1]);
      this.add(raw[1].slice(raw[1].indexOf(':') + 1));
    }
    try {
      const u = new URL(url.includes('://') ? url : `http://${url}`);
      if (u.password) {
        this.add(u.password);
        this.add(decodeOrUndefined(u.password));
      }
    } catch {
      // not a URL: only what was written is hidden
    }
  }

  get size(): number {
    return this.#secrets.size;
  }

  /** Every form of every secret known, longest first (a secret that contains another is hidden whole). */
  get forms(): readonly string[] {
    return (this.#sorted ??= [...this.#secrets].sort((a, b) => b.length - a.length));
  }

  /** JSON text with the secrets known hidden, still valid JSON (hideInJson). */
  secretsInJson(text: string): string {
    return this.#secrets.size === 0 ? text : hideInJson(text, this.forms);
  }

  /** The secrets known (the key, configured passwords) hidden; other text left as it is: for data. */
  secrets(text: string): string {
    return this.#secrets.size === 0 ? text : hideForms(text, this.forms);
  }

  /** The secrets known, and any userinfo in a URL, whoever's it is: for lines the CLI writes itself. */
  apply(text: string): string {
    return this.secrets(text).replace(USERINFO, hide);
  }
}

/**
 * Hides secrets in a byte stream passed through as it arrives (`threads list --json` in a pipe):
 * a secret split across two chunks is still found, because the last bytes that could start one
 * are held back until the next chunk (or `end`).
 */
export class SecretFilter {
  readonly #forms: Buffer[];
  readonly #keep: number;
  #tail = Buffer.alloc(0);

  constructor(forms: readonly string[]) {
    this.#forms = forms.map((f) => Buffer.from(f));
    this.#keep = Math.max(0, ...this.#forms.map((f) => f.length - 1));
  }

  /** The bytes that can go out now, secrets replaced. */
  push(chunk: Buffer): Buffer[] {
    if (this.#forms.length === 0) return [chunk];
    const buf = this.#tail.length ? Buffer.concat([this.#tail, chunk]) : chunk;
    const out: Buffer[] = [];
    let from = 0;
    for (;;) {
      let at = -1;
      let len = 0;
      for (const f of this.#forms) {
        const i = buf.indexOf(f, from);
        if (i >= 0 && (at < 0 || i < at || (i === at && f.length > len))) [at, len] = [i, f.length];
      }
      if (at < 0) break;
      out.push(buf.subarray(from, at), HIDDEN_BYTES);
      from = at + len;
    }
    const hold = Math.max(from, buf.length - this.#keep);
    if (hold > from) out.push(buf.subarray(from, hold));
    this.#tail = Buffer.from(buf.subarray(hold));
    return out.filter((b) => b.length > 0);
  }

  /** What was held back, at the end of the stream. */
  end(): Buffer[] {
    const rest = this.#tail;
    this.#tail = Buffer.alloc(0);
    return rest.length ? [rest] : [];
  }
}
