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
import { HttpResponse, type BodySink, type Headers } from '../api/transport.js';
import { threadHash, isThreadHash } from '../api/hash.js';
import { isObject, messageTsv, threadColumns, threadCustomer, writeTranscript } from '../output/format.js';
import type { Outage } from './threads-follow.js';
import { relativeTime } from '../output/time.js';
import { atEnd } from '../lifecycle.js';
import { knownFileProblem } from '../files.js';
import { hasMaxOpt, setV8Flags } from '../v8-flags.js';
import { JsonScanner } from '../output/json-scan.js';
import { applyQuery, parseSortKey, parseWhen, queryChanges, type ThreadQuery } from './threads-filter.js';
import { plural } from '../output/plural.js';

const BLANK = new Set([0x20, 0x0a, 0x0d, 0x09]);

/** The first and last non-blank bytes of the body, across chunks, are [ and ]. */
export function isJsonArray(chunks: readonly Buffer[]): boolean {
  let first: number | undefined;
  for (const c of chunks) {
    for (const b of c)
      if (!BLANK.has(b)) {
        first = b;
        break;
      }
    if (first !== undefined) break;
  }
  let last: number | undefined;
  for (let k = chunks.length - 1; k >= 0 && last === undefined; k--) {
    const c = chunks[k]!;
    for (let i = c.length - 1; i >= 0; i--)
      if (!BLANK.has(c[i]!)) {
        last = c[i];
        break;
      }
  }
  return first === 0x5b && last === 0x5d;
}

/**
 * GET /threads --json in a pipe, streamed: the body goes to stdout as it arrives, checked on the
 * way. Until the first non-blank byte nothing is written; if it is not `[` the body is kept in
 * memory instead (`kept`) for the usual parse and error. Once streaming, each chunk is checked
 * as JSON (a byte scanner, no values built) and written when the next non-blank chunk arrives
 * (one write per chunk), so the chunk holding the last non-blank byte is still held at the end:
 * it goes out only if it completes the array. A chunk that is not JSON is never written, nor
 * anything after it. A body cut off or not JSON never reads as a whole array.
 */
