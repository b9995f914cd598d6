/**
 * The external judge: a command run once per judged reply, with
 * `{criteria, conversation: [{role, body}], reply}` as JSON on stdin, answering
 * `{"pass": true|false, "reason": "…"}` on stdout. A judge that crashes, times out or prints
 * anything else makes the expectation errored, with the first line of its stderr.
 */
import { spawn } from 'node:child_process';
import type { Outcome } from './expectations.js';
import { oneLine } from './text.js';

export const JUDGE_TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 1024 * 1024;
/** How long output may still arrive after the judge exited. */
const EXIT_GRACE_MS = 300;

export interface JudgeInput {
  criteria: string;
  /** The messages so far: `user` (customer), `agent` (support agent), `assistant` (the AI's replies). */
  conversation: Array<{ role: 'user' | 'agent' | 'assistant'; body: string }>;
  reply: string;
}

export type Judge = (input: JudgeInput, signal?: AbortSignal) => Promise<Outcome>;

/** What the judge printed, read as a verdict. Pure. */
export function parseVerdict(stdout: string, stderrFirstLine: string): Outcome {
  const said = stderrFirstLine ? ` (stderr: ${oneLine(stderrFirstLine).slice(0, 200)})` : '';
  let v: unknown;
  try {
    v = JSON.parse(stdout.replace(/^\uFEFF/, '').trim());
  } catch {
    const start = oneLine(stdout.trim().slice(0, 80));
    return {
      status: 'errored',
      message: `the judge did not print JSON${start ? `: ${start}` : ' (its output was empty)'}${said}`,
    };
  }
  if (typeof v !== 'object' || v === null || typeof (v as { pass?: unknown }).pass !== 'boolean') {
    return { status: 'errored', message: `the judge printed JSON without "pass": true|false${said}` };
  }
  const { pass, reason } = v as { pass: boolean; reason?: unknown };
  const why = typeof reason === 'string' && reason ? reason : '';
  return pass
    ? { status: 'passed', message: why }
    : { status: 'failed', message: `the judge said no${why ? `: ${why}` : ''}` };
}

/** A Judge that runs `command` through the shell. */
export function commandJudge(command: string, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Judge {
  const timeoutMs = opts.timeoutMs ?? JUDGE_TIMEOUT_MS;
  return (input, signal) =>
    new Promise<Outcome>((resolve) => {
      let stdout = '';
      let stderr = '';
      let settled = false;
      // Its own process group, so a timeout ends the shell and whatever it started.
      const child = spawn(command, {
        shell: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: opts.env ?? process.env,
        detached: process.platform !== 'win32',
      });
      const kill = () => {
        try {
          if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // already gone
        }
      };
      const done = (o: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(o);
      };
      const firstErrLine = () => stderr.split('\n').find((l) => l.trim()) ?? '';
      const timer = setTimeout(() => {
        kill();
        done({
          status: 'errored',
          message: `the judge did not answer within ${timeoutMs / 1000} s${firstErrLine() ? ` (stderr: ${oneLine(firstErrLine()).slice(0, 200)})` : ''}`,
        });
      }, timeoutMs);
      const onAbort = () => {
        kill();
        done({ status: 'errored', message: 'interrupted' });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        if (stdout.length < MAX_OUTPUT) stdout += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        if (stderr.length < MAX_OUTPUT) stderr += d;
      });
      child.on('error', (err) =>
        done({ status: 'errored', message: `the judge command could not start: ${oneLine(err.message)}` }),
      );
      // 'close' waits for every holder of the judge's stdout: a judge that leaves a background
      // process behind (a model server it started) has answered once it exits, not 30 s later.
      let exited: { code: number | null; sig: NodeJS.Signals | null } | undefined;
      let grace: NodeJS.Timeout | undefined;
      child.on('exit', (code, sig) => {
        exited = { code, sig };
        grace = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish(code, sig);
        }, EXIT_GRACE_MS);
      });
      child.on('close', (code, sig) => finish(exited?.code ?? code, exited?.sig ?? sig));
      const finish = (code: number | null, sig: NodeJS.Signals | null) => {
        clearTimeout(grace);
        if (code !== 0) {
          const line = firstErrLine();
          return done({
            status: 'errored',
            message: `the judge exited with ${sig ?? `code ${code}`}${line ? `: ${oneLine(line).slice(0, 200)}` : ''}`,
          });
        }
        done(parseVerdict(stdout, firstErrLine()));
      };
      // A judge that does not read its stdin must not crash us with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(JSON.stringify(input));
      if (signal?.aborted) onAbort();
    });
}
