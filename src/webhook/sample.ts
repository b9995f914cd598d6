import { randomBytes } from 'node:crypto';

/** A send-message event as Gurusup posts it (api.md's assumed shape), for trigger and verify. */
export function sampleEvent(o: { body: string; thread: string; user: string }): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    event: 'send_message',
    data: {
      _id: randomBytes(12).toString('hex'),
      body: o.body,
      thread_fid: o.thread,
      user_fid: o.user,
      lang: 'en',
      is_customer_support_agent: true,
      created_at: now,
      updated_at: now,
    },
  };
}
