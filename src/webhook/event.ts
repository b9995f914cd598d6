import { indentedBody, isObject, safeText, type Paint, type TextView } from '../output/format.js';
import { clockTime } from '../output/time.js';

export interface EventView {
  type?: string;
  message?: Record<string, unknown>;
}

/** The payload is not documented: read the type and message from the names a sender is likely to use. */
export function describeEvent(body: unknown): EventView {
  if (!isObject(body)) return {};
  const view: EventView = {};
  for (const k of ['event', 'type', 'event_type']) {
    if (typeof body[k] === 'string') {
      view.type = body[k] as string;
      break;
    }
  }
  for (const k of ['data', 'message', 'payload']) {
    if (isObject(body[k])) {
      view.message = body[k] as Record<string, unknown>;
      break;
    }
  }
  return view;
}

function s(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined;
}

/**
 * The terminal view of one accepted event: the local time it arrived, its type, thread and user,
 * and the message body word-wrapped to the view's width; an event that carries no message body is
 * shown raw.
 */
export function eventBlock(body: unknown, receivedAt: Date, p: Paint, view?: TextView): string {
  const { type, message } = describeEvent(body);
  const parts = [p.dim(clockTime(receivedAt)), p.bold(safeText(type ?? 'event'))];
  if (message && message.body !== undefined && message.body !== null) {
    const thread = s(message.thread_fid);
    const user = s(message.user_fid);
    if (thread) parts.push(`thread ${p.cyan(safeText(thread))}`);
    if (user) parts.push(`user ${p.cyan(safeText(user))}`);
    const text = safeText(typeof message.body === 'string' ? message.body : JSON.stringify(message.body));
    return `${parts.join('  ')}\n${indentedBody(text, view)}\n\n`;
  }
  const raw = safeText(JSON.stringify(body, null, 2) ?? String(body));
  return `${parts.join('  ')}\n${raw.split('\n').map((l) => `  ${l}`).join('\n')}\n\n`;
}
