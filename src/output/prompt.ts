import type { Io } from '../io.js';
import { InterruptedError, UsageError } from '../errors.js';

/** Reads a line from a TTY without echoing it. */
export function promptHidden(io: Io, question: string): Promise<string> {
  const { stdin, stderr } = io;
  return new Promise((resolve, reject) => {
    let value = '';
    stderr.write(question);
    const wasRaw = (stdin as { isRaw?: boolean }).isRaw === true;
    stdin.setRawMode?.(true);
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(wasRaw);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new InterruptedError());
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

export async function readAll(stream: NodeJS.ReadableStream, limit = 64 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > limit) {
      const mib = limit / (1024 * 1024);
      throw new UsageError(
        `the input on stdin is larger than ${Number.isInteger(mib) ? `${mib} MiB` : `${limit} bytes`}, the most gurusup reads`,
        'pass a smaller input, or a file',
      );
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
