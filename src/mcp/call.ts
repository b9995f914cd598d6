/**
 * One tool call: a Context of its own (credentials resolved now, so `auth login` while the server
 * runs takes effect; the request cancelled when the client cancels the call), sharing the server's
 * Redactor, and never the server's stdout or stdin (they carry JSON-RPC).
 */
import { Readable, Writable } from 'node:stream';
import { Context } from '../context.js';
import { Output } from '../output/output.js';
import { Terminal } from '../terminal/terminal.js';
import type { Io } from '../io.js';
import type { Handler } from '../commands/types.js';
import type { Settings } from '../config/settings.js';
import { failure, redactResult, type ToolResult } from './results.js';

function collector(): Writable & { text: string } {
  const w = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      w.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

const noInput = () => Readable.from([]);

/** A call that failed: `message` is the error result's text (the CLI's error and hint lines). */
export class CallFailed extends Error {
  readonly original: unknown;
  constructor(message: string, original: unknown) {
    super(message);
    this.original = original;
  }
}

export interface Call {
  ctx: Context;
  /** Settings for this call, with every form of the key the results could carry registered for redaction. */
  settings(defaultTimeoutS?: number): Promise<Settings>;
}

export class Calls {
  readonly base: Context;
  #busy = 0;
  #onIdle: Array<() => void> = [];
  constructor(base: Context) {
    this.base = base;
  }

  /** Counts the calls under way, so the end of input can let them answer first (see settled). */
  async #track<T>(work: Promise<T>): Promise<T> {
    this.#busy++;
    try {
      return await work;
    } finally {
      if (--this.#busy === 0) for (const f of this.#onIdle.splice(0)) f();
    }
  }

  /** Resolves when no call is under way, or after `ms` whatever is still running. */
  settled(ms: number): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#onIdle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #context(io: Io, json: boolean): Context {
    const term = new Terminal(io, { json, quiet: true, color: false, debug: this.base.out.opts.debug, input: false });
    const out = new Output(term, undefined, this.base.redactor);
    return new Context(io, this.base.globals, out);
  }

  #io(signal: AbortSignal | undefined, stdout: Io['stdout'], stderr: Io['stderr']): Io {
    const base = this.base.io;
    return {
      stdout,
      stderr,
      stdin: noInput(),
      env: base.env,
      signal: signal ? AbortSignal.any([base.signal, signal]) : base.signal,
    };
  }

  #call(ctx: Context): Call {
    const redactor = this.base.redactor;
    return {
      ctx,
      async settings(defaultTimeoutS) {
        const s = await ctx.settings(defaultTimeoutS);
        // A key quoted inside JSON text (a result is JSON on the wire) is escaped there.
        if (s.apiKey) redactor.add(JSON.stringify(s.apiKey).slice(1, -1));
        return s;
      },
    };
  }

  /** Runs `work` with a fresh context; a thrown error becomes an error result; secrets redacted. */
  run(signal: AbortSignal | undefined, work: (call: Call) => Promise<ToolResult>): Promise<ToolResult> {
    return this.#track(this.#run(signal, work));
  }

  async #run(signal: AbortSignal | undefined, work: (call: Call) => Promise<ToolResult>): Promise<ToolResult> {
    // Nothing of ours writes to a tool call's stdout; should anything, it lands on stderr.
    const io = this.#io(signal, this.base.io.stderr, this.base.io.stderr);
    const call = this.#call(this.#context(io, false));
    let result: ToolResult;
    try {
      result = await work(call);
    } catch (err) {
      result = failure(call.ctx.explain(err));
    }
    return redactResult(result, this.base.redactor);
  }

  /**
   * Like run, for what is not a tool result (a resource): the value redacted, or a CallFailed
   * carrying the error result's text.
   */
  value<T>(signal: AbortSignal | undefined, work: (call: Call) => Promise<T>): Promise<T> {
    return this.#track(this.#value(signal, work));
  }

  async #value<T>(signal: AbortSignal | undefined, work: (call: Call) => Promise<T>): Promise<T> {
    const io = this.#io(signal, this.base.io.stderr, this.base.io.stderr);
    const call = this.#call(this.#context(io, false));
    try {
      return redactResult(await work(call), this.base.redactor);
    } catch (err) {
      const f = redactResult(failure(call.ctx.explain(err)), this.base.redactor);
      throw new CallFailed(f.content.map((c) => c.text).join('\n'), err);
    }
  }

  /**
   * Runs a CLI command's own handler in JSON mode with its stdout captured: the tool returns
   * exactly what `gurusup <command> --json` prints, through the same code. Its stderr chatter
   * goes on to the server's stderr, and the error lines it printed before failing go into the
   * error result.
   */
  runHandler<O extends object>(
    signal: AbortSignal | undefined,
    handler: Handler<O>,
    args: Array<string | string[]>,
    opts: O,
    done: (json: unknown, code: number) => ToolResult,
  ): Promise<ToolResult> {
    return this.#track(this.#runHandler(signal, handler, args, opts, done));
  }

  async #runHandler<O extends object>(
    signal: AbortSignal | undefined,
    handler: Handler<O>,
    args: Array<string | string[]>,
    opts: O,
    done: (json: unknown, code: number) => ToolResult,
  ): Promise<ToolResult> {
    const stdout = collector();
    const stderr = collector();
    const ctx = this.#context(this.#io(signal, stdout, stderr), true);
    let result: ToolResult;
    try {
      await this.#call(ctx).settings();
      const code = (await handler(ctx, args, opts, undefined as never)) ?? 0;
      const text = stdout.text.trim();
      result = done(text ? (JSON.parse(text) as unknown) : null, code);
    } catch (err) {
      const before = stderr.text
        .split('\n')
        .filter((l) => l.startsWith('error: '))
        .slice(0, 20);
      result = failure(ctx.explain(err), before);
    }
    if (stderr.text) this.base.io.stderr.write(stderr.text);
    return redactResult(result, this.base.redactor);
  }
}
