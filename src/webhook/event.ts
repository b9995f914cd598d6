import { indentedBody, isObject, safeJson, safeLine, safeText, type Paint, type TextView } from '../output/format.js';
import { clockTime } from '../output/time.js';
import { displayWidth } from '../output/width.js';

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
  // [as measured, as painted]
  const parts: Array<[string, string]> = [];
  const add = (plain: string, painted: string) => parts.push([plain, painted]);
  const time = clockTime(receivedAt);
  const kind = safeLine(type ?? 'event');
  add(time, p.dim(time));
  add(kind, p.bold(kind));
  const hasBody = message !== undefined && message.body !== undefined && message.body !== null;
  if (hasBody) {
    const thread = s(message.thread_fid);
    const user = s(message.user_fid);
    if (thread) add(`thread ${safeLine(thread)}`, `thread ${p.cyan(safeLine(thread))}`);
    if (user) add(`user ${safeLine(user)}`, `user ${p.cyan(safeLine(user))}`);
  }
  const head = headLine(parts, view?.width ?? 0);
  if (hasBody) {
    const text = safeText(typeof message.body === 'string' ? message.body : JSON.stringify(message.body));
    return `${head}\n${capped(indentedBody(text, view), p)}\n\n`;
  }
  // JSON.stringify leaves C1 controls and bidi overrides raw: a terminal would act on them.
  const raw = safeJson(JSON.stringify(body, null, 2) ?? String(body));
  const shown = raw
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `${head}\n${capped(shown, p)}\n\n`;
}

/** At most this many lines of a body in a terminal block; piped and --json output are whole. */
export const MAX_BODY_LINES = 12;

/** The first MAX_BODY_LINES lines, then how many more there are (a line of the same indent). */
function capped(lines: string, p: Paint): string {
  const all = lines.split('\n');
  if (all.length <= MAX_BODY_LINES) return lines;
  const more = all.length - MAX_BODY_LINES;
  return [
    ...all.slice(0, MAX_BODY_LINES),
    `  ${p.dim(`… ${more} more line${more === 1 ? '' : 's'} (--json for all)`)}`,
  ].join('\n');
}

/** The parts two spaces apart; on a narrow terminal, those that do not fit go on indented lines below. */
function headLine(parts: ReadonlyArray<[string, string]>, width: number): string {
  let out = '';
  let used = 0;
  for (const [plain, painted] of parts) {
    const w = displayWidth(plain);
    if (used === 0) {
      out += painted;
      used = w;
    } else if (width <= 0 || used + 2 + w <= width) {
      out += `  ${painted}`;
      used += 2 + w;
    } else {
      out += `\n  ${painted}`;
      used = 2 + w;
    }
  }
  return out;
}
