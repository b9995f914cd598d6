/** What a POST /messages answer means: the system's reply, or none. */

function asMessage(response: unknown): Record<string, unknown> | undefined {
  if (typeof response !== 'object' || response === null || Array.isArray(response) || !Object.hasOwn(response, 'body'))
    return undefined;
  return response as Record<string, unknown>;
}

/**
 * Whether the answer is the very message just sent (the API's answer to an agent's message,
 * which gets no automatic reply), rather than a reply to it.
 */
export function isEcho(response: unknown, partial: Record<string, unknown>): boolean {
  const r = asMessage(response);
  return (
    r !== undefined &&
    r.body === partial.body &&
    r.user_fid === partial.user_fid &&
    r.thread_fid === partial.thread_fid &&
    r.role === undefined &&
    r.in_reply_to === undefined
  );
}

/**
 * What the API sent back, as a reply: none for an empty 2xx, `null`, anything that is not a
 * message object with a `body` (a bare string or number, a list, `{}`, `{"status": "queued"}`),
 * or the very message just sent.
 */
export function replyOf(response: unknown, partial: Record<string, unknown>): Record<string, unknown> | undefined {
  const r = asMessage(response);
  return r && !isEcho(r, partial) ? r : undefined;
}
