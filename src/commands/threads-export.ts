import fs from 'node:fs';
import { fileError, knownFileProblem } from '../fs/files.js';
import type { Handler } from './types.js';
import { EXIT, ApiError, CliError, InterruptedError, NotFoundError, UsageError } from '../errors.js';
// The key a thread is known by across runs.
import { threadKey as exportKey } from '../model/fields.js';
import { isObject, pickFields } from '../output/format.js';
import { acquireLock } from '../fs/lockfile.js';
import { now } from '../runtime/clock.js';
import { plural } from '../output/plural.js';

/**
 * Reads the threads already exported. A last line cut short by a crash is removed
 * so that the file holds only complete lines before we append.
 */
export function readExported(file: string): Set<string> {
  const done = new Set<string>();
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return done;
    throw fileError('read', '--out', file, err);
  }
  // In bytes: decoding first would turn an invalid byte into U+FFFD (3 bytes) and misplace the cut.
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length) fs.truncateSync(file, end);
  for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
    if (!line) continue;
    try {
      const v: unknown = JSON.parse(line);
      const k = isObject(v) ? exportKey(v) : undefined;
      if (k) done.add(k);
    } catch {
      throw new CliError(`--out file ${file} has a line that is not JSON; refusing to resume into it`, EXIT.FAILURE, {
        hint: 'export to a new file instead',
      });
    }
  }
  return done;
}

/** As declared in threads.ts. */
export interface ExportOptions {
  out?: string;
  concurrency?: number;
  resume?: boolean;
  force?: boolean;
}

export const exportThreads: Handler<ExportOptions> = async (ctx, _args, opts) => {
  const { out } = ctx;
  const file = opts.out;
  const concurrency = opts.concurrency ?? 8;
  if (opts.resume && !file) throw new UsageError('--resume needs --out <file>');
  const fields = out.opts.fields;
  if (opts.resume && fields && !fields.includes('thread_fid') && !fields.includes('thread')) {
    throw new UsageError('--resume recognises threads by thread_fid: include it in the --json field list');
  }
  if (concurrency > 64) throw new UsageError('--concurrency is at most 64');
  if (opts.resume && opts.force) throw new UsageError('pass either --resume or --force, not both');

  // One export per file at a time: two writers would duplicate and lose threads.
  const unlock = file ? lockOut(file) : undefined;
  try {
    // After the lock: a file another export is writing is reported as that, not as "exists".
    if (file && !opts.resume && !opts.force && holdsData(file))
      throw new UsageError(
        `--out file ${file} already exists`,
        'pass --resume to add the missing threads to it, or --force to overwrite it',
      );
    return await runExport(ctx, file, concurrency, opts.resume === true);
  } finally {
    unlock?.();
  }
};

/** A regular file with something in it: an earlier export that a plain run would overwrite. */
function holdsData(file: string): boolean {
  try {
    const st = fs.statSync(file);
    return st.isFile() && st.size > 0;
  } catch {
    return false; // not there (or not readable: opening it says why)
  }
}

function lockOut(file: string): () => void {
  // `--out /dev/stdout` or a FIFO: nothing to share or resume, and no directory to lock in.
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (st && !st.isFile()) return () => {};
  const lock = `${file}.lock`;
  let release: (() => void) | undefined;
  try {
    release = acquireLock(lock, { waitMs: 0, staleMs: 24 * 3600_000 });
  } catch (err) {
    // No such directory, no permission: the same rule as any file named on the command line.
    throw fileError('write', '--out', file, err);
  }
  if (!release)
    throw new CliError(`another export is writing to ${file}`, EXIT.FAILURE, {
      hint: `wait for it to finish; if none is running, delete ${lock}`,
    });
  return release;
}

