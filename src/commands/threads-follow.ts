import type { Context } from '../context.js';
import { isTransient } from '../api/retry.js';
import type { GurusupClient } from '../api/client.js';
import { EXIT, AuthError, CliError, InterruptedError, NotFoundError } from '../errors.js';
import { isObject } from '../output/format.js';
import { messageBlock, messageTsv } from '../model/transcript.js';
import { threadCustomer } from '../model/sender.js';
import type { Clock } from '../runtime/clock.js';

type Obj = Record<string, unknown>;

/** A message's identity for `--follow`: its `_id`, else its position in the thread. */
export function messageKey(m: unknown, position: number): string {
  if (isObject(m)) {
    const id = m._id ?? m.id;
    if (typeof id === 'string' && id !== '') return `id:${id}`;
    if (typeof id === 'number') return `id:${id}`;
  }
  return `pos:${position}`;
}

function messagesOf(thread: unknown): unknown[] {
  return isObject(thread) && Array.isArray(thread.messages) ? thread.messages : [];
}

/** Waits `ms`; false when Ctrl-C came first. */
async function pause(ms: number, signal: AbortSignal, clock?: Clock): Promise<boolean> {
  if (!clock) return sleep(ms, signal);
  try {
    await clock.sleep(ms, signal);
    return true;
  } catch (err) {
    if (signal.aborted) return false;
    throw err;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (v: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface FollowOptions {
  hash: string;
  label: string;
  intervalMs: number;
  /** Longest wait between polls while the API keeps failing. */
  maxBackoffMs?: number;
  /** How the waits are timed (default: real timers). */
  clock?: Clock;
}

/** Shared by the follow loop and the client's own retries, so an outage is reported once. */
export class Outage {
  reported = false;
  constructor(private readonly warn: (s: string) => void) {}
  report(why: string): void {
    if (this.reported) return;
    this.reported = true;
    this.warn(`${why}; still following, retrying with back-off`);
  }
}

/** How each new message is printed: the transcript block, a TSV line, or an NDJSON line. */
function printer(ctx: Context, customer: () => string | undefined): (m: Obj) => void {
  const { out } = ctx;
  if (out.json) return (m) => out.printJsonLine(m);
  if (out.human) return (m) => out.write(`\n${messageBlock(m, out.paint, { width: out.columns }, customer())}`);
  return (m) => out.line(messageTsv(m, customer()));
}

/**
 * `threads show --follow`: polls GET /threads/<hash> and prints the messages not yet printed.
 * Transient failures are reported once per outage on stderr and retried with back-off; 401/403
 * end it (exit 3); Ctrl-C is the normal stop (exit 0).
 */
export async function follow(
  ctx: Context,
  client: GurusupClient,
  first: unknown,
  o: FollowOptions,
  outage = new Outage((s) => ctx.out.warn(s)),
): Promise<number> {
  const { out } = ctx;
  let customer = isObject(first) ? threadCustomer(first) : undefined;
  const print = printer(ctx, () => customer);
  const seen = new Set<string>();
  messagesOf(first).forEach((m, i) => seen.add(messageKey(m, i)));
  const maxBackoff = o.maxBackoffMs ?? 30_000;
  let failures = 0;
  if (!out.json) out.info(`Following ${o.label}: new messages appear below (Ctrl-C to stop).`, out.epaint.dim);
  for (;;) {
    const wait = failures === 0 ? o.intervalMs : Math.min(maxBackoff, o.intervalMs * 2 ** failures);
    if (!(await pause(wait, ctx.signal, o.clock))) return EXIT.OK;
    let thread: unknown;
    try {
      thread = await client.getThread(o.hash);
    } catch (err) {
      if (ctx.signal.aborted || err instanceof InterruptedError) return EXIT.OK;
      if (err instanceof AuthError) throw err;
      if (err instanceof NotFoundError)
        throw new NotFoundError(`thread not found: ${o.label} (hash ${o.hash}); it was there when the follow started`);
      if (!isTransient(err, 'poll')) throw err;
      outage.report(err instanceof CliError ? err.message : String(err));
      failures++;
      continue;
    }
    failures = 0;
    outage.reported = false;
    if (isObject(thread)) customer = threadCustomer(thread) ?? customer;
    messagesOf(thread).forEach((m, i) => {
      const key = messageKey(m, i);
      if (seen.has(key)) return;
      seen.add(key);
      if (isObject(m)) print(m);
    });
  }
}
