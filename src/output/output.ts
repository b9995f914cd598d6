import type { Chalk as ChalkClass } from 'chalk';
import type { Io } from '../io.js';
import { EXIT, CliError, errorMessage } from '../errors.js';
import { Redactor, SecretFilter, onlyInJsonStrings } from './redact.js';
import { colourJson } from './json-colour.js';
import { isObject, pickFields, plainPaint, safeJson, safeLine, safeText, type Paint } from './format.js';
import { fitLine, fitText } from './wrap.js';
import { compose, styledPaint, type Piece, type Styled, type StyledPaint } from './styled.js';
import type { Terminal, Mode } from '../terminal/terminal.js';

/** What Output is told of the user's wishes: the Terminal's mode. */
export type OutputOptions = Mode;

function chalkPaint(level: 0 | 1 | 2 | 3, Chalk: typeof ChalkClass | undefined): Paint {
  if (level === 0 || !Chalk) return plainPaint;
  const c = new Chalk({ level });
  // One argument each: chalk's styles are variadic, so passing them to map() would print the index.
  return {
    bold: (s) => c.bold(s),
    dim: (s) => c.dim(s),
    cyan: (s) => c.cyan(s),
    green: (s) => c.green(s),
    yellow: (s) => c.yellow(s),
    magenta: (s) => c.magenta(s),
    red: (s) => c.red(s),
  };
}

const ANSI_PAINT: Pick<Paint, 'red' | 'dim'> = {
  red: (s) => `\u001b[31m${s}\u001b[39m`,
  dim: (s) => `\u001b[2m${s}\u001b[22m`,
};

/**
 * Commander's usage errors in the style of every other error: `error: …`, then one `hint: …`
 * (its "(Did you mean x?)" becomes the hint), coloured by the same rule as Output (chalk is not
 * loaded for this: two styles do not need it).
 */
export function usageErrorText(text: string, term: Terminal): string {
  const paint = term.stderrColour > 0 ? ANSI_PAINT : { red: (s: string) => s, dim: (s: string) => s };
  const lines = text.replace(/\n+$/, '').split('\n');
  const first = lines.shift()!.replace(/^error: /, '');
  const rest = lines.join(' ').trim();
  const suggestion = /^\(Did you mean (.+)\?\)$/.exec(rest)?.[1];
  const hint = suggestion ? `did you mean ${suggestion}?` : rest || "add --help to see the command's usage";
  const width = term.errColumns;
  return `${fitLine(first, width, 'error:', paint.red)}${fitLine(hint, width, 'hint:', paint.dim)}`;
}

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

const noSpinner: Spinner = { update() {}, stop() {} };

/** A wait shorter than this draws nothing, and ora is not even loaded. */
export const SPINNER_DELAY_MS = 200;

/** ora's "dots", painted by us: ora's own colouring would decide colour on its own. */
const DOTS = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** How the spinner library is loaded; a test can count the loads. */
export const spinnerLoader = { load: () => import('../vendor/ora.js') };

/** A progress display on stderr: redrawn in place on a terminal, nothing elsewhere. */
export interface Progress {
  tick(done: number): void;
  end(): void;
}

const noProgress: Progress = { tick() {}, end() {} };

/** The one way out for what the CLI writes: escaped, redacted, fitted and painted as the Terminal says. */
export class Output {
  readonly term: Terminal;
  readonly io: Io;
  readonly opts: OutputOptions;
  readonly stdoutTTY: boolean;
  readonly stderrTTY: boolean;
  /** Paint for stdout. */
  readonly paint: Paint;
  /** Whether stdout gets colour. */
  readonly stdoutColour: boolean;
  /** Paint for stderr. */
  readonly epaint: Paint;
  /** What must never be printed (the API key, URL passwords); owned by the Context. */
  readonly redactor: Redactor;
  /** Paint for stdout lines composed with `t`: what it is given is escaped, unless already Styled. */
  readonly style: StyledPaint;

  /** Without `Chalk`, output is plain; create() loads it only when some stream gets colour. */
  constructor(term: Terminal, Chalk?: typeof ChalkClass, redactor = new Redactor()) {
    this.term = term;
    this.io = term.io;
    this.opts = term.mode;
    this.redactor = redactor;
    this.stdoutTTY = term.stdoutTTY;
    this.stderrTTY = term.stderrTTY;
    this.paint = chalkPaint(term.stdoutColour, Chalk);
    this.stdoutColour = Chalk !== undefined && term.stdoutColour > 0;
    this.epaint = chalkPaint(term.stderrColour, Chalk);
    this.style = styledPaint(this.paint);
  }