async function runExport(
  ctx: Parameters<Handler>[0],
  file: string | undefined,
  concurrency: number,
  resume: boolean,
): Promise<number> {
  const { out } = ctx;
  const opts = { resume };
  const s = await ctx.settings();
  // Shared back-off: when one request is told to wait, every worker waits.
  let pausedUntil = 0;
  const clock = ctx.deps.clock;
  const now = clock ? () => clock.now() : Date.now;
  const client = await ctx.client(s, {
    onRetry: ({ delayMs }) => {
      pausedUntil = Math.max(pausedUntil, now() + delayMs);
    },
  });

  const list = await client.listThreads();
  if (!Array.isArray(list)) throw new ApiError('unexpected response from GET /threads: expected a JSON array', 200);
  const all = list
    .filter(isObject)
    .map((t) => ({ t, key: exportKey(t) }))
    .filter((x): x is { t: Record<string, unknown>; key: string } => x.key !== undefined);
  const already = file && opts.resume ? readExported(file) : new Set<string>();
  const todo = all.filter((x) => !already.has(x.key));

  let fd: number | undefined;
  /** Bytes of complete lines in --out: where a line not written whole is cut back to. */
  let size = 0;
  if (file) {
    try {
      fd = fs.openSync(file, opts.resume ? 'a' : 'w', 0o600);
      size = fs.fstatSync(fd).size;
    } catch (err) {
      throw fileError('write', '--out', file, err);
    }
  }
  // An error that ends the whole export (a rejected key, a full disk): workers stop, and the file
  // is closed only once every one of them has.
  let fatal: unknown;
  // One write per complete line, checked to the last byte: an interrupted or failed export
  // leaves only whole lines, and only those are counted.
  const emit = (value: unknown): boolean => {
    out.checkFields(value);
    const line = `${JSON.stringify(pickFields(value, out.opts.fields))}\n`;
    if (fd === undefined) {
      out.write(out.jsonText(line));
      return true;
    }
    try {
      // The string itself: a Buffer copy of every line (11 MB for 2,000 threads) is external
      // memory that V8 answers with collections (BENCHMARKS.md). Only a short write needs one.
      const len = Buffer.byteLength(line);
      let off = fs.writeSync(fd, line);
      if (off < len) {
        const buf = Buffer.from(line);
        while (off < buf.length) {
          const n = fs.writeSync(fd, buf, off, buf.length - off);
          if (!(n > 0)) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
          off += n;
        }
      }
      size += len;
      return true;
    } catch (err) {
      try {
        fs.ftruncateSync(fd, size);
      } catch {
        // the cut failed too: the error below still stops the export
      }
      fatal ??= new CliError(
        `cannot write to ${file}: ${knownFileProblem(err) ?? (err as Error).message}; ${exported} complete threads are in it`,
        EXIT.FAILURE,
        {
          hint: 'free some space, then run the same command with --resume to finish it',
        },
      );
      return false;
    }
  };

  const bar = await out.progress('Exporting', todo.length, { besideFile: fd !== undefined });
  const started = now();
  let done = 0;
  let exported = 0;
  const failed: string[] = [];
  const vanished: string[] = [];
  let next = 0;

  const worker = async () => {
    while (next < todo.length && !ctx.signal.aborted && fatal === undefined) {
      const item = todo[next++]!;
      const wait = pausedUntil - now();
      // Ctrl-C during the pause is seen by the loop's test right after.
      if (wait > 0) await (clock ? clock.sleep(wait).catch(() => {}) : new Promise((r) => setTimeout(r, wait)));
      try {
        const thread = await client.getThread(item.key);
        if (ctx.signal.aborted || fatal !== undefined) return;
        if (!emit(thread)) return;
        exported++;
      } catch (err) {
        if (err instanceof InterruptedError || ctx.signal.aborted) return;
        const name = typeof item.t.thread_fid === 'string' ? item.t.thread_fid : item.key;
        if (err instanceof NotFoundError) vanished.push(name);
        else if (err instanceof CliError && err.exitCode === 3) {
          fatal ??= err;
          return;
        } else {
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
    out.info(
      `Interrupted after ${plural(exported, 'thread')}${file ? `; run again with --resume to finish ${file}` : ''}.`,
    );
    throw new InterruptedError();
  }
  const secs = ((now() - started) / 1000).toFixed(1);
  const skipped = all.length - todo.length;
  out.info(
    `Exported ${plural(exported, 'thread')}${skipped ? ` (${skipped} already in ${file})` : ''} in ${secs}s${file ? ` to ${file}` : ''}.`,
  );
  if (vanished.length)
    out.warn(
      `${plural(vanished.length, 'thread')} ${vanished.length === 1 ? 'was' : 'were'} listed but no longer exist${vanished.length === 1 ? 's' : ''}: ${vanished.slice(0, 5).join(', ')}${vanished.length > 5 ? ', …' : ''}`,
    );
  if (failed.length) {
    throw new CliError(
      `${plural(failed.length, 'thread')} could not be exported: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}`,
      EXIT.FAILURE,
      {
        hint: file
          ? 'run the same command with --resume to fetch only the missing ones'
          : 'export with --out <file>, then --resume to retry the missing ones',
      },
    );
  }
  return EXIT.OK;
}
