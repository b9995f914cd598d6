import fs from 'node:fs/promises';
import { constants, fdatasync, fdatasyncSync, writeSync } from 'node:fs';
import { knownFileProblem } from '../fs/files.js';

/** How one write is done; tests inject short writes. Returns the bytes written, like write(2). */
export type WriteFn = (fh: fs.FileHandle, buf: Buffer, offset: number, length: number) => Promise<number>;

// The write is synchronous (a page-cache copy, ~4 µs); see #sync for the fdatasync.
const realWrite: WriteFn = async (fh, buf, offset, length) => writeSync(fh.fd, buf, offset, length);

/** A line that was not kept whole: 507 when the disk is full, 503 otherwise. */
export class RecordError extends Error {
  readonly status: 503 | 507;
  readonly code?: string;
  constructor(message: string, status: 503 | 507, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** --record names something that is not a regular file (a FIFO, a device, a directory). */
export class NotRegularFileError extends Error {}

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

function describe(err: unknown): RecordError {
  if (err instanceof RecordError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const why = knownFileProblem(err) ?? (err as Error).message ?? String(err);
  return new RecordError(why, code && FULL.has(code) ? 507 : 503, code);
}

/** Index just past the last newline in the file (0 when there is none), reading backwards. */
async function lastLineEnd(fh: fs.FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await fh.read(chunk, 0, end - start, start);
    const i = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

/**
 * Appends whole lines to a file, group-committing concurrent writers: one write and one
 * fdatasync for everything queued, so a resolved append is on disk and lines never interleave.
 * A batch not written whole (a full disk, a short write) is cut off again, so the file always
 * ends on a complete line, and every append in it is rejected.
 */
export class LineAppender {
  readonly path: string;
  #fh: fs.FileHandle | undefined;
  #write: WriteFn;
  /** Bytes of complete lines in the file: where a failed batch is cut back to. */
  #size: number;
  /** A cut that failed: the file may end on a fragment, so nothing more is appended. */
  #broken: Error | undefined;
  #queue: Array<{ line: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  #flushing: Promise<void> | undefined;

  private constructor(path: string, fh: fs.FileHandle, size: number, write: WriteFn) {
    this.path = path;
    this.#fh = fh;
    this.#size = size;
    this.#write = write;
  }

  /** Opens (or creates) a regular file for appending; anything else is a NotRegularFileError. */
  static async open(path: string, opts: { write?: WriteFn } = {}): Promise<LineAppender> {
    const before = await fs.lstat(path).catch(() => undefined);
    if (before && !before.isFile()) throw new NotRegularFileError(`${path} is not a regular file`);
    // O_NONBLOCK: a FIFO swapped in meanwhile fails at once (ENXIO) instead of hanging the start.
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(
        path,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK,
        0o600,
      );
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENXIO' || code === 'EISDIR') throw new NotRegularFileError(`${path} is not a regular file`);
      throw err;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new NotRegularFileError(`${path} is not a regular file`);
      // A fragment left by a crash would glue itself to the next line: cut it off first.
      let size = st.size;
      if (size > 0) {
        const reader = await fs.open(path, 'r');
        try {
          const end = await lastLineEnd(reader, size);
          if (end < size) {
            await fh.truncate(end);
            size = end;
          }
        } finally {
          await reader.close();
        }
      }
      return new LineAppender(path, fh, size, opts.write ?? realWrite);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  append(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ line: line.endsWith('\n') ? line : `${line}\n`, resolve, reject });
      // The batch starts once this turn of the event loop has run its I/O callbacks, so every
      // request completed in the same turn shares its write and its fdatasync.
      this.#flushing ??= new Promise<void>((r) => setImmediate(r)).then(() => this.#flush());
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length) {
      const batch = this.#queue.splice(0);
      try {
        await this.#commit(
          Buffer.from(batch.length === 1 ? batch[0]!.line : batch.map((b) => b.line).join('')),
          batch.length,
        );
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    // In the same turn as the last check of the queue: an append now starts a new flush.
    this.#flushing = undefined;
  }

  /**
   * A lone line (one sender at a time) is synced in place: ~0.16 ms here against 0.25-0.40 ms
   * through the thread pool, and nothing else is waiting. A batch means others are sending: it
   * is synced on the thread pool so the event loop reads the next batch meanwhile (BENCHMARKS.md).
   */
  #sync(fd: number, lines: number): Promise<void> | void {
    if (lines === 1) return fdatasyncSync(fd);
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  async #commit(buf: Buffer, lines: number): Promise<void> {
    const fh = this.#fh;
    if (!fh) throw new RecordError('record file is closed', 503);
    if (this.#broken)
      throw new RecordError(`record file could not be repaired after an earlier failure: ${this.#broken.message}`, 503);
    let off = 0;
    try {
      while (off < buf.length) {
        const n = await this.#write(fh, buf, off, buf.length - off);
        // write(2) returning 0 for a non-empty buffer: the device takes no more.
        if (!(n > 0)) throw new RecordError('no space left on device (short write)', 507, 'ENOSPC');
        off += n;
      }
      await this.#sync(fh.fd, lines);
      this.#size += buf.length;
    } catch (err) {
      try {
        await fh.truncate(this.#size);
        await fh.datasync();
      } catch (cutErr) {
        this.#broken = cutErr as Error;
      }
      throw describe(err);
    }
  }

  async close(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    await this.#fh?.close();
    this.#fh = undefined;
  }
}
