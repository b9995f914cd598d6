import fs from 'node:fs';
import { fileError } from '../files.js';
import type { Handler } from './types.js';
import { ApiError, CliError, InterruptedError, NotFoundError, UsageError } from '../errors.js';
import { threadHash } from '../api/hash.js';
import { isObject, pickFields } from '../output/format.js';

/** The key a thread is known by across runs: its fid's hash, or the API's `thread` hash. */
function exportKey(t: Record<string, unknown>): string | undefined {
  if (typeof t.thread_fid === 'string') return threadHash(t.thread_fid);
  return typeof t.thread === 'string' ? t.thread : undefined;
}

/**
 * Reads the threads already exported. A last line cut short by a crash is removed
 * so that the file holds only complete lines before we append.
 */
export function readExported(file: string): Set<string> {
  const done = new Set<string>();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return done;
    throw fileError('read', '--out', file, err);
  }
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) fs.truncateSync(file, Buffer.byteLength(text.slice(0, end)));
  for (const line of text.slice(0, end).split('\n')) {
    if (!line) continue;
    try {
      const v: unknown = JSON.parse(line);
      const k = isObject(v) ? exportKey(v) : undefined;
      if (k) done.add(k);
    } catch {
      throw new CliError(`--out file ${file} has a line that is not JSON; refusing to resume into it`, 1, { hint: 'export to a new file instead' });
    }
  }
  return done;
}

export const exportThreads: Handler = async (ctx, _args, opts) => {
  const { out, io } = ctx;
  const file = typeof opts.out === 'string' ? opts.out : undefined;
  const concurrency = typeof opts.concurrency === 'number' ? opts.concurrency : 8;
  if (opts.resume && !file) throw new UsageError('--resume needs --out <file>');
  const fields = out.opts.fields;
  if (opts.resume && fields && !fields.includes('thread_fid') && !fields.includes('thread')) {
    throw new UsageError('--resume recognises threads by thread_fid: include it in the --json field list');
  }
  if (concurrency > 64) throw new UsageError('--concurrency is at most 64');

  const s = await ctx.settings();
  // Shared back-off: when one request is told to wait, every worker waits.
  let pausedUntil = 0;
  const client = await ctx.client(s, {
    onRetry: ({ delayMs }) => {
      pausedUntil = Math.max(pausedUntil, Date.now() + delayMs);
    },
  });

  const list = await client.listThreads();
  if (!Array.isArray(list)) throw new ApiError('unexpected response from GET /threads: expected a JSON array', 200);
  const all = list.filter(isObject).map((t) => ({ t, key: exportKey(t) })).filter((x): x is { t: Record<string, unknown>; key: string } => x.key !== undefined);
  const already = file && opts.resume ? readExported(file) : new Set<string>();
  const todo = all.filter((x) => !already.has(x.key));

  let fd: number | undefined;
  if (file) {
    try {
      fd = fs.openSync(file, opts.resume ? 'a' : 'w', 0o600);
    } catch (err) {
      throw fileError('write', '--out', file, err);
    }
  }
  // One write per complete line: an interrupted export leaves only whole lines.
  const emit = (value: unknown) => {
    out.checkFields(value);
    const line = `${JSON.stringify(pickFields(value, out.opts.fields))}\n`;
    if (fd !== undefined) fs.writeSync(fd, line);
    else io.stdout.write(line);
  };

  const bar = out.animate ? await out.progress('Exporting', todo.length) : undefined;
  const started = performance.now();
  let done = 0;
  let exported = 0;
  const failed: string[] = [];
  const vanished: string[] = [];
  let next = 0;

  // An error that ends the whole export (a rejected key): workers stop, and the file is closed
  // only once every one of them has.
  let fatal: unknown;
  const worker = async () => {
    while (next < todo.length && !ctx.signal.aborted && fatal === undefined) {
      const item = todo[next++]!;
      const wait = pausedUntil - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        const thread = await client.getThread(item.key);
        if (ctx.signal.aborted || fatal !== undefined) return;
        emit(thread);
        exported++;
      } catch (err) {
        if (err instanceof InterruptedError || ctx.signal.aborted) return;
        const name = typeof item.t.thread_fid === 'string' ? item.t.thread_fid : item.key;
        if (err instanceof NotFoundError) vanished.push(name);
        else if (err instanceof CliError && err.exitCode === 3) {
          fatal ??= err;
          return;
        }
        else {
          failed.push(name);
          if (!bar) out.warn(`thread ${name}: ${(err as Error).message}`);
        }
      }
      done++;
      bar?.tick(done);
    }
  };

  try {
    await Promise.allSettled(Array.from({ length: Math.min(concurrency, Math.max(1, todo.length)) }, worker));
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    bar?.end();
  }
  if (fatal !== undefined) throw fatal;
  if (ctx.signal.aborted) {
    out.info(`Interrupted after ${exported} threads${file ? `; run again with --resume to finish ${file}` : ''}.`);
    throw new InterruptedError();
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const skipped = all.length - todo.length;
  out.info(`Exported ${exported} threads${skipped ? ` (${skipped} already in ${file})` : ''} in ${secs}s${file ? ` to ${file}` : ''}.`);
  if (vanished.length) out.warn(`${vanished.length} threads were listed but no longer exist: ${vanished.slice(0, 5).join(', ')}${vanished.length > 5 ? ', …' : ''}`);
  if (failed.length) {
    throw new CliError(`${failed.length} threads could not be exported: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}`, 1, {
      hint: file ? 'run the same command with --resume to fetch only the missing ones' : 'export with --out <file>, then --resume to retry the missing ones',
    });
  }
  return 0;
};
