import { PassThrough, Readable, Writable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Io } from '../../src/io.js';
import { main } from '../../src/cli.js';
import type { Deps } from '../../src/deps.js';
import { fastDeps } from './clock.js';
import { waitUntil } from './wait.js';

export interface FakeIoOptions {
  tty?: boolean;
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
  stdin?: string;
  stdinTTY?: boolean;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Handed to main(); default fastDeps() (waits 100 times faster). */
  deps?: Deps;
}

class Capture extends Writable {
  chunks: string[] = [];
  isTTY?: boolean;
  columns = 120;
  constructor(tty: boolean) {
    super();
    if (tty) this.isTTY = true;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(chunk.toString());
    cb();
  }
  // What ora calls on a terminal stream.
  cursorTo(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

export function fakeIo(o: FakeIoOptions = {}) {
  const stdout = new Capture(o.stdoutTTY ?? o.tty ?? false);
  const stderr = new Capture(o.stderrTTY ?? o.tty ?? false);
  let stdin: Readable & { isTTY?: boolean };
  if (o.stdin !== undefined) stdin = Readable.from([Buffer.from(o.stdin)]);
  else {
    const pt = new PassThrough();
    pt.end();
    stdin = pt;
  }
  if (o.stdinTTY) stdin.isTTY = true;
  const io: Io = {
    stdout,
    stderr,
    stdin,
    env: { PATH: process.env.PATH, ...o.env },
    signal: o.signal ?? new AbortController().signal,
  };
  return { io, stdout, stderr };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams. */
export async function run(argv: string[], o: FakeIoOptions = {}): Promise<RunResult> {
  const { io, stdout, stderr } = fakeIo(o);
  const code = await main(argv, io, o.deps ?? fastDeps());
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export function tempDir(prefix = 'gurusup-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts a long-running command in-process; stop it with abort(). */
export function startInProcess(argv: string[], o: FakeIoOptions = {}) {
  const ac = new AbortController();
  const { io, stdout, stderr } = fakeIo({ ...o, signal: ac.signal });
  const done = main(argv, io, o.deps ?? fastDeps());
  const waitFor = async (
    re: RegExp,
    stream: 'stdout' | 'stderr' = 'stderr',
    timeoutMs = 10_000,
  ): Promise<RegExpMatchArray> =>
    waitUntil(() => (stream === 'stdout' ? stdout.text : stderr.text).match(re), {
      what: () => `${re} in ${stream}; stderr: ${stderr.text}`,
      timeout: timeoutMs,
    });
  return {
    done,
    abort: () => ac.abort(),
    stdout: () => stdout.text,
    stderr: () => stderr.text,
    waitFor,
    /** The URL from the "Listening on …" line. */
    url: async () => (await waitFor(/Listening on (http:\/\/\S+)/))[1]!,
  };
}
