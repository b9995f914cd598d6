import type { Handler } from './types.js';
import { ApiError, InterruptedError, NotFoundError, UsageError } from '../errors.js';
import { parseJsonBody } from '../api/client.js';
import { threadHash, isThreadHash } from '../api/hash.js';
import { isObject, messageTsv, threadColumns, transcript, tsvRow } from '../output/format.js';
import type { Outage } from './threads-follow.js';
import { relativeTime } from '../output/time.js';
import { applyQuery, parseSortKey, parseWhen, queryChanges, type ThreadQuery } from './threads-filter.js';

const BLANK = new Set([0x20, 0x0a, 0x0d, 0x09]);

/** The first and last non-blank bytes of the body, across chunks, are [ and ]. */
export function isJsonArray(chunks: readonly Buffer[]): boolean {
  let first: number | undefined;
  for (const c of chunks) {
    for (const b of c) if (!BLANK.has(b)) {
      first = b;
      break;
    }
    if (first !== undefined) break;
  }
  let last: number | undefined;
  for (let k = chunks.length - 1; k >= 0 && last === undefined; k--) {
    const c = chunks[k]!;
    for (let i = c.length - 1; i >= 0; i--) if (!BLANK.has(c[i]!)) {
      last = c[i];
      break;
    }
  }
  return first === 0x5b && last === 0x5d;
}

function hashOf(t: Record<string, unknown>): string {
  if (typeof t.thread_fid === 'string') return threadHash(t.thread_fid);
  return typeof t.thread === 'string' ? t.thread : '';
}

/** The filters, sort and limit from the options; bad values are usage errors before any request. */
export function threadQuery(opts: Record<string, unknown>, now = Date.now()): ThreadQuery {
  const q: ThreadQuery = {};
  if (typeof opts.user === 'string') q.user = opts.user;
  if (typeof opts.since === 'string') q.since = parseWhen(opts.since, '--since', now);
  if (typeof opts.until === 'string') q.until = parseWhen(opts.until, '--until', now);
  if (typeof opts.grep === 'string') q.grep = opts.grep;
  if (typeof opts.sort === 'string') q.sort = parseSortKey(opts.sort);
  if (opts.reverse === true) q.reverse = true;
  if (typeof opts.limit === 'number') q.limit = opts.limit;
  return q;
}

export const list: Handler = async (ctx, _args, opts) => {
  const { out } = ctx;
  const query = threadQuery(opts);
  const s = await ctx.settings();
  const client = await ctx.client(s);
  const res = await out.during('Loading threads', () => client.listThreadsRaw());
  // --json in a pipe: the array as the API sent it, byte for byte, without parsing 20 MB to
  // print it again (BENCHMARKS.md). Only a body that is plainly an array qualifies, and only
  // when no filter, sort or limit changes it.
  if (out.json && !out.opts.fields && !queryChanges(query) && !out.stdoutTTY && isJsonArray(res.chunks)) {
    return void out.writeBytes(res.chunks);
  }
  const data = parseJsonBody(res);
  if (!Array.isArray(data)) throw new ApiError('unexpected response from GET /threads: expected a JSON array', 200);
  const matched = queryChanges(query) ? applyQuery(data, { ...query, limit: undefined }) : data;
  const threads = query.limit !== undefined ? matched.slice(0, query.limit) : matched;
  if (out.json) return void out.printJson(threads);
  const objs = threads.filter(isObject);
  const cols = threadColumns(objs);
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
    if (query.limit !== undefined && matched.length > query.limit) out.info(`Showing ${query.limit} of ${matched.length} threads.`);
    return;
  }
  const lines = new Array<string>(objs.length);
  for (let i = 0; i < objs.length; i++) lines[i] = tsvRow(cols.row(objs[i]!, hashOf(objs[i]!)));
  // One write: 100,000 small writes cost more than the formatting.
  if (lines.length) out.write(`${lines.join('\n')}\n`);
};

export const show: Handler = async (ctx, args, opts) => {
  const { out } = ctx;
  const arg = String(args[0]);
  // An empty fid would be looked up as md5("") (the API docs' placeholder hash): a usage error, like an empty message id.
  if (arg === '') throw new UsageError('the thread is empty', 'pass a thread_fid (see gurusup threads list), or a hash with --hash');
  let hash: string;
  if (opts.hash) {
    if (!isThreadHash(arg)) throw new UsageError(`not a thread hash: ${JSON.stringify(arg)} (expected 32 hex characters)`, 'drop --hash to pass a thread_fid');
    hash = arg.toLowerCase();
  } else {
    hash = threadHash(arg);
  }
  const following = opts.follow === true;
  if (opts.interval !== undefined && !following) throw new UsageError('--interval only applies with --follow', 'add --follow (-f), or drop --interval');
  const s = await ctx.settings();
  let outage: Outage | undefined;
  const client = await ctx.client(s, following ? { onRetry: (r) => outage?.report(`the API did not answer (${r.reason})`) } : {});
  let thread: unknown;
  try {
    thread = await out.during('Loading thread', () => client.getThread(hash));
  } catch (err) {
    // Ctrl-C is how a follow ends, even before the first answer.
    if (following && err instanceof InterruptedError) return 0;
    if (!(err instanceof NotFoundError)) throw err;
    // An argument that is itself a hash was most likely meant as one.
    const hint = !opts.hash && isThreadHash(arg) ? `${JSON.stringify(arg)} looks like a thread hash: add --hash to look it up as one` : "list the threads with 'gurusup threads list'";
    throw new NotFoundError(opts.hash ? `thread not found: hash ${hash}` : `thread not found: ${arg} (hash ${hash})`, { hint });
  }
  if (following) {
    if (!isObject(thread)) throw new ApiError('unexpected response from GET /threads/{hash}: expected a JSON object', 200);
    // NDJSON: the thread object on one line, then one line per new message.
    if (out.json) out.printJsonLine(thread);
    else printThread(ctx, thread, hash);
    const { follow, Outage } = await import('./threads-follow.js');
    outage = new Outage((line) => out.warn(line));
    const seconds = typeof opts.interval === 'number' ? opts.interval : 3;
    return follow(ctx, client, thread, { hash, label: opts.hash ? hash : arg, intervalMs: seconds * 1000 }, outage);
  }
  if (out.json) return void out.printJson(thread);
  if (!isObject(thread)) throw new ApiError('unexpected response from GET /threads/{hash}: expected a JSON object', 200);
  printThread(ctx, thread, hash);
};

function printThread(ctx: Parameters<Handler>[0], thread: Record<string, unknown>, hash: string): void {
  const { out } = ctx;
  if (out.human) return void out.write(transcript(thread, hash, out.paint, { width: out.columns }));
  const messages = Array.isArray(thread.messages) ? thread.messages.filter(isObject) : [];
  let buf = '';
  for (const m of messages) buf += `${messageTsv(m)}\n`;
  out.write(buf);
}
