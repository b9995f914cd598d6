import fs from 'node:fs/promises';

/**
 * Appends whole lines to a file, group-committing concurrent writers: one write and one
 * fdatasync for everything queued, so a resolved append is on disk and lines never interleave.
 */
export class LineAppender {
  readonly path: string;
  #fh: fs.FileHandle | undefined;
  #queue: Array<{ line: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  #flushing = false;

  private constructor(path: string, fh: fs.FileHandle) {
    this.path = path;
    this.#fh = fh;
  }

  static async open(path: string): Promise<LineAppender> {
    const fh = await fs.open(path, 'a', 0o600);
    return new LineAppender(path, fh);
  }

  append(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ line: line.endsWith('\n') ? line : `${line}\n`, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length) {
      const batch = this.#queue.splice(0);
      try {
        if (!this.#fh) throw new Error('record file is closed');
        await this.#fh.write(batch.map((b) => b.line).join(''));
        await this.#fh.datasync();
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.#flushing = false;
  }

  async close(): Promise<void> {
    while (this.#flushing) await new Promise((r) => setTimeout(r, 5));
    await this.#fh?.close();
    this.#fh = undefined;
  }
}
