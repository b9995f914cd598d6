import type { Summary } from './describe.js';
import type { Delivery } from '../store.js';

// The server's own type: the page and the API cannot drift apart.
export type { Delivery };

/** An element of GET /api/events. */
export interface ApiEvent {
  id: number;
  received_at: string;
  headers: Record<string, unknown>;
  body: unknown;
  forward?: Delivery;
}

/** GET /api/status, and the stream's `status` messages. */
export interface Status {
  listening: string | null;
  forward_to: string | null;
  events: number;
  dropped: number;
  max_events: number;
}

export interface Replay {
  at: Date;
  to: string;
  edited: boolean;
  result: Delivery;
}

export interface Item extends ApiEvent {
  summary: Summary;
  row: HTMLLIElement;
  replays: Replay[];
}
