import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { StdoutGuard } from './stdout.js';

type Main = (argv: readonly string[], io: Io) => Promise<number>;

/**
 * The CLI run by the real process: its streams guarded, Ctrl-C and SIGTERM turned into an abort,
 * stdout drained before the end. `exit` is the shim's: only bin/gurusup.js ends the process.
 */
export async function runProcess(main: Main, argv: readonly string[], exit: (code: number) => void): Promise<void> {
  // stderr that cannot be written (a full disk, a reader gone) has no one to tell: the exit code
  // still says what happened, rather than an unhandled 'error' event's exit 1.
  process.stderr.on('error', () => {});
  const guard = new StdoutGuard({
    stdout: process.stdout,
    stderr: process.stderr,
    exit,
    code: () => (typeof process.exitCode === 'number' ? process.exitCode : 0),
  });
  guard.install();
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    // A second Ctrl-C ends at once, whatever is still running.
    if (interrupts > 1) exit(EXIT.INTERRUPTED);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const code = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made on first use: process.stdin on a file or /dev/null loads Node's fs streams (~1 ms).
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    signal: controller.signal,
  });
  process.exitCode = code;
  guard.finish(code);
}

/** A failed write of the shim's pre-rendered text (--version, --help): reported like any other. */
export function stdoutFailed(err: unknown, exit: (code: number) => void): void {
  new StdoutGuard({ stdout: process.stdout, stderr: process.stderr, exit, code: () => 0 }).fail(err);
}
