/**
 * Who sent a message (contract: "Who sent a message"), from its fields only, the same everywhere
 * a message is labelled (threads show, follow, chat, eval init, messages get):
 *
 * 1. an explicit role field (`role`, `sender`, `sender_type`, `author_type`) that names one;
 * 2. else `is_customer_support_agent: true` → agent;
 * 3. else a `user_fid` equal to the thread's customer (the thread's `user_fid`, or the first
 *    message's when the thread has none) → customer, any other `user_fid` → system (the AI);
 * 4. a message with no `user_fid` and no flag is unlabelled ('').
 *
 * Without a thread to compare with (one message on its own), `is_customer_support_agent: false`
 * is taken as the customer's, as the field says; nothing else is guessed.
 */
export type Sender = 'customer' | 'agent' | 'system' | '';

type Obj = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const ROLE_FIELDS = ['role', 'sender', 'sender_type', 'author_type'] as const;

function fromRole(m: Obj): Sender {
  for (const k of ROLE_FIELDS) {
    const role = str(m[k]);
    if (!role) continue;
    const r = role.toLowerCase();
    // "ai" as a word only: "email", "maintainer" or "detail" are not the AI.
    if (/(system|bot|assistant)|(^|[^a-z])ai([^a-z]|$)/.test(r)) return 'system';
    if (/(agent|support|operator)/.test(r)) return 'agent';
    if (/(customer|user|client|contact)/.test(r)) return 'customer';
    return '';
  }
  return '';
}

/** The thread's customer: its `user_fid`, else the first message's. */
export function threadCustomer(thread: Obj | undefined, messages?: readonly Obj[]): string | undefined {
  const own = str(thread?.user_fid);
  if (own !== undefined) return own;
  const list = messages ?? (Array.isArray(thread?.messages) ? (thread.messages as unknown[]) : []);
  const first = list.find((m): m is Obj => typeof m === 'object' && m !== null);
  return first ? str(first.user_fid) : undefined;
}

/** Who sent `m`; `customer` is the thread's customer (threadCustomer), when there is a thread. */
export function senderOf(m: Obj, customer?: string): Sender {
  const byRole = fromRole(m);
  if (byRole) return byRole;
  if (m.is_customer_support_agent === true) return 'agent';
  const user = str(m.user_fid);
  if (user !== undefined && customer !== undefined) return user === customer ? 'customer' : 'system';
  if (m.is_customer_support_agent === false) return 'customer';
  return '';
}
