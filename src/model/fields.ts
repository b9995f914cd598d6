/** Reading Gurusup's objects: a thread's key, which fields hold a message's time, a thread's update, its count. */
import { threadHash } from '../api/hash.js';

type Obj = Record<string, unknown>;

/** A non-empty string, or a number as text; anything else is no value. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** The first of `keys` that holds a value (str). */
export function firstStr(o: Obj, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = str(o[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * The hash a thread is known by (in URLs, the table, export files): its thread_fid's, else the
 * API's own `thread` field (undefined when it has neither).
 */
export function threadKey(t: Obj): string | undefined {
  if (typeof t.thread_fid === 'string') return threadHash(t.thread_fid);
  return typeof t.thread === 'string' ? t.thread : undefined;
}

export const TIME_KEYS = ['created_at', 'createdAt', 'timestamp', 'date', 'updated_at', 'updatedAt'] as const;

/** When a message was written, as the API wrote it ('' when it carries no time). */
export function messageTime(m: Obj): string {
  return firstStr(m, TIME_KEYS) ?? '';
}

const UPDATED_KEYS = ['updated_at', 'updatedAt', 'last_message_at'] as const;

/** When a thread last changed, as the API wrote it, for the table's UPDATED column. */
export function threadUpdated(t: Obj): string | undefined {
  return firstStr(t, UPDATED_KEYS);
}

/** How many messages a thread has: a count field, else its `messages` array's length. */
export function messageCount(t: Obj): number | undefined {
  for (const k of ['message_count', 'messages_count', 'messageCount'])
    if (typeof t[k] === 'number') return t[k] as number;
  if (Array.isArray(t.messages)) return t.messages.length;
  return undefined;
}
