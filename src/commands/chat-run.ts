import readline from 'node:readline';
import { SEND_TIMEOUT_S } from '../config/settings.js';
import type { Handler } from './types.js';
import type { Context } from '../context.js';
import { EXIT, InterruptedError, UsageError } from '../errors.js';
import { isObject, tsvField } from '../output/format.js';
import { CHAT_USER, chatThreadFid, partialFor, sendFailure, type ChatState } from './chat-send.js';
import { isEcho } from '../model/reply.js';

/** The AI's reply takes time: the same default as `messages send`. */

/** As declared in chat.ts. */
export interface ChatOptions {
  thread?: string;
  user?: string;
  lang?: string;
  agent?: boolean;
}

export const chat: Handler<ChatOptions> = async (ctx, _args, opts) => {
  const user = opts.user ?? CHAT_USER;
  if (!user.trim()) throw new UsageError('--user is empty');
  if (opts.thread !== undefined && !opts.thread.trim()) throw new UsageError('--thread is empty');
  const state: ChatState = {
    thread: opts.thread ?? chatThreadFid(user),
    user,
    lang: opts.lang,
    agent: opts.agent === true,
  };
  const settings = await ctx.settings(SEND_TIMEOUT_S);
  ctx.requireKey(settings);
  const { io, out } = ctx;
  if (ctx.term.interactive) {
    const { repl } = await import('./chat-repl.js');
    return repl(ctx, settings, state, opts.thread !== undefined);
  }
  return batch(ctx, settings, state);
};

/** Not a terminal: one message per stdin line, one reply per stdout line; the first failure ends it. */
async function batch(
  ctx: Context,
  settings: Awaited<ReturnType<Context['settings']>>,
  state: ChatState,
): Promise<number> {
  const { out } = ctx;
  const client = await ctx.client(settings);
  const rl = readline.createInterface({ input: ctx.io.stdin, crlfDelay: Infinity, terminal: false });
  // Ctrl-C while waiting for the next line: stop reading (exit 130 below).
  const stop = () => rl.close();
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const raw of rl) {
      const line = raw.replace(/\r$/, '');
      if (!line.trim()) continue;
      let reply: unknown;
      const partial = partialFor(state, line);
      try {
        reply = await client.sendMessage(partial);
      } catch (err) {
        throw sendFailure(err, state.thread);
      }
      // The API's echo of an agent's message is not a reply (as for messages send --agent).
      if (isEcho(reply, partial)) reply = undefined;
      if (out.json) {
        out.printJsonLine(reply ?? null);
        continue;
      }
      // One line per reply, so a script can pair each answer with its question (escaped on a terminal).
      out.dataLine(isObject(reply) ? tsvField(reply.body ?? '') : '');
    }
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    rl.close();
  }
  if (ctx.signal.aborted) throw new InterruptedError();
  return EXIT.OK;
}
