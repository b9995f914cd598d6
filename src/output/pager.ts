import type { Io } from '../io.js';
import type { Terminal } from '../terminal/terminal.js';

// node:child_process is loaded only when a pager may run: start-up of other commands must not pay for it.

/**
 * Long text for people (threads show, help topics) goes through a pager on a terminal, as git and
 * gh do: GURUSUP_PAGER, else PAGER, else `less -FRX` when installed. Never when stdout is not a
 * terminal, never for text that fits the screen; `--no-pager` or a pager of `cat` (or empty)
 * writes it directly.
 */
export async function pagerCommand(term: Terminal, noPager: boolean): Promise<string | undefined> {
  const io = term.io;
  if (noPager || !term.stdoutTTY) return undefined;
  const chosen = io.env.GURUSUP_PAGER ?? io.env.PAGER;
  if (chosen !== undefined) return chosen.trim() === '' || chosen.trim() === 'cat' ? undefined : chosen;
  return (await hasLess()) ? 'less -FRX' : undefined;
}

let lessFound: boolean | undefined;
async function hasLess(): Promise<boolean> {
  const { spawnSync } = await import('node:child_process');
  lessFound ??= spawnSync('sh', ['-c', 'command -v less'], { stdio: 'ignore' }).status === 0;
  return lessFound;
}

function screenRows(io: Io): number {
  const rows = (io.stdout as { rows?: number }).rows;
  return typeof rows === 'number' && rows > 0 ? rows : 24;
}

/**
 * Writes `text` to stdout, through the pager when one applies and the text is taller than the
 * screen. Resolves once the pager has exited (the user quit it); a pager that cannot start gets
 * the text written directly.
 */
export async function page(term: Terminal, text: string, noPager = false): Promise<void> {
  const io = term.io;
  const cmd = await pagerCommand(term, noPager);
  const fd = (io.stdout as { fd?: number }).fd;
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  // Only a real terminal on a real descriptor can be handed to a pager.
  if (!cmd || typeof fd !== 'number' || lines < screenRows(io)) {
    io.stdout.write(text);
    return;
  }
  const { spawn } = await import('node:child_process');
  const ok = await new Promise<boolean>((resolve) => {
    // LESS keeps colour and quits at once when the text fits after all, if the user set no LESS.
    const env = { ...io.env, LESS: io.env.LESS ?? 'FRX', LV: io.env.LV ?? '-c' };
    const child = spawn('sh', ['-c', cmd], { stdio: ['pipe', fd, 'inherit'], env });
    child.on('error', () => resolve(false));
    child.stdin!.on('error', () => {}); // the user quit before reading it all: not an error
    child.on('close', (code) => resolve(code !== 127));
    // Ctrl-C belongs to the pager while it runs (less handles it); we wait for it to exit.
    child.stdin!.end(text);
  });
  if (!ok) io.stdout.write(text);
}
