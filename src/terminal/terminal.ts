import type { Io } from '../io.js';

/** How the user asked output to look: flags, with the environment's say where flags are silent. */
export interface Mode {
  json: boolean;
  /** `--json a,b`: the fields to keep. */
  fields?: string[];
  quiet: boolean;
  /** false with --no-color. */
  color: boolean;
  debug: boolean;
  /** false with --no-input. */
  input?: boolean;
}

export type ColourLevel = 0 | 1 | 2 | 3;

/** Colour is on for a TTY unless --no-color, NO_COLOR or TERM=dumb; FORCE_COLOR forces it. */
export function colorLevel(flagColor: boolean, env: NodeJS.ProcessEnv, isTTY: boolean): ColourLevel {
  if (!flagColor) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') {
    return force === '2' ? 2 : force === '3' ? 3 : 1;
  }
  if (force === '0' || force === 'false') return 0;
  if (env.NO_COLOR || env.TERM === 'dumb') return 0;
  return isTTY ? 1 : 0;
}

const debugEnv = (env: NodeJS.ProcessEnv) => env.GURUSUP_DEBUG === '1' || env.GURUSUP_DEBUG === 'true';

/**
 * The mode as argv states it, before Commander parses it: enough for usage errors and help, which
 * come before (or instead of) a parse. Context replaces it with the parsed one (withMode).
 */
export function scanArgv(argv: readonly string[], env: NodeJS.ProcessEnv): Mode {
  return {
    json: argv.some((a) => a === '--json' || a.startsWith('--json=')),
    quiet: argv.includes('--quiet') || argv.includes('-q'),
    color: !argv.includes('--no-color'),
    debug: argv.includes('--debug') || debugEnv(env),
    input: !argv.includes('--no-input'),
  };
}

type Stream = { isTTY?: boolean; columns?: number };

/** A stream's width when it is a terminal that knows it, else 0. Read each time: terminals resize. */
const ttyColumns = (s: Stream) => (s.isTTY === true ? Math.max(0, s.columns ?? 0) : 0);

/**
 * How this process meets its terminal, decided in one place: per stream whether it is a terminal
 * and its colour level, one width rule, whether to animate and whether a prompt can be answered.
 * Built from the streams and argv before Commander runs; usage errors, help, Output, prompts and
 * handlers all ask it.
 */
export class Terminal {
  readonly io: Io;
  readonly mode: Mode;
  readonly stdoutTTY: boolean;
  readonly stderrTTY: boolean;
  readonly stdoutColour: ColourLevel;
  readonly stderrColour: ColourLevel;

  constructor(io: Io, mode: Mode) {
    this.io = io;
    this.mode = mode;
    this.stdoutTTY = io.stdout.isTTY === true;
    this.stderrTTY = io.stderr.isTTY === true;
    this.stdoutColour = colorLevel(mode.color, io.env, this.stdoutTTY);
    this.stderrColour = colorLevel(mode.color, io.env, this.stderrTTY);
  }

  static from(io: Io, argv: readonly string[]): Terminal {
    return new Terminal(io, scanArgv(argv, io.env));
  }

  /** The same streams with the mode Commander parsed. */
  withMode(mode: Mode): Terminal {
    return new Terminal(this.io, mode);
  }

  /** stdout's width when it is a terminal; 0 otherwise (nothing is fitted for a pipe or a file). */
  get columns(): number {
    return ttyColumns(this.io.stdout);
  }

  /** stderr's width when it is a terminal; 0 otherwise. */
  get errColumns(): number {
    return ttyColumns(this.io.stderr);
  }

  /** Help's width: the terminal's, else 80 (a pipe, a file). */
  helpWidth(stream: 'stdout' | 'stderr' = 'stdout'): number {
    return (stream === 'stdout' ? this.columns : this.errColumns) || 80;
  }

  /** Whether stdin is a terminal; asked only when needed (making process.stdin costs). */
  get stdinTTY(): boolean {
    return this.io.stdin.isTTY === true;
  }

  /** --no-input, or running under CI: never prompt. */
  get noInput(): boolean {
    return this.mode.input === false || Boolean(this.io.env.CI);
  }

  /** A question on stderr can be answered on stdin. */
  get canPrompt(): boolean {
    return this.stdinTTY && !this.noInput;
  }

  /** Why no prompt can ask for `what` (when canPrompt is false). */
  noPromptReason(what: string): string {
    return this.stdinTTY ? 'prompting is disabled (--no-input or CI)' : `no terminal to prompt for ${what}`;
  }

  /** stdin is a pipe or a file: input was given there. */
  get pipedInput(): boolean {
    return !this.stdinTTY;
  }

  /** A conversation on the terminal (chat's REPL): stdin and stdout are terminals, no --json. */
  get interactive(): boolean {
    return this.stdinTTY && this.human;
  }

  /** Human format on stdout: a terminal, and --json off. */
  get human(): boolean {
    return this.stdoutTTY && !this.mode.json;
  }

  /** Lines for someone watching stderr (what is starting): a terminal, and --json off. */
  get watched(): boolean {
    return this.stderrTTY && !this.mode.json;
  }

  /**
   * Whether stderr may animate (spinners, progress bars): a terminal with a width, not TERM=dumb,
   * and neither --json nor --quiet.
   */
  get animate(): boolean {
    return this.stderrTTY && !this.mode.json && !this.mode.quiet && this.io.env.TERM !== 'dumb' && this.errColumns > 0;
  }
}
