import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import stringWidth from 'string-width';
import { waitUntil } from './wait.js';
import { BIN } from './cli.js';

const exec = promisify(execFile);

/** Whether `script` (util-linux/bsdutils) is there to make a pseudo-terminal. */
export const HAS_SCRIPT = spawnSync('sh', ['-c', 'command -v script']).status === 0;
export const NO_SCRIPT = 'needs `script` from bsdutils (apt-get install bsdutils) for a pseudo-terminal';

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface PtyResult {
  code: number;
  /** Everything the terminal received (stdout and stderr), with the pty's \r\n turned into \n. */
  out: string;
}

/**
 * Runs the built CLI on a pseudo-terminal of `cols` columns (stdin, stdout and stderr all on it),
 * as `script -qfec "stty cols N; gurusup …"`.
 */
export async function pty(
  args: string[],
  o: { cols: number; rows?: number; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<PtyResult> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', ...o.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const cmd = `stty cols ${o.cols} rows ${o.rows ?? 24}; exec ${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')}`;
  try {
    const r = await exec('script', ['-qfec', cmd, '/dev/null'], {
      env,
      timeout: o.timeoutMs ?? 20_000,
      maxBuffer: 16 << 20,
    });
    return { code: 0, out: r.stdout.replace(/\r\n/g, '\n') };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, out: (e.stdout ?? '').replace(/\r\n/g, '\n') };
  }
}

/** Like pty(), but started in the background: read `out()` as it comes, await `done`. */
export function startPty(args: string[], o: { cols: number; rows?: number; env?: Record<string, string | undefined> }) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', ...o.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const cmd = `stty cols ${o.cols} rows ${o.rows ?? 24}; exec ${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')}`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const done = new Promise<PtyResult>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, out: out.replace(/\r\n/g, '\n') })),
  );
  const waitFor = (re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> =>
    waitUntil(() => stripAnsi(out).match(re), { what: () => `${re} on the terminal: ${out}`, timeout: timeoutMs });
  return { child, done, waitFor, out: () => out };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export const stripAnsi = (s: string) => s.replace(ANSI, '');

/** The lines as the terminal shows them: ANSI codes removed, a \r redraw keeping only its last state. */
export function screenLines(out: string): string[] {
  return stripAnsi(out)
    .split('\n')
    .map((l) => l.split('\r').pop()!);
}

/** Display width, as a terminal counts it. */
export const width = (s: string) => stringWidth(s);

export const SPINNER_FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
