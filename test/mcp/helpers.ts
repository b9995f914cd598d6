import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BIN, startCli } from '../helpers/cli.js';

export const KEY = 'gsk_test_mcp_secret_0123456789abcdef';

/** `gurusup sandbox --port 0` with KEY, as the e2e tests start it. */
export async function startSandbox(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const sandbox = startCli(['sandbox', '--port', '0', '--api-key', KEY], { env });
  for (let i = 0; i < 1000; i++) {
    const m = /sandbox on (http:\/\/\S+)/.exec(sandbox.err());
    if (m)
      return {
        url: m[1]!,
        stop: async () => {
          sandbox.kill('SIGINT');
          await sandbox.done;
        },
      };
    if (sandbox.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  sandbox.kill('SIGKILL');
  throw new Error(`the sandbox did not start: ${sandbox.err()}`);
}

export function baseEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export interface Session {
  client: Client;
  child: ChildProcess;
  stderr(): string;
  /** Messages on stdout that were not JSON-RPC (the transport reports each as an error). */
  protocolErrors: Error[];
  /** Whether the transport had to signal the server to end it (stdin closing should be enough). */
  signalled(): boolean;
  close(): Promise<void>;
}

/** The SDK's own client, starting the built `gurusup ... mcp` as an MCP client would. */
export async function connect(args: string[], env: Record<string, string>): Promise<Session> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, ...args], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const client = new Client({ name: 'gurusup-test', version: '1.0.0' });
  const protocolErrors: Error[] = [];
  client.onerror = (err) => protocolErrors.push(err);
  await client.connect(transport);
  const child = (transport as unknown as { _process: ChildProcess })._process;
  let signalled = false;
  const kill = child.kill.bind(child);
  child.kill = (...a: Parameters<ChildProcess['kill']>) => {
    signalled = true;
    return kill(...a);
  };
  return {
    client,
    child,
    stderr: () => stderr,
    protocolErrors,
    signalled: () => signalled,
    close: () => client.close(),
  };
}

export type TextResult = {
  content: Array<{ type: string; text?: string }>;
  isError?: boolean;
  structuredContent?: any;
};

export async function call(s: Session, name: string, args: Record<string, unknown> = {}): Promise<TextResult> {
  return (await s.client.callTool({ name, arguments: args })) as TextResult;
}

export function text(r: TextResult): string {
  return r.content.map((c) => c.text ?? '').join('\n');
}

/**
 * The built binary driven by hand: each line written to its stdin, every stdout line kept, until
 * `expect` responses came; then stdin is closed and the exit awaited (failing if it never comes).
 */
export async function rawSession(
  args: string[],
  env: Record<string, string>,
  lines: unknown[],
  expect: number,
  o: { keepOpen?: boolean } = {},
): Promise<{
  child: ChildProcess;
  lines: () => string[];
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  // A string is written as it is (not JSON), anything else as JSON.
  for (const l of lines) child.stdin!.write(`${typeof l === 'string' ? l : JSON.stringify(l)}\n`);
  const responses = () => out.split('\n').filter((l) => l.includes('"id"')).length;
  await waitFor(
    () => responses() >= expect,
    () => `${expect} responses; stdout: ${out}\nstderr: ${err}`,
  );
  if (!o.keepOpen) child.stdin!.end();
  return { child, lines: () => out.split('\n').filter((l) => l !== ''), stdout: () => out, stderr: () => err, exit };
}

/** Polls until `cond`, failing with `what` after `ms`. */
export async function waitFor(cond: () => boolean, what: () => string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves with the exit, or rejects when it has not come within `ms` (the wait fails). */
export function exited<T>(exit: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    exit,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: the server did not exit within ${ms} ms`)), ms),
    ),
  ]);
}

export const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
export const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
