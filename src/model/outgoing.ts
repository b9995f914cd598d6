/** The body of POST /messages, built here only (messages send, chat, eval, the MCP tool). */

export interface OutgoingMessage {
  body: string;
  /** The sender's user_fid: the customer's, or the agent's with `agent`. */
  user: string;
  thread: string;
  lang?: string;
  subject?: string;
  agent?: boolean;
}

/** The request body, fields in the order the API documents them; absent options are left out. */
export function outgoingMessage(m: OutgoingMessage): Record<string, unknown> {
  const partial: Record<string, unknown> = { body: m.body, user_fid: m.user, thread_fid: m.thread };
  if (m.lang !== undefined) partial.lang = m.lang;
  if (m.subject !== undefined) partial.subject = m.subject;
  partial.is_customer_support_agent = m.agent === true;
  return partial;
}