  /** A line for people: its literal text is ours, every string put into it is escaped (styled.ts). */
  t(strings: TemplateStringsArray, ...values: Piece[]): Styled {
    return compose(strings, ...values);
  }

  static async create(term: Terminal, redactor?: Redactor): Promise<Output> {
    const Chalk = term.stdoutColour + term.stderrColour > 0 ? (await import('../vendor/chalk.js')).Chalk : undefined;
    return new Output(term, Chalk, redactor);
  }

  get json(): boolean {
    return this.opts.json;
  }

  /** stdout's width in columns; 0 when not a terminal or unknown. */
  get columns(): number {
    return this.term.columns;
  }

  /** stderr's width in columns; 0 when not a terminal or unknown. */
  get errColumns(): number {
    return this.term.errColumns;
  }

  /** Whether stderr may animate (spinners, progress bars): the Terminal decides. */
  get animate(): boolean {
    return this.term.animate;
  }

  /** Human format only when stdout is a terminal and --json is off. */
  get human(): boolean {
    return this.term.human;
  }

  /** Text a formatter composed (escaped and painted there), to stdout; known secrets hidden. */
  write(s: string): void {
    this.io.stdout.write(this.redactor.secrets(s));
  }

  /** The one way to print something as it is, secrets included (`auth key` prints the key). */
  raw(s: string): void {
    this.io.stdout.write(s);
  }

  /** A body from outside on stdout, ending with a newline: escaped on a terminal, as it came elsewhere. */
  data(text: string): void {
    const s = this.stdoutTTY ? safeText(text) : text;
    this.write(s.endsWith('\n') ? s : `${s}\n`);
  }

