/**
 * `gurusup mcp`: a Model Context Protocol server on stdio (the official SDK), with tools and
 * resources over the same client, filters and commands as the CLI.
 */
import type { Handler } from '../commands/types.js';
import type { Context } from '../context.js';
import type { Io } from '../io.js';
import { EXIT } from '../exit-codes.js';
import { VERSION } from '../version.js';
import { McpServer, StdioServerTransport } from '../vendor/mcp.js';
import { Calls } from './call.js';
import { failureText } from './results.js';
import { registerReadTools } from './tools-read.js';
import { registerWriteTools, WRITE_TOOLS } from './tools-write.js';
import { registerResources } from './resources.js';

const INSTRUCTIONS = `Gurusup customer-support data for one organization (the API key of the gurusup CLI's profile).
Find threads with gurusup_threads_list (filters: user, since, until, grep; sort; limit), read one with gurusup_thread_get (messages labelled customer, agent or system), or attach gurusup://threads/<thread_fid> as a resource.`;
const READ_ONLY_NOTE =
  ' This server is read-only: sending messages and running eval suites need `gurusup mcp --allow-write`.';
const WRITE_NOTE =
  " Write access is on: gurusup_messages_send messages real customers' threads, and gurusup_eval_run sends eval conversations.";

/**
 * The SDK answers some calls itself (arguments that fail their schema, a tool not listed) with its
 * own wording; those get ours: the argument named first, and the flag a write tool needs.
 */
export function explainSdkError(message: string, allowWrite: boolean) {
  const text = message.replace(/^MCP error -?\d+: /, '');
  const invalid = /^Input validation error: Invalid arguments for tool (\S+): ([\s\S]*)$/.exec(text);
  if (invalid) {
    const issues = invalid[2]!.split('\n').map((line) => {
      const at = / at (\S+)$/.exec(line);
      return at ? `${at[1]}: ${line.slice(0, at.index)}` : line;
    });
    return failureText(
      `invalid arguments for ${invalid[1]}: ${issues.join('; ')}`,
      "the tool's input schema (tools/list) gives each argument",
    );
  }
  const missing = /^Tool (\S+) (?:not found|disabled)$/.exec(text);
  if (missing && !allowWrite && (WRITE_TOOLS as readonly string[]).includes(missing[1]!))
    return failureText(
      `${missing[1]} sends messages, and this server is read-only`,
      'start it with write access: gurusup mcp --allow-write (in the MCP client configuration)',
    );
  if (missing) return failureText(`no tool named ${missing[1]}`, 'tools/list gives the tools this server has');
  return failureText(text);
}

/** After the end of input, how long calls already under way may take to answer (a piped session). */
const ANSWER_AFTER_EOF_MS = 500;

export function createServer(base: Context, o: { allowWrite: boolean }): { server: McpServer; calls: Calls } {
  const server = new McpServer(
    { name: 'gurusup', title: 'Gurusup', version: VERSION },
    {
      capabilities: { tools: {}, resources: {} },
      instructions: INSTRUCTIONS + (o.allowWrite ? WRITE_NOTE : READ_ONLY_NOTE),
    },
  );
  const hook = server as unknown as { createToolError?: (message: string) => unknown };
  if (typeof hook.createToolError === 'function')
    hook.createToolError = (message: string) => explainSdkError(message, o.allowWrite);
  const calls = new Calls(base);
  registerReadTools(server, calls);
  if (o.allowWrite) registerWriteTools(server, calls);
  registerResources(server, calls);
  return { server, calls };
}

/**
 * stdout is the JSON-RPC channel: from here on, whatever else writes to it (console.log, a
 * library, a warning) goes to stderr. Returns the channel for the transport, and the undo.
 */
function takeStdout(io: Io): { channel: Io['stdout']; restore: () => void } {
  const stdout = io.stdout;
  const write = stdout.write;
  const toStderr = (...args: unknown[]) => (io.stderr.write as (...a: unknown[]) => boolean)(...args);
  stdout.write = toStderr as typeof stdout.write;
  const channel = Object.create(stdout) as Io['stdout'];
  channel.write = ((...args: unknown[]) => (write as (...a: unknown[]) => boolean).apply(stdout, args)) as typeof write;
  const methods = ['log', 'info', 'debug', 'dir', 'table', 'trace'] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) (console as unknown as Record<string, unknown>)[m] = console.error.bind(console);
  return {
    channel,
    restore: () => {
      stdout.write = write;
      methods.forEach((m, i) => ((console as unknown as Record<string, unknown>)[m] = saved[i]));
    },
  };
}

export const serve: Handler<{ allowWrite?: boolean }> = async (ctx, _args, opts) => {
  const { io } = ctx;
  const { channel, restore } = takeStdout(io);
  const { server, calls } = createServer(ctx, { allowWrite: opts.allowWrite === true });
  const stdin = io.stdin;
  const transport = new StdioServerTransport(stdin, channel as never);
  // A line that is not JSON-RPC gets no answer (it has no id to answer): said on stderr instead.
  server.server.onerror = (err) => ctx.out.warn(`ignored input that is not an MCP message: ${err.message}`);
  // Typed at a terminal by mistake: say what is waiting, on stderr (stdout stays JSON-RPC only).
  if (ctx.term.stdinTTY)
    ctx.out.info(
      'gurusup mcp: an MCP server, waiting for a client on stdin (set-up: docs/mcp.md). Ctrl-C or Ctrl-D stops it.',
    );
  try {
    // Ends when the client goes (stdin closes) or on SIGINT / SIGTERM: both are a normal stop.
    await new Promise<void>((resolve, reject) => {
      const stop = () => resolve();
      // `printf '…' | gurusup mcp`: what was read before the end gets its answer, briefly.
      const drain = () =>
        void new Promise((r) => setImmediate(r)).then(() => calls.settled(ANSWER_AFTER_EOF_MS)).then(stop);
      stdin.once('end', drain);
      stdin.once('close', drain);
      // An input that fails (EIO: the terminal went away) is an end like any other.
      stdin.once('error', drain);
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', stop, { once: true });
      transport.onclose = stop;
      server.connect(transport).catch(reject);
    });
  } finally {
    // The answers just given are written before the transport goes.
    await new Promise((r) => setImmediate(r));
    await server.close().catch(() => undefined);
    restore();
  }
  return EXIT.OK;
};
