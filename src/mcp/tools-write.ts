/**
 * The tools that send messages, registered only with --allow-write: each runs the CLI command's
 * own handler (`messages send --json`, `eval --json`), so the request, the checks and the errors
 * are the command's.
 */
import type { McpServer } from '../vendor/mcp.js';
import { z } from '../vendor/mcp.js';
import { isObject, plainPaint } from '../output/format.js';
import { messageBlock } from '../model/transcript.js';
import { replyOf } from '../eval/runner.js';
import { send, type SendOptions } from '../commands/messages-run.js';
import { evalRun, type EvalOptions } from '../commands/eval-run.js';
import { MAX_REPEAT } from '../commands/eval.js';
import { success, type ToolResult } from './results.js';
import type { Calls } from './call.js';

const WRITE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true } as const;

export const WRITE_TOOLS = ['gurusup_messages_send', 'gurusup_eval_run'] as const;

type Obj = Record<string, unknown>;

function evalText(results: Obj): string {
  const t = (results.totals ?? {}) as Obj;
  const lines = [
    `eval ${String(results.status)}: ${t.passed ?? 0} passed, ${t.failed ?? 0} failed, ${t.errored ?? 0} errored of ${t.cases ?? 0} cases (run ${String(results.run_id)}).`,
  ];
  for (const suite of Array.isArray(results.suites) ? (results.suites as Obj[]) : []) {
    for (const c of Array.isArray(suite.cases) ? (suite.cases as Obj[]) : []) {
      lines.push(
        `${c.status === 'passed' ? 'pass' : String(c.status)}\t${String(suite.name)} / ${String(c.name)}\tpass rate ${String(c.pass_rate)}\tslowest ${String(c.slowest_latency_ms)} ms`,
      );
      if (c.status === 'passed') continue;
      // What failed, once per case: the first failing expectations or the error.
      let shown = 0;
      for (const run of Array.isArray(c.runs) ? (c.runs as Obj[]) : []) {
        const error = run.error as Obj | undefined;
        if (error && shown++ < 3) lines.push(`  run ${String(run.repeat)}: error: ${String(error.message)}`);
        for (const turn of Array.isArray(run.turns) ? (run.turns as Obj[]) : [])
          for (const e of Array.isArray(turn.expectations) ? (turn.expectations as Obj[]) : [])
            if (e.status === 'failed' && shown++ < 3)
              lines.push(`  run ${String(run.repeat)}, turn ${String(turn.index)}: ${String(e.message)}`);
      }
    }
  }
  return lines.join('\n');
}

export function registerWriteTools(server: McpServer, calls: Calls): void {
  server.registerTool(
    'gurusup_messages_send',
    {
      title: 'Send a message (real customers)',
      description:
        "Sends a message into a thread (POST /messages): this writes to the organization's REAL customer conversations, and the organization's AI answers it as it would answer the customer. " +
        'By default the message is sent as the customer (user = their user_fid); agent: true sends it as a support agent, which gets no automatic reply. A new thread_fid starts a new thread. ' +
        'Returns {reply}: the reply message object, or null when the API sent none back. Never retried: after a timeout the message may exist, so check with gurusup_thread_get before sending again.',
      inputSchema: z.strictObject({
        thread: z.string().min(1).describe('the thread_fid to send into (a new one starts a thread)'),
        user: z.string().min(1).describe('the user_fid of the sender (the customer, or the agent with agent: true)'),
        body: z
          .string()
          .refine((s) => s.trim() !== '', 'the message body is empty')
          .describe('the message text'),
        lang: z.string().min(1).optional().describe('language code such as en or es'),
        subject: z.string().optional().describe('subject of the thread'),
        agent: z.boolean().optional().describe('send as a support agent (no automatic reply) instead of the customer'),
      }),
      outputSchema: z.object({ reply: z.record(z.string(), z.unknown()).nullable() }),
      annotations: { title: 'Send a message (real customers)', ...WRITE },
    },
    (args, extra) => {
      const opts: SendOptions = { thread: args.thread, user: args.user, body: args.body, agent: args.agent === true };
      if (args.lang !== undefined) opts.lang = args.lang;
      if (args.subject !== undefined) opts.subject = args.subject;
      return calls.runHandler(extra.signal, send, [], opts, (response): ToolResult => {
        // The eval runner's reading: the sent message echoed back (an agent's) is no reply.
        const reply = replyOf(response, { body: args.body, user_fid: args.user, thread_fid: args.thread });
        if (!reply)
          return success(
            'Message sent; no reply came back (none is expected with agent: true, or when the organization has no automatic reply).',
            { reply: null },
            '',
          );
        return success(messageBlock(reply, plainPaint), { reply }, 'The reply itself is that long.');
      });
    },
  );

  server.registerTool(
    'gurusup_eval_run',
    {
      title: 'Run an eval suite (sends messages)',
      description:
        "Runs a gurusup eval suite file (YAML or JSON, as `gurusup eval` reads it): every case is sent as a short conversation to the organization's AI on a fresh thread eval-<case>-<run id>, and each reply is checked against the case's expectations. " +
        'This sends real messages through the API. suite is a path on the machine running this server (absolute, or relative to its working directory). ' +
        'case keeps the cases whose name contains the text; repeat runs each case that many times. Returns the same results object as `gurusup eval --json` (status passed or failed, totals, suites → cases → runs → turns with each reply and expectation).',
      inputSchema: z.strictObject({
        suite: z.string().min(1).describe('path of the suite file'),
        case: z.string().min(1).optional().describe('run only the cases whose name contains this text (ignoring case)'),
        repeat: z
          .number()
          .int()
          .min(1)
          .max(MAX_REPEAT)
          .optional()
          .describe(`run every case this many times, each on a fresh thread (default 1, at most ${MAX_REPEAT})`),
      }),
      outputSchema: z.looseObject({ status: z.string(), suites: z.array(z.unknown()) }),
      annotations: { title: 'Run an eval suite (sends messages)', ...WRITE },
    },
    (args, extra) => {
      const opts: EvalOptions = { repeat: args.repeat ?? 1, concurrency: 4 };
      if (args.case !== undefined) opts.case = args.case;
      return calls.runHandler(extra.signal, evalRun, [[args.suite]], opts, (results): ToolResult => {
        if (!isObject(results)) throw new Error('the eval run printed no results object');
        return success(evalText(results), results, 'Every reply is in structuredContent.');
      });
    },
  );
}
