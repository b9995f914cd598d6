/** The read-only tools: thin over the client, the `threads list` filters and the sender rule. */
import type { McpServer } from '../vendor/mcp.js';
import { z } from '../vendor/mcp.js';
import { ApiError, NotFoundError, UsageError } from '../errors.js';
import { threadHash, isThreadHash } from '../api/hash.js';
import { applyQuery, parseWhen, queryChanges, SORT_KEYS, type ThreadQuery } from '../model/filters.js';
import { isObject, plainPaint } from '../output/format.js';
import { threadColumns } from '../model/threads.js';
import { threadKey } from '../model/fields.js';
import { transcript } from '../model/transcript.js';
import { senderOf, threadCustomer } from '../model/sender.js';
import { success } from './results.js';
import type { Calls } from './call.js';

type Obj = Record<string, unknown>;

export const LIST_DEFAULT = 50;
export const LIST_MAX = 1000;
export const MESSAGES_DEFAULT = 200;
export const MESSAGES_MAX = 10_000;

const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;

const when = (what: string) =>
  z
    .string()
    .optional()
    .describe(
      `only threads updated ${what} this: an ISO date or time (2026-11-01, 2026-11-01T10:00Z) or a duration back from now (90m, 36h, 7d, 2w); compares updated_at, else created_at`,
    );

function hashOf(t: Obj): string {
  return threadKey(t) ?? '';
}

/** The thread with each message's `sender` added by the contract's rule (null: the fields do not say). */
export function labelled(thread: Obj): Obj {
  const customer = threadCustomer(thread);
  if (!Array.isArray(thread.messages)) return thread;
  const messages = thread.messages.map((m: unknown) =>
    isObject(m) ? { ...m, sender: senderOf(m, customer) || null } : m,
  );
  return { ...thread, messages };
}

/** The plain transcript `threads show` prints on a terminal, without colour, labelled by the same rule. */
export function plainTranscript(thread: Obj, hash: string): string {
  const messages = Array.isArray(thread.messages) ? thread.messages : [];
  // The transcript reads a role field first: the label computed above is handed to it that way.
  const view = messages.map((m: unknown) =>
    isObject(m) && typeof m.sender === 'string' ? { ...m, role: m.sender } : m,
  );
  return transcript({ ...thread, messages: view }, hash, plainPaint);
}

/** GET /threads/<hash> for a fid or a hash, with the errors `threads show` gives. */
export async function fetchThread(
  client: { getThread(hash: string): Promise<unknown> },
  ref: { thread?: string; hash?: string },
): Promise<{ thread: Obj; hash: string }> {
  const hash = ref.hash !== undefined ? ref.hash.toLowerCase() : threadHash(ref.thread!);
  let thread: unknown;
  try {
    thread = await client.getThread(hash);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    const hint =
      ref.thread !== undefined && isThreadHash(ref.thread)
        ? `${JSON.stringify(ref.thread)} looks like a thread hash: pass it as hash instead of thread`
        : 'find the thread_fid with gurusup_threads_list';
    throw new NotFoundError(
      ref.hash !== undefined ? `thread not found: hash ${hash}` : `thread not found: ${ref.thread} (hash ${hash})`,
      { hint },
    );
  }
  if (!isObject(thread))
    throw new ApiError('unexpected response from GET /threads/{hash}: expected a JSON object', 200);
  return { thread, hash };
}

