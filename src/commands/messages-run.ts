import { readUserFile } from '../fs/files.js';
import { SEND_TIMEOUT_S } from '../config/settings.js';
import type { Handler } from './types.js';
import {
  ApiError,
  CutOffError,
  InterruptedError,
  NetworkError,
  NotFoundError,
  UsageError,
  withContext,
} from '../errors.js';
import { isObject, tsvRow } from '../output/format.js';
import { messageBlock } from '../model/transcript.js';
import { messageTime } from '../model/fields.js';
import { senderOf } from '../model/sender.js';
import { outgoingMessage } from '../model/outgoing.js';
import { readAll } from '../output/prompt.js';
import { isEcho, replyOf } from '../model/reply.js';

/** As declared in messages.ts. */
export interface SendOptions {
  thread?: string;
  user?: string;
  body?: string;
  bodyFile?: string;
  lang?: string;
  subject?: string;
  agent?: boolean;
}

async function readBody(ctx: Parameters<Handler>[0], opts: SendOptions): Promise<string> {
  const { io } = ctx;
  if (opts.body !== undefined && opts.bodyFile !== undefined)
    throw new UsageError('pass either --body or --body-file, not both');
  if (opts.body !== undefined) return opts.body;
  if (opts.bodyFile !== undefined) {
    const text = await readUserFile(opts.bodyFile, '--body-file', io.stdin);
    return opts.bodyFile === '-' ? withoutFinalNewline(text) : text;
  }
  if (ctx.term.pipedInput) return withoutFinalNewline(await readAll(io.stdin));
  return '';
}

/** `echo "Hola" | gurusup messages send …` sends "Hola": the newline that ends the input is not part of the message. */
export function withoutFinalNewline(s: string): string {
  return s.endsWith('\r\n') ? s.slice(0, -2) : s.endsWith('\n') ? s.slice(0, -1) : s;
}

export const send: Handler<SendOptions> = async (ctx, _args, opts) => {
  const { out } = ctx;
  const missing = [opts.thread === undefined && '--thread <fid>', opts.user === undefined && '--user <fid>'].filter(
    Boolean,
  );
  if (missing.length)
    throw new UsageError(
      `missing ${missing.join(' and ')}`,
      'gurusup messages send --thread <fid> --user <fid> --body <text>',
    );
  const body = await readBody(ctx, opts);
  if (!body.trim())
    throw new UsageError(
      'the message body is empty',
      'pass --body <text>, --body-file <path>, or pipe the text on stdin',
    );
  const thread = opts.thread!;
  const partial = outgoingMessage({
    body,
    user: opts.user!,
    thread,
    lang: opts.lang,
    subject: opts.subject,
    agent: opts.agent,
  });

  const s = await ctx.settings(SEND_TIMEOUT_S);
  const client = await ctx.client(s);
  let reply: unknown;
  try {
    reply = await out.during('Sending; waiting for the reply', () => client.sendMessage(partial));
  } catch (err) {
    if (err instanceof InterruptedError)
      throw withContext(err, { hint: `the message may have been created; check with: gurusup threads show ${thread}` });
    const hint = `check before sending again: gurusup threads show ${thread}`;
    // The request went out: unless it never connected, the message may exist.
    const unsent =
      err instanceof NetworkError &&
      ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'PROXY_CONNECT', 'PROXY_CLOSED'].includes(err.code ?? '');
    if ((err instanceof CutOffError || err instanceof NetworkError) && !unsent)
      throw withContext(err, { message: `${err.message}; the message may have been created`, hint });
    throw err;
  }
  // The API may answer an agent's message with that message itself: it is not a reply.
  if (reply === undefined || isEcho(reply, partial) || (opts.agent === true && replyOf(reply, partial) === undefined)) {
    out.info(
      opts.agent === true
        ? 'Message sent as an agent; no automatic reply is expected.'
        : // Created, but no automatic reply came back (the organization may not have it turned on).
          'Message sent; the API returned no reply.',
    );
    if (out.json) out.printJson(null);
    return;
  }
  if (out.json) return void out.printJson(reply);
  if (!isObject(reply)) throw new ApiError('unexpected response from POST /messages: expected a JSON object', 200);
  if (out.human) return void out.write(messageBlock(reply, out.paint, { width: out.columns }));
  const text = typeof reply.body === 'string' ? reply.body : '';
  out.write(text.endsWith('\n') ? text : `${text}\n`);
};

export const get: Handler = async (ctx, args) => {
  const { out } = ctx;
  const id = String(args[0]);
  if (!id) throw new UsageError('the message id is empty');
  const s = await ctx.settings();
  const client = await ctx.client(s);
  const msg = await out
    .during('Loading message', () => client.getMessage(id))
    .catch((err: unknown) => {
      throw err instanceof NotFoundError ? new NotFoundError(`message not found: ${id}`) : err;
    });
  if (out.json) return void out.printJson(msg);
  if (!isObject(msg)) throw new ApiError('unexpected response from GET /messages/{id}: expected a JSON object', 200);
  if (out.human) return void out.write(messageBlock(msg, out.paint, { width: out.columns }));
  out.line(tsvRow([msg._id ?? msg.id ?? '', msg.thread_fid ?? '', messageTime(msg), senderOf(msg), msg.body ?? '']));
};
