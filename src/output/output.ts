import type { Chalk as ChalkClass } from 'chalk';
import type { Io } from '../io.js';
import { CliError } from '../errors.js';
import { Redactor } from './redact.js';
import { pickFields, plainPaint, safeJson, safeLine, safeText, type Paint } from './format.js';

export interface OutputOptions {
  json: boolean;
  fields?: string[];
  quiet: boolean;
  color: boolean;
  debug: boolean;
}

/** Colour is on for a TTY unless --no-color, NO_COLOR or TERM=dumb; FORCE_COLOR forces it. */
export function colorLevel(flagColor: boolean, env: NodeJS.ProcessEnv, isTTY: boolean): 0 | 1 | 2 | 3 {
  if (!flagColor) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') {
    return force === '2' ? 2 : force === '3' ? 3 : 1;
  }
  if (force === '0' || force === 'false') return 0;
  if (env.NO_COLOR || env.TERM === 'dumb') return 0;
  return isTTY ? 1 : 0;
}

function chalkPaint(level: 0 | 1 | 2 | 3, Chalk: typeof ChalkClass | undefined): Paint {
  if (level === 0 || !Chalk) return plainPaint;
  const c = new Chalk({ level });
  // One argument each: chalk's styles are variadic, so passing them to map() would print the index.
  return { bold: (s) => c.bold(s), dim: (s) => c.dim(s), cyan: (s) => c.cyan(s), green: (s) => c.green(s), yellow: (s) => c.yellow(s), magenta: (s) => c.magenta(s), red: (s) => c.red(s) };
}

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

const noSpinner: Spinner = { update() {}, stop() {} };

/** The one place that knows about TTYs, colour, JSON and spinners. */
export class Output {
  readonly io: Io;
  readonly opts: OutputOptions;
  readonly stdoutTTY: boolean;
  readonly stderrTTY: boolean;
  /** Paint for stdout. */
  readonly paint: Paint;
  /** Paint for stderr. */
  readonly epaint: Paint;
  /** What must never be printed (the API key, URL passwords); owned by the Context. */
  readonly redactor: Redactor;

  /** Without `Chalk`, output is plain; create() loads it only when some stream gets colour. */
  constructor(io: Io, opts: OutputOptions, Chalk?: typeof ChalkClass, redactor = new Redactor()) {
    this.io = io;
    this.opts = opts;
    this.redactor = redactor;
    this.stdoutTTY = io.stdout.isTTY === true;
    this.stderrTTY = io.stderr.isTTY === true;
    this.paint = chalkPaint(colorLevel(opts.color, io.env, this.stdoutTTY), Chalk);
    this.epaint = chalkPaint(colorLevel(opts.color, io.env, this.stderrTTY), Chalk);
  }

  static async create(io: Io, opts: OutputOptions, redactor?: Redactor): Promise<Output> {
    const colour = colorLevel(opts.color, io.env, io.stdout.isTTY === true) + colorLevel(opts.color, io.env, io.stderr.isTTY === true) > 0;
    const Chalk = colour ? (await import('../vendor/chalk.js')).Chalk : undefined;
    return new Output(io, opts, Chalk, redactor);
  }

  /** Text with every secret replaced. */
  redact(s: string): string {
    return this.redactor.apply(s);
  }

  get json(): boolean {
    return this.opts.json;
  }

  /** Human format only when stdout is a terminal and --json is off. */
  get human(): boolean {
    return this.stdoutTTY && !this.opts.json;
  }

  write(s: string): void {
    this.io.stdout.write(s);
  }

  /** Raw bytes to stdout, ending with a newline. */
  writeBytes(chunks: readonly Buffer[]): void {
    for (const c of chunks) this.io.stdout.write(c);
    const last = chunks[chunks.length - 1];
    if (!last || last[last.length - 1] !== 0x0a) this.io.stdout.write('\n');
  }

  line(s: string): void {
    this.io.stdout.write(`${s}\n`);
  }

  /**
   * Writes to stdout and resolves once the stream has taken the bytes (a stalled reader makes
   * this wait); rejects with the write error (EPIPE, ENOSPC…).
   */
  writeWait(s: string): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.io.stdout.write(s, (err) => (err ? reject(err) : resolve()));
      } catch (err) {
        reject(err);
      }
    });
  }

  /** A secret-free, one-line status line on stderr (not silenced by --quiet); `s` is escaped. */
  status(s: string): void {
    this.io.stderr.write(`${safeLine(this.redactor.apply(s))}\n`);
  }

  /** --json output: fields picked, pretty on a terminal, compact in a pipe. */
  printJson(value: unknown): void {
    const v = pickFields(value, this.opts.fields);
    this.line(this.stdoutTTY ? safeJson(JSON.stringify(v, null, 2)) : JSON.stringify(v));
  }

  /** Status chatter on stderr; silenced by --quiet. */
  info(s: string): void {
    if (!this.opts.quiet) this.io.stderr.write(`${safeLine(this.redactor.apply(s))}\n`);
  }

  /**
   * A block already escaped and painted (with epaint) by its formatter, several lines long, on
   * stderr: secrets redacted, silenced by --quiet. For a human report beside machine output on
   * stdout (gurusup eval's failure section when piped).
   */
  infoBlock(s: string): void {
    if (!this.opts.quiet) this.io.stderr.write(this.redactor.apply(s.endsWith('\n') ? s : `${s}\n`));
  }

  warn(s: string): void {
    this.io.stderr.write(`${this.epaint.yellow('warning:')} ${safeLine(this.redactor.apply(s))}\n`);
  }

  debug(s: string): void {
    if (this.opts.debug) this.io.stderr.write(`${this.epaint.dim(safeLine(this.redactor.apply(s)))}\n`);
  }

  error(err: unknown): void {
    const e = err instanceof CliError ? err : undefined;
    const message = e ? e.message : err instanceof Error ? `internal error: ${err.message}` : `internal error: ${String(err)}`;
    // Messages quote the API and the user: escaped, so a newline in them never forges a line.
    let text = `${this.epaint.red('error:')} ${safeLine(this.redactor.apply(message))}\n`;
    if (e?.hint) text += `${this.epaint.dim('hint:')} ${safeLine(this.redactor.apply(e.hint))}\n`;
    if (this.opts.debug && err instanceof Error && err.stack) text += `${safeText(err.stack)}\n`;
    if (this.opts.json) {
      const status = e?.status ?? null;
      const exit = e?.exitCode ?? 1;
      text += `${safeJson(JSON.stringify({ error: { message, status, exit_code: exit } }))}\n`;
    }
    this.io.stderr.write(this.redactor.apply(text));
  }

  /** Runs `work` with a spinner showing `text` (when spinners show at all). */
  async during<T>(text: string, work: () => Promise<T>): Promise<T> {
    const spin = await this.spinner(text);
    try {
      return await work();
    } finally {
      spin.stop();
    }
  }

  /** A spinner on stderr, only on a terminal and without --json/--quiet. */
  async spinner(text: string): Promise<Spinner> {
    // A terminal that reports no width (a bare pty) would make ora clear lines forever.
    const columns = (this.io.stderr as { columns?: number }).columns ?? 0;
    if (!this.stderrTTY || this.opts.json || this.opts.quiet || columns <= 0) return noSpinner;
    const { ora } = await import('../vendor/ora.js');
    const s = ora({
      text,
      stream: this.io.stderr as NodeJS.WriteStream,
      isEnabled: true,
      hideCursor: false,
      discardStdin: false,
      color: 'cyan',
    }).start();
    return { update: (t) => void (s.text = t), stop: () => void s.stop() };
  }
}
