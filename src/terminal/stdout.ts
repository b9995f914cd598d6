import fs from 'node:fs';
import type { Writable } from 'node:stream';

/**
 * The process's stdout as a command writes it. A write that fails is an error the user must see:
 * one line on stderr, exit 1, no stack trace (a full disk, /dev/full, EIO). A reader that closed
 * early (`| head`, EPIPE) is not an error: stop quietly, with the command's own code.
 */

const WHY: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EBADF: 'the stream is closed',
  EROFS: 'read-only file system',
};

/** The one line a failed stdout write is reported with. */
export function stdoutErrorLine(err: unknown): string {
  const code = (err as { code?: string } | undefined)?.code;
  const why = (code && WHY[code]) || String((err as Error | undefined)?.message ?? err).split('\n')[0]!;
  return `error: cannot write to stdout: ${why}${code && !why.includes(code) ? ` (${code})` : ''}\n`;
}

/** The file operations the writer uses; tests hand in a disk that fills. */
export type FdOps = Pick<typeof fs, 'writeSync' | 'fstatSync' | 'ftruncateSync'>;

/**
 * A `_write` for stdout on a file. Node writes each chunk with one writeSync and ignores a short
 * count, so a disk that fills mid-chunk would lose its end silently: this writes to the last byte.
 * Where the file ends if only we write to it comes from one fstat at the first write: a write
 * that fails part-way is cut back to it, only when the file is exactly that plus the part (so
 * another writer's bytes, or a file written in the middle with 1<>, are never cut).
 */
export function wholeWriter(fd: number, ops: FdOps = fs) {
  let end: number | null | undefined;
  return function writeWhole(chunk: string | Buffer, encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    let buf = typeof chunk === 'string' ? undefined : chunk;
    let off = 0;
    try {
      if (end === undefined) {
        const st = ops.fstatSync(fd);
        end = st.isFile() ? st.size : null;
      }
      if (buf === undefined) {
        off = ops.writeSync(fd, chunk as string, null, encoding);
        if (off === Buffer.byteLength(chunk as string, encoding)) {
          if (end !== null) end += off;
          return cb();
        }
        buf = Buffer.from(chunk as string, encoding);
      }
      while (off < buf.length) {
        const n = ops.writeSync(fd, buf, off, buf.length - off);
        if (!(n > 0)) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        off += n;
      }
      if (end !== null) end += off;
    } catch (err) {
      // Commands write whole lines per chunk: cut the part of this one that made it to the file.
      if (off > 0 && typeof end === 'number') {
        try {
          if (ops.fstatSync(fd).size === end + off) ops.ftruncateSync(fd, end);
        } catch {
          // nothing more to do: the error is reported either way
        }
      }
      return cb(err as Error);
    }
    cb();
  };
}

/** What the process does when a stream fails: the shim hands in how to end. */
export interface StreamEnd {
  stdout: Writable & { fd?: number; _type?: string; _write?: unknown };
  stderr: Writable;
  exit(code: number): void;
  /** The exit code so far (the command's, when it has one). */
  code(): number;
}

/** Reports stream failures once, then ends the process soon after. */
export class StdoutGuard {
  #failed = false;
  constructor(private readonly p: StreamEnd) {}

  /** The error listener for stdout, and the whole-write for a file. */
  install(): void {
    const { stdout } = this.p;
    stdout.on('error', (err) => this.fail(err));
    if (stdout._type === 'fs' && typeof stdout.fd === 'number') {
      // Strings reach _write as they are: a string is written without first being copied into a
      // Buffer (a busy listener writes a batch per event-loop turn; BENCHMARKS.md §3).
      (stdout as unknown as { _writableState: { decodeStrings: boolean } })._writableState.decodeStrings = false;
      stdout._write = wholeWriter(stdout.fd);
    }
  }

  fail(err: unknown): void {
    if ((err as { code?: string } | undefined)?.code === 'EPIPE') return this.#exitSoon(this.p.code());
    if (this.#failed) return;
    this.#failed = true;
    try {
      fs.writeSync(2, stdoutErrorLine(err));
    } catch {
      // stderr is gone too: the exit code is all that is left
    }
    this.#exitSoon(1);
  }

  /**
   * What the command would still say of the same failure is not said twice: its stderr is muted.
   * Answers already being sent go out (synchronous socket writes in this turn), then the process
   * ends before the next poll for I/O.
   */
  #exitSoon(code: number): void {
    this.p.stderr.write = ((_chunk: unknown, encoding?: unknown, cb?: unknown) => {
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    }) as Writable['write'];
    setTimeout(() => this.p.exit(code), 0);
  }

  /** Ends with `code` once stdout has taken what was written; a write that failed reports here at the latest. */
  finish(code: number): void {
    const { stdout } = this.p;
    if (stdout.errored) return this.fail(stdout.errored);
    // Nothing buffered (a file, a drained pipe): done. An empty write would fail on a full disk.
    if (stdout.writableLength === 0) return this.p.exit(code);
    stdout.write('', (err) => (err ? this.fail(err) : this.p.exit(code)));
  }
}
