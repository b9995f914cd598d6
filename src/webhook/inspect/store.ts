import type { AcceptedEvent } from '../listener.js';
import { redactHeaders } from '../listener.js';

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

/** One kept event. The key it came with and its exact bytes stay here, never in the API. */
export interface Entry {
  readonly id: number;
  /** The body exactly as received: what a replay sends. */
  readonly raw: string;
  /** The x-api-key it carried (for a replay under --no-verify). */
  readonly key: string | undefined;
  /** The API object without `forward`, as JSON text (the body as the sender wrote it, key hidden). */
  readonly head: string;
  forward?: Delivery;
  json: string;
  bytes: number;
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

  constructor(
    readonly limits: StoreLimits,
    readonly forms: readonly string[],
    private readonly apiKey: string | undefined,
  ) {}

  get size(): number {
    return this.#entries.length;
  }

  add(ev: AcceptedEvent): Entry {
    const id = this.#nextId++;
    const headers = hideInJson(JSON.stringify(redactHeaders(ev.headers, this.apiKey)), this.forms);
    const given = ev.headers['x-api-key'];
    const head =
      `{"id":${id},"received_at":${JSON.stringify(ev.receivedAt.toISOString())},` +
      `"headers":${headers},"body":${hideInJson(ev.line, this.forms)}`;
    const entry: Entry = {
      id,
      raw: ev.raw,
      key: typeof given === 'string' ? given : undefined,
      head,
      json: `${head}}`,
      bytes: head.length + (ev.raw === ev.line ? 0 : ev.raw.length),
    };
    this.#entries.push(entry);
    this.#byId.set(id, entry);
    this.#bytes += entry.bytes;
    this.#trim();
    return entry;
  }

  /** Adds the receiver's answer to a kept event; false when the event was dropped meanwhile. */
  setForward(entry: Entry, d: Delivery): boolean {
    if (this.#byId.get(entry.id) !== entry) return false;
    entry.forward = keptDelivery(d, this.forms);
    entry.json = `${entry.head},"forward":${JSON.stringify(entry.forward)}}`;
    const bytes = entry.json.length + (entry.bytes - entry.head.length);
    this.#bytes += bytes - entry.bytes;
    entry.bytes = bytes;
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
