/// <reference lib="dom" />
// The page's link to the inspector: the list from GET /api/events, kept live by /api/stream.
import { parseExact } from './json.js';
import type { ApiEvent, Delivery, Status } from './types.js';

export interface StreamHandlers {
  status(s: Status): void;
  /** The whole list, after each (re)connection: the inspector may have restarted meanwhile. */
  all(events: ApiEvent[]): void;
  event(e: ApiEvent): void;
  forward(id: number, d: Delivery): void;
  /** Connected or not, for the header's live/reconnecting label. */
  live(on: boolean): void;
}

/** API text, numbers kept as sent; a body too deep for the reviver's recursion is parsed plainly. */
export function parseApi(text: string): unknown {
  try {
    return parseExact(text);
  } catch {
    return JSON.parse(text);
  }
}

export function connect(h: StreamHandlers): void {
  const stream = new EventSource('/api/stream');
  const data = (m: Event) => (m as MessageEvent<string>).data;
  let fresh = true;
  stream.addEventListener('open', () => {
    fresh = true;
    h.live(true);
  });
  stream.addEventListener('error', () => h.live(false));
  // The first message of every connection: then the list is (re)loaded.
  stream.addEventListener('status', (m) => {
    h.status(JSON.parse(data(m)) as Status);
    if (!fresh) return;
    fresh = false;
    fetch('/api/events')
      .then((res) => res.text())
      .then((text) => h.all(parseApi(text) as ApiEvent[]))
      .catch(() => h.live(false));
  });
  stream.addEventListener('event', (m) => h.event(parseApi(data(m)) as ApiEvent));
  stream.addEventListener('forward', (m) => {
    const { id, forward } = parseApi(data(m)) as { id: number; forward: Delivery };
    h.forward(id, forward);
  });
}
