import type { Readable, Writable } from 'node:stream';

/** Everything a command may touch of the outside world; tests pass a fake one. */
export interface Io {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM; servers treat it as "stop", requests as "cancel". */
  signal: AbortSignal;
}
