/** What the chat's two modes share (the batch in chat-run.ts, the REPL in chat-repl.ts). */
import type { GurusupClient } from '../api/client.js';
import { Context } from '../context.js';
import { ApiError, CutOffError, InterruptedError, NetworkError } from '../errors.js';
import { outgoingMessage } from '../model/outgoing.js';

/** The user_fid chat sends as when --user is not given. */
export const CHAT_USER = 'gurusup-chat';

export interface ChatState {
  thread: string;
  user: string;
  lang?: string;
  agent: boolean;
}

/** `chat-<user>-<yyyymmdd-hhmmss>`, in local time. */
export function chatThreadFid(user: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `chat-${user}-${stamp}`;
}

/** What the user sees when a send fails: the message may exist even though no reply came. */
export function sendFailure(err: unknown, thread: string): unknown {
  const hint = `check before sending again: gurusup threads show ${thread}`;
  if (err instanceof InterruptedError)
    return new InterruptedError(`the message may have been created; check with: gurusup threads show ${thread}`);
  if (err instanceof CutOffError)
    return new ApiError(`${err.message}; the message may have been created`, err.status, { hint });
  if (
    err instanceof NetworkError &&
    err.code !== 'ECONNREFUSED' &&
    err.code !== 'ENOTFOUND' &&
    err.code !== 'EAI_AGAIN'
  ) {
    return new NetworkError(`${err.message}; the message may have been created`, { code: err.code, hint });
  }
  return err;
}

export function partialFor(state: ChatState, body: string): Record<string, unknown> {
  return outgoingMessage({ body, user: state.user, thread: state.thread, lang: state.lang, agent: state.agent });
}

/** A client whose requests stop when `signal` aborts (one message's Ctrl-C), as well as on the process's. */
export async function clientWith(
  ctx: Context,
  settings: Awaited<ReturnType<Context['settings']>>,
  signal: AbortSignal,
): Promise<GurusupClient> {
  const io = { ...ctx.io, signal: AbortSignal.any([ctx.io.signal, signal]) };
  return new Context(io, ctx.globals, ctx.out, ctx.deps).client(settings);
}
