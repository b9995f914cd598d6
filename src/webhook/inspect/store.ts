import { redactHeaders } from '../listener.js';
import { headersFrom } from './headers.js';

/** What the receiver answered to a forward or a replay, as the JSON API gives it. */
export interface Delivery {
  /** null when nothing answered (connection refused, timeout): `error` says why. */
  status: number | null;
  latency_ms: number;
  response_body: string;
  error?: string;
  /** The response body was longer than RESPONSE_LIMIT and is cut there. */
  truncated?: boolean;
}

/** What the inspector keeps of an accepted event (the listener's AcceptedEvent has these). */
export interface Received {
  line: string;
  raw: string;
  receivedAt: Date;
  rawHeaders: readonly string[];
}

/**
 * One kept event. Its API text is made when first asked for (a list, a page's stream), not as it
 * arrives: a busy listener with no page open pays only for keeping it. The key it came with and
 * its exact bytes stay here, never in the API.
 */
export class Entry {
  forward?: Delivery;
  /** Text kept for it, counted against the store's maxBytes (the API text cached doubles it). */
  bytes: number;
  #json: string | undefined;

  constructor(
    readonly id: number,
    private readonly ev: Received,
    private readonly hide: { forms: readonly string[]; apiKey: string | undefined },
  ) {
    let headers = 0;
    for (const h of ev.rawHeaders) headers += h.length + 6;
    this.bytes = 2 * (ev.line.length + headers) + (ev.raw === ev.line ? 0 : ev.raw.length) + 200;
  }

  /** The body exactly as received: what a replay sends. */
  get raw(): string {
    return this.ev.raw;
  }

  /** The x-api-key it carried (a replay under --no-verify sends it). */
  get key(): string | undefined {
    const k = headersFrom(this.ev.rawHeaders)['x-api-key'];
    return typeof k === 'string' ? k : undefined;
  }

  /** The API object: `{id, received_at, headers, body, forward?}`, the body as the sender wrote it. */
  get json(): string {
    if (this.#json !== undefined) return this.#json;
    const { forms, apiKey } = this.hide;
    const headers = hideInJson(JSON.stringify(redactHeaders(headersFrom(this.ev.rawHeaders), apiKey)), forms);
    const head =
      `{"id":${this.id},"received_at":${JSON.stringify(this.ev.receivedAt.toISOString())},` +
      `"headers":${headers},"body":${hideInJson(this.ev.line, forms)}`;
    this.#json = this.forward ? `${head},"forward":${JSON.stringify(this.forward)}}` : `${head}}`;
    return this.#json;
  }

  setForward(d: Delivery): void {
    this.forward = d;
    this.#json = undefined;
    this.bytes += d.response_body.length + (d.error?.length ?? 0) + 60;
  }
}

/** A receiver's answer kept for the page: 64 KiB is plenty to read, and bounds memory. */
export const RESPONSE_LIMIT = 64 * 1024;

const HIDDEN = '[redacted]';

/**
 * Hides the key in JSON text: inside string tokens it becomes [redacted]; anywhere else (a key of
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
    out += hideIn(text.slice(q, j + 1), forms);
    i = j + 1;
  }
  return forms.some((f) => out.includes(f)) ? JSON.stringify('[hidden: it carries the API key]') : out;
}

export function hideIn(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(HIDDEN);
  return out;
}

/** The forms of the key that are hidden: as it is and percent-encoded; none for a short or no key. */
export function keyForms(key: string | undefined): string[] {
  if (!key || key.length < 4) return [];
  const encoded = encodeURIComponent(key);
  return encoded === key ? [key] : [key, encoded];
}

/** A delivery as kept: response cut to RESPONSE_LIMIT and the key hidden in it. */
export function keptDelivery(d: Delivery, forms: readonly string[]): Delivery {
  const long = d.response_body.length > RESPONSE_LIMIT;
  const out: Delivery = {
    status: d.status,
    latency_ms: d.latency_ms,
    response_body: hideIn(long ? d.response_body.slice(0, RESPONSE_LIMIT) : d.response_body, forms),
  };
  if (d.error !== undefined) out.error = hideIn(d.error, forms);
  if (long) out.truncated = true;
  return out;
}

export interface StoreLimits {
  maxEvents: number;
  /** Bytes of bodies, headers and responses kept, all events together. */
  maxBytes: number;
}

/**
 * The last events, oldest dropped first: at most maxEvents of them and maxBytes of text (a
 * thousand 1 MiB bodies would be a gigabyte), `dropped` counting those let go.
 */
export class EventStore {
  #entries: Entry[] = [];
  #byId = new Map<number, Entry>();
  #bytes = 0;
  #nextId = 1;
  dropped = 0;
  readonly #hide: { forms: readonly string[]; apiKey: string | undefined };

  constructor(
    readonly limits: StoreLimits,
    readonly forms: readonly string[],
    apiKey: string | undefined,
  ) {
    this.#hide = { forms, apiKey };
  }

  get size(): number {
    return this.#entries.length;
  }

  add(ev: Received): Entry {
    // A plain copy: the listener's event holds its request (and socket), which must not be kept.
    const kept = { line: ev.line, raw: ev.raw, receivedAt: ev.receivedAt, rawHeaders: ev.rawHeaders };
    const entry = new Entry(this.#nextId++, kept, this.#hide);
    this.#entries.push(entry);
    this.#byId.set(entry.id, entry);
    this.#bytes += entry.bytes;
    this.#trim();
    return entry;
  }

  /** Adds the receiver's answer to a kept event; false when the event was dropped meanwhile. */
  setForward(entry: Entry, d: Delivery): boolean {
    if (this.#byId.get(entry.id) !== entry) return false;
    const before = entry.bytes;
    entry.setForward(keptDelivery(d, this.forms));
    this.#bytes += entry.bytes - before;
    this.#trim();
    return true;
  }

  get(id: number): Entry | undefined {
    return this.#byId.get(id);
  }

  /** GET /api/events: newest first. */
  listJson(): string {
    const parts: string[] = [];
    for (let i = this.#entries.length - 1; i >= 0; i--) parts.push(this.#entries[i]!.json);
    return `[${parts.join(',')}]`;
  }

  #trim(): void {
    // The newest event is kept even when it alone passes maxBytes.
    while (
      this.#entries.length > this.limits.maxEvents ||
      (this.#entries.length > 1 && this.#bytes > this.limits.maxBytes)
    ) {
      const old = this.#entries.shift()!;
      this.#byId.delete(old.id);
      this.#bytes -= old.bytes;
      this.dropped++;
    }
  }
}
