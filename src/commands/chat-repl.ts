import readline from 'node:readline';
import type { Context } from '../context.js';
import { EXIT, AuthError, InterruptedError, NotFoundError } from '../errors.js';
import { threadHash } from '../api/hash.js';
import { isObject } from '../output/format.js';
import { messageBlock } from '../model/transcript.js';
import { threadCustomer } from '../model/sender.js';
import type { Spinner } from '../output/output.js';
import { chatThreadFid, clientWith, partialFor, sendFailure, type ChatState } from './chat-send.js';
import { formatReply } from '../output/chat-reply.js';
import { now } from '../runtime/clock.js';

const PROMPT = 'you › ';
const CONTINUE = '  … › ';
/** A spinner only for waits people notice: a fast reply draws nothing. */
const SPINNER_DELAY_MS = 200;
const RESUME_LAST = 5;

const HELP = `Type a message and press Enter to send it; end a line with \\ to continue on the next.
  /help    this help
  /new     start a new thread
  /thread  print the thread_fid and its hash
  /show    the transcript of the thread so far
  /agent   toggle sending as a support agent (no automatic reply)
  /exit    leave (also Ctrl-D, or Ctrl-C at an empty prompt)
Ctrl-C while waiting stops waiting (the message may still have been created).
Start a message with // to send one that begins with /.`;

type Settings = Awaited<ReturnType<Context['settings']>>;

