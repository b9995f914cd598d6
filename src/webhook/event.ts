import { isObject, safeJson, safeLine, safeText, type Paint } from '../output/format.js';

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

/** The terminal view of one accepted event. */
export function eventBlock(body: unknown, receivedAt: Date, p: Paint): string {
  const { type, message } = describeEvent(body);
  const time = receivedAt.toISOString().slice(11, 23);
  const parts = [p.dim(time), p.bold(safeLine(type ?? 'event'))];
  if (message) {
    const thread = s(message.thread_fid);
    const user = s(message.user_fid);
    if (thread) parts.push(`thread ${p.cyan(safeLine(thread))}`);
    if (user) parts.push(`user ${p.cyan(safeLine(user))}`);
    const text = safeText(typeof message.body === 'string' ? message.body : JSON.stringify(message.body ?? null));
    return `${parts.join('  ')}\n${text.split('\n').map((l) => `  ${l}`).join('\n')}\n\n`;
  }
  // JSON.stringify leaves C1 controls and bidi overrides raw: a terminal would act on them.
  const raw = safeJson(JSON.stringify(body, null, 2));
  return `${parts.join('  ')}\n${raw.split('\n').map((l) => `  ${l}`).join('\n')}\n\n`;
}
