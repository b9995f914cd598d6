import { senderOf, type Sender } from '../../../model/sender.js';
import { compact, isRecord, scalar } from './json.js';

/** What a row shows and the filter searches, read from an event body as the CLI reads it. */
export interface Summary {
  type?: string;
  /** Who sent the message, judged from its fields as everywhere in the CLI ('' when they do not say). */
  sender: Sender;
  thread?: string;
  user?: string;
  /** The message body, else the whole event, on one line. */
  text: string;
  /** Lower-cased thread, user and text, for the filter. */
  search: string;
}

// The same names src/webhook/event.ts looks for: the payload is not documented.
const TYPE_KEYS = ['event', 'type', 'event_type'];
const MESSAGE_KEYS = ['data', 'message', 'payload'];

export function summarize(body: unknown): Summary {
  let type: string | undefined;
  let message: Record<string, unknown> | undefined;
  if (isRecord(body)) {
    for (const k of TYPE_KEYS)
      if (typeof body[k] === 'string') {
        type = body[k] as string;
        break;
      }
    for (const k of MESSAGE_KEYS)
      if (isRecord(body[k])) {
        message = body[k] as Record<string, unknown>;
        break;
      }
  }
  const thread = scalar(message?.thread_fid);
  const user = scalar(message?.user_fid);
  const own = message?.body;
  const full = typeof own === 'string' ? own : own !== undefined && own !== null ? compact(own) : compact(body);
  const text = full.replace(/\s+/g, ' ').trim();
  return {
    type,
    sender: message ? senderOf(message) : '',
    thread,
    user,
    text,
    search: `${thread ?? ''}\n${user ?? ''}\n${text}`.toLowerCase(),
  };
}

/** The first `n` characters (whole code points) of a text, with … when cut. */
export function start(text: string, n = 160): string {
  const chars = Array.from(text);
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : text;
}