/** The interactive chat on a terminal, with Node's readline (editing, history). */
export async function repl(ctx: Context, settings: Settings, state: ChatState, resumed: boolean): Promise<number> {
  const { io, out } = ctx;
  const p = out.paint;
  const ep = out.epaint;
  const width = () => out.columns;
  const describe = () => `thread ${state.thread} as ${state.user}${state.agent ? ' (as a support agent)' : ''}`;

  const showMessages = async (last?: number, signal?: AbortSignal): Promise<void> => {
    const client = signal ? await clientWith(ctx, settings, signal) : await ctx.client(settings);
    let thread: unknown;
    try {
      thread = await out.during('Loading thread', () => client.getThread(threadHash(state.thread)));
    } catch (err) {
      if (err instanceof NotFoundError)
        return void out.info('No messages yet: the thread starts with your first one.', ep.dim);
      throw err;
    }
    const all = isObject(thread) && Array.isArray(thread.messages) ? thread.messages.filter(isObject) : [];
    const shown = last === undefined ? all : all.slice(-last);
    if (last !== undefined && all.length > shown.length)
      out.info(`… ${all.length - shown.length} earlier messages (/show prints them all)`, ep.dim);
    if (shown.length === 0) return void out.info('No messages yet.', ep.dim);
    const customer = threadCustomer(isObject(thread) ? thread : undefined, all);
    out.write(shown.map((m) => messageBlock(m, p, { width: out.columns }, customer)).join('\n'));
  };

  out.info(`Chatting on ${describe()}. /help for commands, Ctrl-D to leave.`);
  if (resumed) {
    try {
      await showMessages(RESUME_LAST);
    } catch (err) {
      // Ctrl-C before the prompt (the first load was slow) ends the command: going on with an
      // aborted signal would drop every message typed, silently.
      if (err instanceof AuthError || ctx.signal.aborted) throw err;
      out.error(err);
    }
  }
  if (ctx.signal.aborted) throw new InterruptedError();

  /** Threads this session has been on, so /new always starts a fresh one. */
  const used = new Set<string>([state.thread]);
  const rl = readline.createInterface({
    input: io.stdin,
    output: io.stdout,
    prompt: PROMPT,
    terminal: true,
    historySize: 1000,
  });
  const lines: string[] = [];
  let waiter: ((line: string | null) => void) | undefined;
  let ended = false;
  let pending = '';
  let busy: AbortController | undefined;
  rl.on('line', (line) => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(line);
    } else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    waiter?.(null);
  });
  rl.on('SIGINT', () => {
    // Waiting for a reply: stop waiting, keep the session.
    if (busy) return void busy.abort();
    // At an empty prompt: leave.
    if (rl.line === '' && pending === '') return void rl.close();
    // Text typed: drop it, like a shell, and offer a fresh prompt.
    pending = '';
    out.write('^C\n');
    const r = rl as unknown as { line: string; cursor: number };
    r.line = '';
    r.cursor = 0;
    rl.setPrompt(PROMPT);
    rl.prompt();
  });
  const stopAll = () => rl.close();
  ctx.signal.addEventListener('abort', stopAll, { once: true });
  // A new thread loads nothing, so check the key at once, as `--thread` (and piped chat's first
  // send) would: without holding up the prompt, a rejected key ends the session with exit 3.
  let rejected: AuthError | undefined;
  if (!resumed)
    void (async () => {
      try {
        const client = await ctx.client(settings);
        await client.getThread(threadHash(state.thread));
      } catch (err) {
        if (!(err instanceof AuthError)) return; // 404 (a new thread) or a passing fault: sending says
        rejected = err;
        rl.close();
      }
    })();
  const next = (): Promise<string | null> => {
    if (lines.length) return Promise.resolve(lines.shift()!);
    if (ended) return Promise.resolve(null);
    return new Promise((resolve) => (waiter = resolve));
  };

  const send = async (body: string): Promise<void> => {
    const ac = new AbortController();
    busy = ac;
    let settled = false;
    let spin: Spinner | undefined;
    const timer = setTimeout(() => {
      void out
        .spinner(state.agent ? 'Sending' : 'Waiting for the reply')
        .then((s) => (settled ? s.stop() : (spin = s)));
    }, SPINNER_DELAY_MS);
    // The spinner goes before anything else is written, so nothing is drawn over.
    const quiet = () => {
      settled = true;
      clearTimeout(timer);
      spin?.stop();
      spin = undefined;
    };
    const started = now();
    let reply: unknown;
    try {
      const client = await clientWith(ctx, settings, ac.signal);
      reply = await client.sendMessage(partialFor(state, body));
      quiet();
    } catch (err) {
      quiet();
      if (ac.signal.aborted && !ctx.signal.aborted) {
        out.warn(`stopped waiting: the message may have been created (/show to check)`);
        return;
      }
      if (ctx.signal.aborted) return;
      const e = sendFailure(err, state.thread);
      // A key that does not work will not work for the next message either.
      if (e instanceof AuthError) throw e;
      out.error(e);
      return;
    } finally {
      quiet();
      busy = undefined;
    }
    const seconds = (now() - started) / 1000;
    if (state.agent)
      return void out.info(`sent as a support agent, no automatic reply (${seconds.toFixed(1)} s)`, ep.dim);
    if (!isObject(reply)) return void out.info(`sent; the API returned no reply (${seconds.toFixed(1)} s)`, ep.dim);
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? '');
    out.write(formatReply(text, seconds, width(), p));
  };

  const command = async (text: string): Promise<boolean> => {
    const [name] = text.trim().split(/\s+/, 1);
    switch (name) {
      case '/help':
        out.line(HELP);
        return true;
      case '/exit':
      case '/quit':
        return false;
      case '/new': {
        // Never a thread this session has used: /new twice in one second must not go back to one.
        const base = chatThreadFid(state.user);
        let fid = base;
        for (let n = 2; used.has(fid); n++) fid = `${base}-${n}`;
        used.add(fid);
        state.thread = fid;
        out.info(`New ${describe()}.`);
        return true;
      }
      case '/thread':
        out.humanLine(out.t`${state.thread}  ${out.style.dim(`hash ${threadHash(state.thread)}`)}`);
        return true;
      case '/show': {
        // Like a reply, a slow transcript can be given up with Ctrl-C: back to the prompt.
        const ac = new AbortController();
        busy = ac;
        try {
          await showMessages(undefined, ac.signal);
        } catch (err) {
          if (err instanceof AuthError) throw err;
          if (ac.signal.aborted && !ctx.signal.aborted) out.warn('stopped loading the transcript');
          else if (!ctx.signal.aborted) out.error(err);
        } finally {
          busy = undefined;
        }
        return true;
      }
      case '/agent':
        state.agent = !state.agent;
        out.info(state.agent ? 'Now sending as a support agent (no automatic reply).' : 'Now sending as the customer.');
        return true;
      default:
        out.warn(`unknown command ${name ?? ''}; /help lists them (start with // to send a message beginning with /)`);
        return true;
    }
  };

  try {
    for (;;) {
      rl.setPrompt(pending ? CONTINUE : PROMPT);
      rl.prompt();
      const line = await next();
      if (line === null) {
        // Ctrl-D or Ctrl-C left the cursor after the prompt: end that line.
        out.write('\n');
        break;
      }
      // History holds whole messages: a piece ending in \ leaves it, the last piece brings the whole.
      const history = (rl as unknown as { history?: string[] }).history;
      if (line.endsWith('\\')) {
        if (history?.[0] === line) history.shift();
        pending += `${line.slice(0, -1)}\n`;
        continue;
      }
      const text = pending + line;
      const continued = pending !== '';
      pending = '';
      if (continued && history) {
        if (history[0] === line) history.shift();
        history.unshift(text.replace(/\n/g, ' '));
      }
      if (!continued && text.startsWith('/') && !text.startsWith('//')) {
        if (!(await command(text))) break;
        continue;
      }
      const body = text.startsWith('//') ? text.slice(1) : text;
      if (!body.trim()) continue;
      await send(body);
      if (ended) break;
    }
  } finally {
    ctx.signal.removeEventListener('abort', stopAll);
    // Closing readline is what takes the terminal out of raw mode: on every path.
    rl.close();
    io.stdin.setRawMode?.(false);
  }
  if (rejected) throw rejected;
  return EXIT.OK;
}