export function registerReadTools(server: McpServer, calls: Calls): void {
  server.registerTool(
    'gurusup_threads_list',
    {
      title: 'List threads',
      description:
        "Lists the organization's conversation threads (GET /threads), filtered and sorted here: the API itself has no filters. " +
        `Returns {threads, total, shown}: the thread objects as the API returned them (thread_fid, thread hash, and fields such as subject, user_fid, message_count, created_at, updated_at), total = how many matched the filters, shown = how many are returned (limit, default ${LIST_DEFAULT}, at most ${LIST_MAX}). ` +
        'Narrow with user, since, until and grep; order with sort (updated or created: newest first; fid: A to Z) and reverse. ' +
        'Threads carry no messages here: read one with gurusup_thread_get, by its thread_fid.',
      inputSchema: z.strictObject({
        user: z.string().optional().describe("only threads whose user_fid (the customer's id) is exactly this"),
        since: when('at or after'),
        until: when('at or before'),
        grep: z
          .string()
          .optional()
          .describe('only threads whose thread_fid or subject contains this text, ignoring case'),
        sort: z
          .enum(SORT_KEYS)
          .optional()
          .describe("updated or created: newest first; fid: A to Z. Without it, the API's order"),
        reverse: z.boolean().optional().describe('reverse the order'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(LIST_MAX)
          .optional()
          .describe(`return at most this many threads, after filters and sort (default ${LIST_DEFAULT})`),
      }),
      outputSchema: z.object({
        threads: z.array(z.unknown()),
        total: z.number().int(),
        shown: z.number().int(),
      }),
      annotations: { title: 'List threads', ...READ },
    },
    (args, extra) =>
      calls.run(extra.signal, async (call) => {
        const now = Date.now();
        const q: ThreadQuery = {};
        if (args.user !== undefined) q.user = args.user;
        if (args.since !== undefined) q.since = parseWhen(args.since, 'since', now);
        if (args.until !== undefined) q.until = parseWhen(args.until, 'until', now);
        if (args.grep !== undefined) q.grep = args.grep;
        if (args.sort !== undefined) q.sort = args.sort;
        if (args.reverse === true) q.reverse = true;
        const client = await call.ctx.client(await call.settings());
        const data = await client.listThreads();
        if (!Array.isArray(data))
          throw new ApiError('unexpected response from GET /threads: expected a JSON array', 200);
        const matched = queryChanges(q) ? applyQuery(data, q) : data;
        const limit = args.limit ?? LIST_DEFAULT;
        const threads = matched.slice(0, limit);
        const objs = threads.filter(isObject);
        const cols = threadColumns(objs);
        const filtered = matched.length !== data.length;
        let text = `${threads.length} of ${matched.length} thread${matched.length === 1 ? '' : 's'}${filtered ? ` matching (of ${data.length})` : ''}.`;
        if (matched.length > threads.length)
          text += ` ${matched.length - threads.length} more: raise limit (at most ${LIST_MAX}) or narrow with user, since, until or grep.`;
        if (objs.length)
          text += `\n\n${cols.header.join('\t').toLowerCase()}\n${objs.map((t) => cols.tsv(t, hashOf(t))).join('\n')}`;
        return success(
          text,
          { threads, total: matched.length, shown: threads.length },
          'Lower limit, or narrow with user, since, until or grep.',
        );
      }),
  );

  server.registerTool(
    'gurusup_thread_get',
    {
      title: 'Read a thread',
      description:
        'Reads one thread with its messages (GET /threads/<md5 of thread_fid>). Pass exactly one of thread (its thread_fid, as gurusup_threads_list shows it) and hash (the 32-hex thread hash). ' +
        "Returns {thread, omitted_messages}: the thread object as the API returned it, each message with an added sender: customer, agent (a support agent), system (the organization's AI), or null when the fields do not say. " +
        `Only the newest max_messages messages are kept (default ${MESSAGES_DEFAULT}, at most ${MESSAGES_MAX}); omitted_messages says how many older ones were left out. The text is the transcript, oldest first.`,
      inputSchema: z.strictObject({
        thread: z.string().min(1).optional().describe('the thread_fid (the id the thread was created with)'),
        hash: z
          .string()
          .regex(/^[0-9a-fA-F]{32}$/, 'expected 32 hex characters')
          .optional()
          .describe('the thread hash (32 hex characters), instead of thread'),
        max_messages: z
          .number()
          .int()
          .min(1)
          .max(MESSAGES_MAX)
          .optional()
          .describe(`keep only the newest this many messages (default ${MESSAGES_DEFAULT})`),
      }),
      outputSchema: z.object({
        thread: z.record(z.string(), z.unknown()),
        omitted_messages: z.number().int(),
      }),
      annotations: { title: 'Read a thread', ...READ },
    },
    (args, extra) =>
      calls.run(extra.signal, async (call) => {
        if ((args.thread === undefined) === (args.hash === undefined))
          throw new UsageError(
            args.thread === undefined
              ? 'pass thread (a thread_fid) or hash (32 hex characters)'
              : 'pass either thread or hash, not both',
            'gurusup_threads_list shows every thread_fid',
          );
        const client = await call.ctx.client(await call.settings());
        const { thread, hash } = await fetchThread(client, args);
        const whole = labelled(thread);
        const all = Array.isArray(whole.messages) ? whole.messages : undefined;
        const max = args.max_messages ?? MESSAGES_DEFAULT;
        const omitted = all ? Math.max(0, all.length - max) : 0;
        const kept = omitted ? { ...whole, messages: all!.slice(omitted) } : whole;
        const note = omitted
          ? `[${omitted} older message${omitted === 1 ? '' : 's'} left out: showing the newest ${max} of ${all!.length}; pass a larger max_messages (at most ${MESSAGES_MAX}) to see more]\n\n`
          : '';
        return success(
          note + plainTranscript(kept, hash),
          { thread: kept, omitted_messages: omitted },
          'Pass a smaller max_messages.',
        );
      }),
  );

  server.registerTool(
    'gurusup_message_get',
    {
      title: 'Read a message',
      description:
        'Reads one message by its id (GET /messages/<message_id>; the _id field of a message, a 24-hex ObjectId or a string id). Returns {message}: the message object as the API returned it (body, thread_fid, user_fid, lang, is_customer_support_agent, times).',
      inputSchema: z.strictObject({
        message_id: z.string().min(1).describe("the message's _id"),
      }),
      outputSchema: z.object({ message: z.record(z.string(), z.unknown()) }),
      annotations: { title: 'Read a message', ...READ },
    },
    (args, extra) =>
      calls.run(extra.signal, async (call) => {
        const client = await call.ctx.client(await call.settings());
        const message = await client.getMessage(args.message_id).catch((err: unknown) => {
          throw err instanceof NotFoundError ? new NotFoundError(`message not found: ${args.message_id}`) : err;
        });
        if (!isObject(message))
          throw new ApiError('unexpected response from GET /messages/{id}: expected a JSON object', 200);
        return success(JSON.stringify(message, null, 2), { message }, 'The message body itself is that long.');
      }),
  );
}