export class ArrayPassThrough implements BodySink {
  /** The body, when it did not start with `[` (or is all blanks so far). */
  readonly kept: Buffer[] = [];
  #streaming = false;
  #keeping = false;
  /** The last chunk with a non-blank byte, and the blank chunks after it. */
  #held: Buffer[] = [];
  #head = '';
  #scan = new JsonScanner();
  #invalid = false;
  #wrote = false;
  #sinceGc = 0;
  #gc: (() => void) | undefined | null = null;
  /** The error stdout failed with, if it did. */
  writeError: unknown;
  readonly #out: (chunk: Buffer) => void | Promise<void>;
  constructor(out: (chunk: Buffer) => void | Promise<void>) {
    this.#out = (chunk) => {
      try {
        return out(chunk)?.catch((err: unknown) => {
          this.writeError ??= err;
          throw err;
        });
      } catch (err) {
        this.writeError ??= err;
        throw err;
      }
    };
  }

  get streaming(): boolean {
    return this.#streaming;
  }

  /** The body stopped being JSON: nothing from there on was written. */
  get invalid(): boolean {
    return this.#invalid;
  }

  /** Some of the body is on stdout. */
  get wrote(): boolean {
    return this.#wrote;
  }

  /** The start of the body, for an error message. */
  get head(): string {
    return this.#head;
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.#head.length < 80) this.#head += chunk.subarray(0, 80 - this.#head.length).toString('latin1');
    if ((this.#sinceGc += chunk.length) >= SCAVENGE_EVERY) {
      this.#sinceGc = 0;
      if (this.#gc === null) {
        // A big body, then: a small one never touches V8's flags (node:v8 alone costs ~1.5 ms
        // to load on Node 22).
        this.#gc = scavenger();
        if (this.#streaming) lightTiers();
      }
      this.#gc?.();
    }
    if (this.#keeping) return void this.kept.push(chunk);
    if (this.#invalid) return;
    if (!this.#streaming) {
      const i = firstNonBlank(chunk);
      if (i < 0) return void this.kept.push(chunk);
      if (chunk[i] !== 0x5b) {
        this.#keeping = true;
        return void this.kept.push(chunk);
      }
      this.#streaming = true;
      // Leading blanks go out as they came, with the chunk.
      this.#held = this.kept.splice(0);
    }
    if (!this.#scan.feed(chunk)) {
      this.#invalid = true;
      this.#held = [];
      return;
    }
    if (lastNonBlank(chunk) < 0) return void this.#held.push(chunk);
    const ready = this.#held;
    this.#held = [chunk];
    return this.#put(ready);
  }

  #put(bufs: Buffer[]): void | Promise<void> {
    if (bufs.length) this.#wrote = true;
    const pending: Promise<void>[] = [];
    for (const b of bufs) {
      const p = this.#out(b);
      if (p) pending.push(p);
    }
    if (pending.length) return Promise.all(pending).then(() => undefined);
  }

  /** After the whole body: writes the held end and resolves true, or false when the body is not one whole array. */
  async end(): Promise<boolean> {
    if (this.#invalid) return false;
    const [last, ...blanks] = this.#held;
    const j = last ? lastNonBlank(last) : -1;
    // Complete, the array's last non-blank byte is its `]`.
    if (!last || j < 0 || !this.#scan.complete) {
      // Everything but the wrong ending: the output stops where the body went wrong.
      if (last && j > 0) await this.#put([last.subarray(0, j)]);
      return false;
    }
    const end = blanks.length ? blanks[blanks.length - 1]! : last;
    await this.#put(end[end.length - 1] === 0x0a ? this.#held : [...this.#held, Buffer.from('\n')]);
    return true;
  }
}

function firstNonBlank(b: Buffer): number {
  for (let i = 0; i < b.length; i++) if (!BLANK.has(b[i]!)) return i;
  return -1;
}

function lastNonBlank(b: Buffer): number {
  for (let i = b.length - 1; i >= 0; i--) if (!BLANK.has(b[i]!)) return i;
  return -1;
}

/**
 * A young-generation collection, every so many bytes passed through: each socket read is a fresh
 * 64 KB buffer, and V8 collects them only once ~30 MB of them pile up (peak RSS 85 MB for a
 * 23 MB body; 53 MB with this, BENCHMARKS.md). A scavenge of this small heap costs well under
 * 1 ms. Undefined when the runtime refuses (then memory is left to V8).
 */
function scavenger(): (() => void) | undefined {
  try {
    const v8 = process.getBuiltinModule('node:v8') as typeof import('node:v8');
    const vm = process.getBuiltinModule('node:vm') as typeof import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (o?: { type: 'minor' | 'major' }) => void;
    // Only this one function: contexts made later get no `gc`, and V8's flags are as they were
    // (a code cache written at exit is checked against them).
    v8.setFlagsFromString('--no-expose-gc');
    if (typeof gc !== 'function') return undefined;
    return () => gc({ type: 'minor' });
  } catch {
    return undefined;
  }
}

const SCAVENGE_EVERY = 512 * 1024;

/**
 * While bytes only pass through, no JavaScript is hot enough to gain from V8's optimizing
 * compilers, and the first optimization pages ~3.5 MB of Node's own code (the compiler) into
 * memory: peak RSS 52 -> 48.5 MB for 23 MB (BENCHMARKS.md §2). Sparkplug, the baseline tier,
 * stays. Set back at the end of the command (tests run commands in one process).
 */
function lightTiers(): void {
  if (!hasMaxOpt()) return;
  try {
    setV8Flags('--max-opt=1');
    atEnd(async () => setV8Flags('--max-opt=999'));
  } catch {
    // V8 refused the flag: memory is left as it was
  }
}

function hashOf(t: Record<string, unknown>): string {
  if (typeof t.thread_fid === 'string') return threadHash(t.thread_fid);
  return typeof t.thread === 'string' ? t.thread : '';
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
    if (pass?.streaming && (await pass.end())) return;
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
