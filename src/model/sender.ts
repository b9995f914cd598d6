/**
 * Who sent a message, by the contract's rule ("Who sent a message", docs/spec cli.md), from the
 * message's fields and its thread only:
 *
 * 1. an explicit role field (`role`, `sender`, `sender_type`, `author_type`) that names one;
 * 2. else `is_customer_support_agent: true` → agent;
 * 3. else a `user_fid` equal to the thread's customer (the thread's `user_fid`, or the first
 *    message's when the thread has none) → customer;
 * 4. else → system (the AI's reply); but a message with no `user_fid` and no flag is unlabelled ('').
 *
 * The older senderOf in src/output/format.ts reads `is_customer_support_agent: false` as the
 * customer without looking at the thread, so an AI reply flagged false was shown as the customer.
 */
import { senderOf, type Sender } from '../output/format.js';

export type { Sender } from '../output/format.js';

type Obj = Record<string, unknown>;

const ROLE_FIELDS = ['role', 'sender', 'sender_type', 'author_type'] as const;

function fid(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** What an explicit role field says, read with the role words the transcripts already use; '' if none does. */
export function roleSender(m: Obj): Sender {
  const roles: Obj = {};
  for (const k of ROLE_FIELDS) roles[k] = m[k];
  return senderOf(roles);
}

/** The thread's customer: its `user_fid`, else the first message's. */
export function threadCustomer(thread: Obj): string | undefined {
  const own = fid(thread.user_fid);
  if (own !== undefined) return own;
  const messages = Array.isArray(thread.messages) ? thread.messages : [];
  const first = messages[0] as Obj | undefined;
  return typeof first === 'object' && first !== null ? fid(first.user_fid) : undefined;
}

/** The sender of `m`, in a thread whose customer is `customer` (see threadCustomer). */
export function messageSender(m: Obj, customer: string | undefined): Sender {
  const byRole = roleSender(m);
  if (byRole) return byRole;
  if (m.is_customer_support_agent === true) return 'agent';
  const user = fid(m.user_fid);
  if (user !== undefined && user === customer) return 'customer';
  if (user === undefined && typeof m.is_customer_support_agent !== 'boolean') return '';
  return 'system';
}
