import type { Handler } from './types.js';
import { ApiError, NotFoundError, UsageError } from '../errors.js';
import { parseJsonBody } from '../api/client.js';
import { threadHash, isThreadHash } from '../api/hash.js';
import { isObject, messageTsv, threadColumns, transcript, tsvRow } from '../output/format.js';

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

export const list: Handler = async (ctx, _args, opts) => {
  const { out } = ctx;
  const s = await ctx.settings();
  const client = await ctx.client(s);
  const res = await out.during('Loading threads', () => client.listThreadsRaw());
  // --json in a pipe: the array as the API sent it, byte for byte, without parsing 20 MB to
  // print it again (BENCHMARKS.md). Only a body that is plainly an array qualifies.
  if (out.json && !out.opts.fields && opts.limit === undefined && !out.stdoutTTY && isJsonArray(res.chunks)) {
    return void out.writeBytes(res.chunks);
  }
  const data = parseJsonBody(res);
  if (!Array.isArray(data)) throw new ApiError('unexpected response from GET /threads: expected a JSON array', 200);
  const limit = typeof opts.limit === 'number' ? opts.limit : undefined;
  const threads = limit !== undefined ? data.slice(0, limit) : data;
  if (out.json) return void out.printJson(threads);
  const objs = threads.filter(isObject);
  const cols = threadColumns(objs);
  if (out.human) {
    if (objs.length === 0) return void out.info('No threads.');
    const { renderTable } = await import('../output/table.js');
    out.write(renderTable(cols.header, objs.map((t) => cols.row(t, hashOf(t))), out.paint.bold, out.io.stdout.columns ?? 0));
    if (limit !== undefined && data.length > limit) out.info(`Showing ${limit} of ${data.length} threads.`);
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
  let hash: string;
  if (opts.hash) {
    if (!isThreadHash(arg)) throw new UsageError(`not a thread hash: ${JSON.stringify(arg)} (expected 32 hex characters)`, 'drop --hash to pass a thread_fid');
    hash = arg.toLowerCase();
  } else {
    hash = threadHash(arg);
  }
  const s = await ctx.settings();
  const client = await ctx.client(s);
  const thread = await out.during('Loading thread', () => client.getThread(hash)).catch((err: unknown) => {
    if (!(err instanceof NotFoundError)) throw err;
    throw new NotFoundError(opts.hash ? `thread not found: hash ${hash}` : `thread not found: ${arg} (hash ${hash})`, {
      hint: "list the threads with 'gurusup threads list'",
    });
  });
  if (out.json) return void out.printJson(thread);
  if (!isObject(thread)) throw new ApiError('unexpected response from GET /threads/{hash}: expected a JSON object', 200);
  if (out.human) return void out.write(transcript(thread, hash, out.paint));
  const messages = Array.isArray(thread.messages) ? thread.messages.filter(isObject) : [];
  let buf = '';
  for (const m of messages) buf += `${messageTsv(m)}\n`;
  out.write(buf);
};
