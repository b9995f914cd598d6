/**
 * What must never be printed: the API key, and passwords carried in URLs. One per Context, fed
 * when the key and base URL are resolved; Output applies it to everything it writes on stderr.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    this.#secrets.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.#secrets.add(encoded);
  }

  /** A URL's password (as written and decoded). */
  addUrl(url: string | undefined): void {
    if (!url) return;
    try {
      const u = new URL(url);
      if (u.password) {
        this.add(u.password);
        this.add(decodeURIComponent(u.password));
      }
    } catch {
      // not a URL: nothing to hide
    }
  }

  get size(): number {
    return this.#secrets.size;
  }

  apply(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is hidden whole.
    for (const s of [...this.#secrets].sort((a, b) => b.length - a.length))
      if (out.includes(s)) out = out.split(s).join('[redacted]');
    // Any user:password@ in a URL, whoever's it is (the user name is not secret).
    return out.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s/@:]+):(?!\[redacted\]@)[^\s/@]+@/gi, '$1:[redacted]@');
  }
}
