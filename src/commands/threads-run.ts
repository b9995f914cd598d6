import type { Handler } from './types.js';
import {
  EXIT,
  ApiError,
  CliError,
  InterruptedError,
  NotFoundError,
  UsageError,
  statusLine,
  plainReason,
} from '../errors.js';
import { parseJsonBody } from '../api/client.js';
import { HttpResponse, type Headers } from '../api/transport.js';
import { ArrayPassThrough } from '../api/array-pass-through.js';
import { threadHash, isThreadHash } from '../api/hash.js';
import { isObject } from '../output/format.js';
import { messageTsv, writeTranscript } from '../model/transcript.js';
import { threadColumns } from '../model/threads.js';
import { threadKey } from '../model/fields.js';
import { threadCustomer } from '../model/sender.js';
import type { Outage } from './threads-follow.js';
import { relativeTime } from '../output/time.js';
import { knownFileProblem } from '../fs/files.js';
import { applyQuery, parseSortKey, parseWhen, queryChanges, type ThreadQuery } from '../model/filters.js';
import { plural } from '../output/plural.js';

function hashOf(t: Record<string, unknown>): string {
  return threadKey(t) ?? '';
}

/**
 * stdout failed mid pass-through: a reader that left (EPIPE) stops quietly, anything else is exit
 * 1. The stream's own 'error' event comes first (bin/gurusup.js reports it and exits there), so
 * this line is said only where nobody else said it.
 */
async function stdoutFailed(err: unknown): Promise<number> {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EPIPE') return EXIT.OK;
  await new Promise((r) => setImmediate(r));
  throw new CliError(
    `cannot write to stdout: ${knownFileProblem(err) ?? (err as Error)?.message ?? String(err)}`,
    EXIT.FAILURE,
    {
      cause: err,
    },
  );
}

/** The filters, sort and limit from the options; bad values are usage errors before any request. */
/** As declared in threads.ts. */
export interface ListOptions {
  user?: string;
  since?: string;
  until?: string;
  grep?: string;
  sort?: string;
  reverse?: boolean;
  limit?: number;
}

export interface ShowOptions {
  hash?: boolean;
  follow?: boolean;
  interval?: number;
  /** false with --no-pager. */
  pager?: boolean;
}

export function threadQuery(opts: ListOptions, now = Date.now()): ThreadQuery {
  const q: ThreadQuery = {};
  if (opts.user !== undefined) q.user = opts.user;
  if (opts.since !== undefined) q.since = parseWhen(opts.since, '--since', now);
  if (opts.until !== undefined) q.until = parseWhen(opts.until, '--until', now);
  if (opts.grep !== undefined) q.grep = opts.grep;
  if (opts.sort !== undefined) q.sort = parseSortKey(opts.sort);
  if (opts.reverse === true) q.reverse = true;
  if (opts.limit !== undefined) q.limit = opts.limit;
  return q;
}

export const list: Handler<ListOptions> = async (ctx, _args, opts) => {
  const { out } = ctx;
  const query = threadQuery(opts);
  const s = await ctx.settings();
  const client = await ctx.client(s);
  // --json in a pipe: the array as the API sent it, byte for byte and as it arrives, without
  // keeping 23 MB in memory or parsing it to print it again (BENCHMARKS.md). Only a 2xx body that
  // is plainly an array qualifies, and only when no filter, sort, limit or field list changes it.
  const pass = out.passThrough && !queryChanges(query) ? new ArrayPassThrough((c) => out.writeChunk(c)) : undefined;
  const sink = pass && ((status: number, _headers: Headers) => (status >= 200 && status < 300 ? pass : undefined));
  let res: HttpResponse | undefined;
  try {
    res = await out.during('Loading threads', () => client.listThreadsRaw(sink));
    const whole = pass?.streaming && (await pass.end());
    // The last bytes, held back in case they start a secret, go out whatever the body's end.
    if (pass?.wrote)
      await Promise.resolve(out.endChunks()).catch((err: unknown) => {
        pass.writeError ??= err;
        throw err;
      });
    if (whole) return;
  } catch (err) {
    if (pass && pass.writeError !== undefined) return stdoutFailed(pass.writeError);
    throw err;
  }
  if (pass && res.streamed) {
    if (pass.invalid) {
      const type = String(res.headers['content-type'] ?? '');
      const start = pass.head.replace(/\s+/g, ' ').trim();
      throw new ApiError(
        `unexpected response from the API (${statusLine(res.status)}${type ? `, ${type}` : ''}), not JSON: ${start}${pass.head.length >= 80 ? '…' : ''}`,
        res.status,
        {
          hint: pass.wrote
            ? 'the output above is incomplete; is --base-url pointing at the Gurusup API? A proxy may be answering instead'
            : 'is --base-url pointing at the Gurusup API? A proxy or captive portal may be answering instead',
        },
      );
    }
    if (pass.streaming) {
      const type = String(res.headers['content-type'] ?? '');
      const start = pass.head.replace(/\s+/g, ' ').trim().slice(0, 60);
      throw new ApiError(
        `unexpected response from the API (${statusLine(res.status)}${type ? `, ${type}` : ''}), not a complete JSON array: ${start}… does not end with ]`,
        res.status,
        {
          hint: 'the output above is incomplete; is --base-url pointing at the Gurusup API? A proxy may be answering instead',
        },
      );
    }
    res = new HttpResponse(res.status, res.headers, pass.kept);
  }
  // JSON can only put a tab, CR, LF or backslash in a string as an escape, which starts with a
  // backslash: a body without one needs no TSV escaping anywhere (one scan instead of 500,000).
  const plain = !res.text.includes('\\');
  const data = parseJsonBody(res);
  // Let go of the body (its chunks, their join and the text: three copies of up to 23 MB) before
  // formatting: kept alive, they made the collector work through every row (BENCHMARKS.md §2).
  res = undefined;
  if (!Array.isArray(data)) throw new ApiError('unexpected response from GET /threads: expected a JSON array', 200);
  const matched = queryChanges(query) ? applyQuery(data, { ...query, limit: undefined }) : data;
  const threads = query.limit !== undefined ? matched.slice(0, query.limit) : matched;
  if (out.json) return void out.printJson(threads);
  const objs = threads.filter(isObject);
  const cols = threadColumns(objs, { plain });
  if (out.human) {
    if (objs.length === 0) return void out.info(data.length ? 'No threads match.' : 'No threads.');
    const { renderTable } = await import('../output/table.js');
    // On a terminal, times read relative (`3 hours ago`); piped and --json keep the API's values.
    const timeCol = cols.header.indexOf('UPDATED');
    const now = Date.now();
    const rows = objs.map((t) => {
      const row = cols.row(t, hashOf(t));
      if (timeCol >= 0 && row[timeCol]) row[timeCol] = relativeTime(row[timeCol]!, now);
      return row;
    });
    out.write(renderTable(cols.header, rows, out.paint.bold, out.columns, cols.table));
    if (query.limit !== undefined && matched.length > query.limit)
      out.info(`Showing ${query.limit} of ${plural(matched.length, 'thread')}.`);
    return;
  }
  const lines = new Array<string>(objs.length);
  for (let i = 0; i < objs.length; i++) lines[i] = cols.tsv(objs[i]!, hashOf(objs[i]!));
  // One write: 100,000 small writes cost more than the formatting.
  if (lines.length) out.write(`${lines.join('\n')}\n`);
};

