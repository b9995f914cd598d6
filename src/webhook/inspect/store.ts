import { hideForms as hideIn, hideInJson, secretForms } from '../../output/redact.js';
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

/** What a kept event's API text is made from. */
interface Hide {
  forms: readonly string[];
}

/**
 * One kept event, in as few objects as will do: a busy listener keeps a thousand of them alive,
 * and every object kept is work for the garbage collector. Its API text is made when first asked
 * for (a list, a page's stream), not as it arrives. The key it came with and its exact bytes stay
 * here, never in the API.
 */
export class Entry {
  forward?: Delivery;
  /** Text kept for it, counted against the store's maxBytes (the API text cached doubles it). */
  bytes: number;
  #json: string | undefined;
  readonly #line: string;
  /** The body as received when it differs from the line (whitespace), else undefined. */
  readonly #raw: string | undefined;
  /** The raw header lines, names and values joined by newlines (which no header can hold). */
  readonly #headers: string;
  readonly #at: number;

  constructor(
    readonly id: number,
    ev: Received,
    private readonly hide: Hide,
  ) {
    this.#line = ev.line;
    this.#raw = ev.raw === ev.line ? undefined : ev.raw;
    this.#headers = ev.rawHeaders.join('\n');
    this.#at = ev.receivedAt.getTime();
    this.bytes = 2 * (ev.line.length + this.#headers.length) + (this.#raw?.length ?? 0) + 200;
  }

  /** The body exactly as received: what a replay sends. */
  get raw(): string {
    return this.#raw ?? this.#line;
  }

  #headerObject() {
    return headersFrom(this.#headers ? this.#headers.split('\n') : []);
  }

  /** The x-api-key it carried (a replay under --no-verify sends it). */
  get key(): string | undefined {
    const k = this.#headerObject()['x-api-key'];
    return typeof k === 'string' ? k : undefined;
  }

  /** The API object: `{id, received_at, headers, body, forward?}`, the body as the sender wrote it. */
  get json(): string {
    if (this.#json !== undefined) return this.#json;
    const { forms } = this.hide;
    const headers = hideInJson(JSON.stringify(redactHeaders(this.#headerObject(), forms)), forms);
    const head =
      `{"id":${this.id},"received_at":${JSON.stringify(new Date(this.#at).toISOString())},` +
      `"headers":${headers},"body":${hideInJson(this.#line, forms)}`;
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

/** The inspector hides the key as the Redactor does (one implementation, output/redact.ts). */
export { hideIn, hideInJson, secretForms as keyForms };

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
  /** Oldest first; ids are consecutive, so an id's place is its distance from the first. */
  #entries: Entry[] = [];
  #bytes = 0;
  #nextId = 1;
  dropped = 0;
  readonly #hide: Hide;

  constructor(
    readonly limits: StoreLimits,
    readonly forms: readonly string[],
  ) {
    this.#hide = { forms };
  }

  get size(): number {
    return this.#entries.length;
  }

  add(ev: Received): Entry {
    // Entry copies what it needs: the listener's event holds its request (and socket).
    const entry = new Entry(this.#nextId++, ev, this.#hide);
    this.#entries.push(entry);
    this.#bytes += entry.bytes;
    this.#trim();
    return entry;
  }

  /** Adds the receiver's answer to a kept event; false when the event was dropped meanwhile. */
  setForward(entry: Entry, d: Delivery): boolean {
    if (this.get(entry.id) !== entry) return false;
    const before = entry.bytes;
    entry.setForward(keptDelivery(d, this.forms));
    this.#bytes += entry.bytes - before;
    this.#trim();
    return true;
  }

  get(id: number): Entry | undefined {
    const first = this.#entries[0];
    return first && Number.isSafeInteger(id) && id >= first.id ? this.#entries[id - first.id] : undefined;
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
      this.#bytes -= old.bytes;
      this.dropped++;
    }
  }
}
