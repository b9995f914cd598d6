import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './wait.js';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/gurusup.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

/** Starts the built CLI as a user would; the caller reads and ends it. */
export function startCli(
  args: string[],
  o: SpawnOptions = {},
): ChildProcess & { out: () => string; err: () => string; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(o.env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (o.input !== undefined) child.stdin!.end(o.input);
  else child.stdin!.end();
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return Object.assign(child, { out: () => stdout, err: () => stderr, done });
}

/** Runs the built CLI to completion. */
export async function cli(args: string[], o: SpawnOptions = {}): Promise<CliResult> {
  const child = startCli(args, o);
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 15_000);
  const r = await child.done;
  clearTimeout(timer);
  return r;
}

/** Resolves when the child's stderr matches, with the match. */
export function waitForStderr(child: { err: () => string }, re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  return waitUntil(() => child.err().match(re), {
    what: () => `${re} in stderr: ${child.err()}`,
    timeout: timeoutMs,
  });
}
