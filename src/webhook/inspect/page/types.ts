import type { Summary } from './describe.js';

/** What a receiver answered (a forward, or a replay), as the JSON API gives it. */
export interface Delivery {
  status: number | null;
  latency_ms: number;
  response_body: string;
  error?: string;
  truncated?: boolean;
}

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