  /**
   * An API's answer: JSON pretty-printed (fields picked, coloured) under --json or on a terminal;
   * anything else, or JSON in a pipe without --json, as it came (escaped on a terminal).
   */
  answer(text: string): void {
    if (this.opts.json || this.stdoutTTY) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return this.data(text);
      }
      return this.printJson(parsed);
    }
    this.data(text);
  }

  /** --json in a pipe with no field list: a body may pass through byte for byte. */
  get passThrough(): boolean {
    // And only when a secret can be hidden in the raw bytes without breaking the JSON (a key of
    // digits could sit in a number): else the body is parsed and printed like any other.
    return this.opts.json && !this.opts.fields && !this.stdoutTTY && onlyInJsonStrings(this.redactor.forms);
  }

  /** One line from outside on stdout: escaped to one line on a terminal, as it came elsewhere. */
  dataLine(text: string): void {
    this.line(this.stdoutTTY ? safeLine(text) : text);
  }

  /** JSON text for stdout: what a terminal would act on escaped there (safeJson), as it is elsewhere. */
  jsonText(text: string): string {
    const json = this.redactor.secretsInJson(text);
    return this.stdoutTTY ? safeJson(json) : json;
  }

  /**
   * After Ctrl-C on a terminal, the cursor sits after the ^C the terminal echoed: a closing line
   * (the listener's summary) starts on a line of its own.
   */
  afterInterrupt(): void {
    if (this.stderrTTY && this.io.signal.aborted && this.io.signal.reason === 'SIGINT') this.io.stderr.write('\n');
  }

  /** Text for people, through the pager when stdout is a terminal and it is taller than the screen. */
  async page(s: string, noPager = false): Promise<void> {
    const { page } = await import('./pager.js');
    await page(this.term, s, noPager);
  }

  /** Whether page() may use a pager (so a caller can build the text whole rather than stream it). */
  async pages(noPager = false): Promise<boolean> {
    const { pagerCommand } = await import('./pager.js');
    return (await pagerCommand(this.term, noPager)) !== undefined;
  }

  #filter: SecretFilter | undefined;

  /**
   * Bytes to stdout as they come (a streamed pass-through), every known secret hidden even when a
   * chunk boundary splits it (the last few bytes wait for the next chunk, or endChunks): nothing
   * when the stream took them, a promise when it asks to wait (back-pressure).
   */
  writeChunk(chunk: Buffer): void | Promise<void> {
    this.#filter ??= new SecretFilter(this.redactor.forms);
    return this.#writeAll(this.#filter.push(chunk));
  }

  /** The end of a stream of writeChunk(): what was held back goes out. */
  endChunks(): void | Promise<void> {
    const rest = this.#filter?.end() ?? [];
    this.#filter = undefined;
    return this.#writeAll(rest);
  }

  #writeAll(bufs: Buffer[]): void | Promise<void> {
    const pending: Promise<void>[] = [];
    for (const b of bufs) {
      const p = this.#writeOne(b);
      if (p) pending.push(p);
    }
    if (pending.length) return Promise.all(pending).then(() => undefined);
  }

  /** One chunk: resolved on 'drain' when the stream asks to wait, rejected on a write error. */
  #writeOne(chunk: Buffer): void | Promise<void> {
    const stdout = this.io.stdout;
    const gone = () => stdout.errored ?? Object.assign(new Error('stdout is closed'), { code: 'EPIPE' });
    if (stdout.destroyed || stdout.errored) return Promise.reject(gone());
    let failed: unknown;
    const more = stdout.write(chunk, (err) => {
      if (err) failed = err;
    });
    if (more) return;
    if (stdout.destroyed || stdout.errored) return Promise.reject(failed ?? gone());
    return new Promise((resolve, reject) => {
      const done = (err?: unknown) => {
        stdout.off('drain', onDrain);
        stdout.off('error', onError);
        stdout.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done(failed);
      const onError = (err: unknown) => done(err);
      const onClose = () => done(failed ?? gone());
      stdout.on('drain', onDrain);
      stdout.on('error', onError);
      stdout.on('close', onClose);
    });
  }

  /** A line a formatter composed (tsvRow, JSON), to stdout; known secrets hidden. */
  line(s: string): void {
    this.write(`${s}\n`);
  }

  /**
   * A line for people on stdout, composed with `t` (or by a formatter that escapes and paints),
   * wrapped at word boundaries to a terminal's width, continuation lines indented by `hang`;
   * secrets and URL userinfo hidden.
   */
  humanLine(s: string | Styled, hang = 0): void {
    this.io.stdout.write(fitText(this.redactor.apply(String(s)), this.columns, hang));
  }

  /**
   * Writes to stdout and resolves once the stream has taken the bytes (a stalled reader makes
   * this wait); rejects with the write error (EPIPE, ENOSPC…).
   */
  writeWait(s: string): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.io.stdout.write(this.redactor.secrets(s), (err) => (err ? reject(err) : resolve()));
      } catch (err) {
        reject(err);
      }
    });
  }

  /** A line for people on stderr, fitted to a terminal's width (wrap.ts, fitLine). */
  #fit(text: string, label = '', paint: (s: string) => string = (x) => x): string {
    return fitLine(text, this.stderrTTY ? this.errColumns : 0, label, paint);
  }

  /** A secret-free status line on stderr (not silenced by --quiet); `s` is escaped. */
  status(s: string): void {
    this.io.stderr.write(this.#fit(safeLine(this.redactor.apply(s))));
  }

  /** A failure that does not end the command (a rejected event, a failed forward): ✗ and one escaped line. */
  problem(s: string): void {
    this.io.stderr.write(this.#fit(safeLine(this.redactor.apply(s)), '✗', (x) => this.epaint.red(x)));
  }

  /** Several lines from outside on stderr (response headers): escaped, redacted, each fitted. */
  statusText(s: string): void {
    const text = safeText(this.redactor.apply(s.endsWith('\n') ? s.slice(0, -1) : s));
    this.io.stderr.write(fitText(text, this.errColumns, 2));
  }

  /**
   * Text composed by the CLI itself, written to stderr as it is: not escaped, and not redacted,
   * for what must be shown whole (the sandbox prints the key it serves). Never pass outside text.
   */
  rawStatus(s: string): void {
    this.io.stderr.write(this.#fit(s.endsWith('\n') ? s.slice(0, -1) : s));
  }

  #fieldsChecked = false;

  /**
   * `--json a,b` naming a field that no object carries: the output keeps its `null`, and one
   * warning on stderr lists the fields that were there (a typo, or `messages` on a list).
   */
  checkFields(value: unknown): void {
    const fields = this.opts.fields;
    if (!fields || this.#fieldsChecked) return;
    const objects = (Array.isArray(value) ? value : [value]).filter(isObject);
    if (objects.length === 0) return;
    this.#fieldsChecked = true;
    const present = new Set<string>();
    for (const o of objects) for (const k of Object.keys(o)) present.add(k);
    const missing = fields.filter((f) => !present.has(f));
    if (missing.length === 0) return;
    const names = missing.map((f) => JSON.stringify(f)).join(', ');
    this.warn(
      `no object has the field${missing.length === 1 ? '' : 's'} ${names} (printed as null); fields present: ${safeText([...present].join(', '))}`,
    );
  }

  /** --json output: fields picked, pretty (and coloured, unless colour is off) on a terminal, compact in a pipe. */
  printJson(value: unknown): void {
    this.checkFields(value);
    const v = pickFields(value, this.opts.fields);
    // Secrets hidden inside strings, so the output stays the JSON it was.
    if (!this.stdoutTTY) return this.line(this.redactor.secretsInJson(JSON.stringify(v) ?? 'null'));
    const pretty = safeJson(this.redactor.secretsInJson(JSON.stringify(v, null, 2) ?? 'null'));
    // Never in a pipe, whatever FORCE_COLOR says: a script reads these bytes.
    this.line(this.stdoutColour ? colourJson(pretty, this.paint) : pretty);
  }

  /**
   * One compact JSON line (NDJSON: follow, chat), fields picked; on a terminal, C1 controls and
   * bidi overrides become \u escapes as in printJson. No missing-field warning: the lines of one
   * stream are objects of different kinds (a thread, then its messages).
   */
  printJsonLine(value: unknown): void {
    this.line(this.jsonText(JSON.stringify(pickFields(value, this.opts.fields)) ?? 'null'));
  }

  /**
   * Status chatter on stderr; silenced by --quiet. `style` (an `epaint` colour) is applied after
   * escaping: painting first would have the escaping print the colour codes as text.
   */
  info(s: string, style?: (s: string) => string): void {
    if (this.opts.quiet) return;
    const text = this.#fit(safeLine(this.redactor.apply(s)));
    this.io.stderr.write(style ? text.replace(/[^\n]+/g, (l) => style(l)) : text);
  }

  /**
   * A block already escaped and painted (with epaint) by its formatter, several lines long, on
   * stderr: secrets redacted, silenced by --quiet. For a human report beside machine output on
   * stdout (gurusup eval's failure section when piped).
   */
  infoBlock(s: string): void {
    if (!this.opts.quiet)
      this.io.stderr.write(fitText(this.redactor.apply(s.endsWith('\n') ? s.slice(0, -1) : s), this.errColumns, 2));
  }

  warn(s: string): void {
    this.io.stderr.write(this.#fit(safeLine(this.redactor.apply(s)), 'warning:', (x) => this.epaint.yellow(x)));
  }

  debug(s: string): void {
    if (this.opts.debug) this.io.stderr.write(`${this.epaint.dim(safeLine(this.redactor.apply(s)))}\n`);
  }

  error(err: unknown): void {
    const e = err instanceof CliError ? err : undefined;
    const message = errorMessage(err);
    // Messages quote the API and the user: escaped, so a newline in them never forges a line.
    let text = this.#fit(safeLine(this.redactor.apply(message)), 'error:', (x) => this.epaint.red(x));
    if (e?.hint) text += this.#fit(safeLine(this.redactor.apply(e.hint)), 'hint:', (x) => this.epaint.dim(x));
    if (this.opts.debug && err instanceof Error && err.stack) text += `${safeText(err.stack)}\n`;
    if (this.opts.json) {
      const status = e?.status ?? null;
      const exit = e?.exitCode ?? EXIT.FAILURE;
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

  /**
   * A spinner on stderr when `animate` allows, shown only once the wait passes SPINNER_DELAY_MS:
   * ora is loaded in that timer, so a fast command neither draws nor loads anything.
   */
  async spinner(text: string): Promise<Spinner> {
    if (!this.animate) return noSpinner;
    // Spinner texts quote URLs (`Checking the key with <base URL>`): secrets out, escaped, like any line.
    const shown = (t: string) => safeLine(this.redactor.apply(t));
    let current = shown(text);
    let stopped = false;
    let s: { text: string; stop(): unknown } | undefined;
    const frames = DOTS.map((f) => this.epaint.cyan(f));
    const timer = setTimeout(() => {
      // A spinner that cannot be loaded is not worth failing the command for.
      void spinnerLoader
        .load()
        .catch(() => undefined)
        .then((mod) => {
          if (!mod) return;
          const { ora } = mod;
          if (stopped) return;
          s = ora({
            text: current,
            stream: this.io.stderr as NodeJS.WriteStream,
            isEnabled: true,
            hideCursor: false,
            discardStdin: false,
            color: false,
            spinner: { interval: 80, frames },
          }).start();
        });
    }, SPINNER_DELAY_MS);
    timer.unref?.();
    return {
      update: (t) => {
        current = shown(t);
        if (s) s.text = current;
      },
      stop: () => {
        stopped = true;
        clearTimeout(timer);
        s?.stop();
      },
    };
  }

  /**
   * A progress bar on stderr that fits its width, when `animate` allows; else nothing. Lines
   * printed on the same terminal would be drawn over by it: there, unless stdout goes to a file
   * (`besideFile`), the lines scrolling by are the progress.
   */
  async progress(label: string, total: number, o: { besideFile?: boolean } = {}): Promise<Progress> {
    if (!this.animate || (this.stdoutTTY && !o.besideFile)) return noProgress;
    const { ProgressBar } = await import('./progress.js');
    return new ProgressBar(this.io.stderr, label, total, () => this.errColumns);
  }
}