export const show: Handler<ShowOptions> = async (ctx, args, opts) => {
  const { out } = ctx;
  const arg = String(args[0]);
  // An empty fid would be looked up as md5("") (the API docs' placeholder hash): a usage error, like an empty message id.
  if (arg === '')
    throw new UsageError('the thread is empty', 'pass a thread_fid (see gurusup threads list), or a hash with --hash');
  let hash: string;
  if (opts.hash) {
    if (!isThreadHash(arg))
      throw new UsageError(
        `not a thread hash: ${JSON.stringify(arg)} (expected 32 hex characters)`,
        'drop --hash to pass a thread_fid',
      );
    hash = arg.toLowerCase();
  } else {
    hash = threadHash(arg);
  }
  const following = opts.follow === true;
  if (opts.interval !== undefined && !following)
    throw new UsageError('--interval only applies with --follow', 'add --follow (-f), or drop --interval');
  const s = await ctx.settings();
  let outage: Outage | undefined;
  const client = await ctx.client(
    s,
    following ? { onRetry: (r) => outage?.report(`the API did not answer (${plainReason(r.reason)})`) } : {},
  );
  let thread: unknown;
  try {
    thread = await out.during('Loading thread', () => client.getThread(hash));
  } catch (err) {
    // Ctrl-C is how a follow ends, even before the first answer.
    if (following && err instanceof InterruptedError) return EXIT.OK;
    if (!(err instanceof NotFoundError)) throw err;
    // An argument that is itself a hash was most likely meant as one.
    const hint =
      !opts.hash && isThreadHash(arg)
        ? `${JSON.stringify(arg)} looks like a thread hash: add --hash to look it up as one`
        : "list the threads with 'gurusup threads list'";
    throw new NotFoundError(opts.hash ? `thread not found: hash ${hash}` : `thread not found: ${arg} (hash ${hash})`, {
      hint,
    });
  }
  if (following) {
    if (!isObject(thread))
      throw new ApiError('unexpected response from GET /threads/{hash}: expected a JSON object', 200);
    // NDJSON: the thread object on one line, then one line per new message.
    if (out.json) out.printJsonLine(thread);
    else printThread(ctx, thread, hash);
    const { follow, Outage } = await import('./threads-follow.js');
    outage = new Outage((line) => out.warn(line));
    const seconds = opts.interval ?? 3;
    return follow(
      ctx,
      client,
      thread,
      { hash, label: opts.hash ? hash : arg, intervalMs: seconds * 1000, clock: ctx.deps.clock },
      outage,
    );
  }
  if (out.json) return void out.printJson(thread);
  if (!isObject(thread))
    throw new ApiError('unexpected response from GET /threads/{hash}: expected a JSON object', 200);
  const noPager = opts.pager === false;
  // A pager needs the transcript whole; otherwise it streams out as it is built.
  if (out.human && (await out.pages(noPager))) {
    let text = '';
    writeTranscript(thread, hash, out.paint, { width: out.columns }, (s) => (text += s));
    return out.page(text, noPager);
  }
  printThread(ctx, thread, hash);
};

function printThread(ctx: Parameters<Handler>[0], thread: Record<string, unknown>, hash: string): void {
  const { out } = ctx;
  if (out.human) return writeTranscript(thread, hash, out.paint, { width: out.columns }, (s) => out.write(s));
  const messages = Array.isArray(thread.messages) ? thread.messages.filter(isObject) : [];
  const customer = threadCustomer(thread, messages);
  let buf = '';
  for (const m of messages) buf += `${messageTsv(m, customer)}\n`;
  out.write(buf);
}
