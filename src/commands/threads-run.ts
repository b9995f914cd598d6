import type { Handler } from './types.js';
import { ApiError, NotFoundError, UsageError } from '../errors.js';
import { threadHash, isThreadHash } from '../api/hash.js';
import { isObject, messageTsv, threadColumns, transcript, tsvRow } from '../output/format.js';

function hashOf(t: Record<string, unknown>): string {
  if (typeof t.thread_fid === 'string') return threadHash(t.thread_fid);
  return typeof t.thread === 'string' ? t.thread : '';
}

export const list: Handler = async (ctx, _args, opts) => {
  const { out } = ctx;
  const s = await ctx.settings();
  const client = await ctx.client(s);
  const spin = await out.spinner('Loading threads');
  let data: unknown;
  try {
    data = await client.listThreads();
  } finally {
    spin.stop();
  }
  if (!Array.isArray(data)) throw new ApiError('unexpected response from GET /threads: expected a JSON array', 200);
  const limit = typeof opts.limit === 'number' ? opts.limit : undefined;
  const threads = limit !== undefined ? data.slice(0, limit) : data;
  if (out.json) return void out.printJson(threads);
  const objs = threads.filter(isObject);
  const cols = threadColumns(objs);
  if (out.human) {
    if (objs.length === 0) return void out.info('No threads.');
    const { renderTable } = await import('../output/table.js');
    out.write(renderTable(cols.header, objs.map((t) => cols.row(t, hashOf(t))), out.paint.bold));
    if (limit !== undefined && data.length > limit) out.info(`Showing ${limit} of ${data.length} threads.`);
    return;
  }
  let buf = '';
  for (const t of objs) buf += `${tsvRow(cols.row(t, hashOf(t)))}\n`;
  out.write(buf);
};

export const show: Handler = async (ctx, args, opts) => {
  const { out } = ctx;
  const arg = String(args[0]);
  let hash: string;
  if (opts.hash) {
    if (!isThreadHash(arg)) throw new UsageError(`not a thread hash: ${JSON.stringify(arg)} (expected 32 hex characters)`, 'drop --hash to pass a thread_fid');
    hash = arg.toLowerCase();
  } else {
    hash = threadHash(arg);
  }
  const s = await ctx.settings();
  const client = await ctx.client(s);
  const spin = await out.spinner('Loading thread');
  let thread: unknown;
  try {
    thread = await client.getThread(hash);
  } catch (err) {
    if (err instanceof NotFoundError) {
      throw new NotFoundError(opts.hash ? `thread not found: hash ${hash}` : `thread not found: ${arg} (hash ${hash})`, {
        hint: "list the threads with 'gurusup threads list'",
      });
    }
    throw err;
  } finally {
    spin.stop();
  }
  if (out.json) return void out.printJson(thread);
  if (!isObject(thread)) throw new ApiError('unexpected response from GET /threads/{hash}: expected a JSON object', 200);
  if (out.human) return void out.write(transcript(thread, hash, out.paint));
  const messages = Array.isArray(thread.messages) ? thread.messages.filter(isObject) : [];
  let buf = '';
  for (const m of messages) buf += `${messageTsv(m)}\n`;
  out.write(buf);
};
