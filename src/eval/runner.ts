/**
 * Runs cases: each run of a case on its own new thread `eval-<slug>-<run-id>`, turns in order,
 * replies checked as they come, runs `concurrency` at a time. A 401/403 stops everything; any
 * other failed request marks that run errored and the rest go on.
 */
import { randomBytes } from 'node:crypto';
import { AuthError, CliError, InterruptedError } from '../errors.js';
import { check, describe, type Expectation, type Outcome, type Status } from './expectations.js';
import type { Judge, JudgeInput } from './judge.js';
import type { Case, Suite, Turn } from './suite.js';
import { now } from '../runtime/clock.js';
import { replyOf } from '../model/reply.js';
import { outgoingMessage } from '../model/outgoing.js';

export type RunStatus = 'passed' | 'failed' | 'errored';

export interface ExpectationResult {
  /** As written in the suite, e.g. `not-icontains: "no puedo"`. */
  expectation: string;
  kind: Expectation['kind'];
  negated: boolean;
  status: Status;
  message: string;
}

export interface TurnResult {
  index: number;
  send: string;
  agent: boolean;
  user: string;
  lang?: string;
  reference?: string;
  /** The reply object as the API returned it; null when no reply came. */
  reply: unknown;
  latencyMs: number;
  expectations: ExpectationResult[];
}

export interface RunResult {
  repeat: number;
  thread: string;
  status: RunStatus;
  error?: { message: string; exitCode: number };
  durationMs: number;
  turns: TurnResult[];
}

export interface CaseResult {
  suite: Suite;
  case: Case;
  status: RunStatus;
  passRate: number;
  runs: RunResult[];
  /** Slowest reply over every turn of every run, ms; undefined when no turn got an answer. */
  slowestMs?: number;
  /** Expectations skipped (judge without a judge command). */
  skipped: number;
}

export interface EvalOptions {
  /** Sends one message; resolves with the response body (undefined when empty). */
  send: (partial: Record<string, unknown>) => Promise<unknown>;
  judge?: Judge;
  repeat: number;
  /** 0..1; undefined means every run must pass. */
  minPassRate?: number;
  concurrency: number;
  signal?: AbortSignal;
  runId?: string;
  /** Called as each case finishes (every run of it). */
  onCase?: (r: CaseResult) => void;
}

export interface EvalSummary {
  runId: string;
  startedAt: Date;
  durationMs: number;
  /** Finished cases, in suite and case order. */
  cases: CaseResult[];
  /** Cases selected, finished or not. */
  selected: number;
  interrupted: boolean;
  /** The error that ended the run early (a 401). */
  fatal?: CliError;
}

/** A short id unique to this run: time in base 36 plus random hex. */
export function newRunId(now = Date.now()): string {
  return `${now.toString(36)}${randomBytes(2).toString('hex')}`;
}

export function threadFid(c: Case, runId: string, repeat: number, repeats: number): string {
  return `eval-${c.slug}-${runId}${repeats > 1 ? `-${repeat}` : ''}`;
}

// replyOf lives with the other rules about what a message means (src/model/reply.ts).
export { replyOf };

export function caseStatus(
  runs: readonly RunResult[],
  minPassRate: number | undefined,
): { status: RunStatus; passRate: number } {
  const passed = runs.filter((r) => r.status === 'passed').length;
  const passRate = runs.length ? passed / runs.length : 0;
  const bar = minPassRate ?? 1;
  if (runs.length && passRate + 1e-9 >= bar) return { status: 'passed', passRate };
  return { status: runs.some((r) => r.status === 'failed') ? 'failed' : 'errored', passRate };
}

function runStatusOf(turns: readonly TurnResult[]): RunStatus {
  const all = turns.flatMap((t) => t.expectations);
  if (all.some((e) => e.status === 'failed')) return 'failed';
  if (all.some((e) => e.status === 'errored')) return 'errored';
  return 'passed';
}

async function runTurn(
  turn: Turn,
  thread: string,
  o: EvalOptions,
  conversation: JudgeInput['conversation'],
  signal: AbortSignal,
): Promise<TurnResult> {
  const partial = outgoingMessage({
    body: turn.send,
    user: turn.user,
    thread,
    lang: turn.lang,
    subject: turn.subject,
    agent: turn.agent,
  });
  const started = now();
  const response = await o.send(partial);
  const latencyMs = now() - started;
  const message = replyOf(response, partial);
  const body = typeof message?.body === 'string' ? message.body : undefined;
  conversation.push({ role: turn.agent ? 'agent' : 'user', body: turn.send });
  const results: ExpectationResult[] = [];
  for (const e of turn.expect) {
    let outcome: Outcome;
    if (e.kind === 'judge' && message !== undefined) {
      outcome = o.judge
        ? body === undefined
          ? { status: 'failed', message: 'the reply has no text body to judge' }
          : await o.judge({ criteria: e.criteria, conversation: [...conversation], reply: body }, signal)
        : { status: 'skipped', message: 'skipped: no judge command (--judge-cmd or GURUSUP_JUDGE_CMD)' };
    } else outcome = check(e, { message, body, latencyMs });
    results.push({ expectation: describe(e), kind: e.kind, negated: e.negated, ...outcome });
  }
  if (body !== undefined) conversation.push({ role: 'assistant', body });
  return {
    index: turn.index,
    send: turn.send,
    agent: turn.agent,
    user: turn.user,
    ...(turn.lang !== undefined ? { lang: turn.lang } : {}),
    ...(turn.reference !== undefined ? { reference: turn.reference } : {}),
    reply: response === undefined ? null : message === undefined ? null : response,
    latencyMs,
    expectations: results,
  };
}

/** Runs the suites' cases; never throws for a failed request (a 401 is returned as `fatal`). */
export async function runEval(suites: readonly Suite[], o: EvalOptions): Promise<EvalSummary> {
  const runId = o.runId ?? newRunId();
  const startedAt = new Date();
  const t0 = now();
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let fatal: CliError | undefined;

  interface Slot {
    suite: Suite;
    c: Case;
    runs: Array<RunResult | undefined>;
    left: number;
    result?: CaseResult;
  }
  const slots: Slot[] = [];
  const units: Array<{ slot: Slot; repeat: number }> = [];
  for (const suite of suites) {
    for (const c of suite.cases) {
      const slot: Slot = { suite, c, runs: new Array(o.repeat).fill(undefined), left: o.repeat };
      slots.push(slot);
      for (let r = 1; r <= o.repeat; r++) units.push({ slot, repeat: r });
    }
  }

  const runOne = async (slot: Slot, repeat: number): Promise<RunResult | undefined> => {
    const thread = threadFid(slot.c, runId, repeat, o.repeat);
    const turns: TurnResult[] = [];
    const conversation: JudgeInput['conversation'] = [];
    const started = now();
    try {
      for (const turn of slot.c.turns) {
        if (stop.signal.aborted) return undefined;
        turns.push(await runTurn(turn, thread, o, conversation, stop.signal));
      }
    } catch (err) {
      if (err instanceof InterruptedError || stop.signal.aborted) return undefined;
      if (err instanceof AuthError) {
        fatal ??= err;
        stop.abort();
        return undefined;
      }
      const message = err instanceof CliError ? err.message : `internal error: ${(err as Error).message}`;
      // A reply already seen to be wrong stays a failure; otherwise the run could not be judged.
      return {
        repeat,
        thread,
        status: runStatusOf(turns) === 'failed' ? 'failed' : 'errored',
        error: {
          message: `turn ${turns.length + 1}: ${message}`,
          exitCode: err instanceof CliError ? err.exitCode : 1,
        },
        durationMs: now() - started,
        turns,
      };
    }
    if (stop.signal.aborted && turns.some((t) => t.expectations.some((e) => e.message === 'interrupted')))
      return undefined;
    return { repeat, thread, status: runStatusOf(turns), durationMs: now() - started, turns };
  };

  let next = 0;
  const worker = async () => {
    while (!stop.signal.aborted && next < units.length) {
      const { slot, repeat } = units[next++]!;
      const r = await runOne(slot, repeat);
      if (!r || stop.signal.aborted) return;
      slot.runs[repeat - 1] = r;
      if (--slot.left === 0) {
        const runs = slot.runs as RunResult[];
        const latencies = runs.flatMap((x) => x.turns.map((t) => t.latencyMs));
        slot.result = {
          suite: slot.suite,
          case: slot.c,
          ...caseStatus(runs, o.minPassRate),
          runs,
          slowestMs: latencies.length ? Math.max(...latencies) : undefined,
          skipped: runs.reduce(
            (n, x) => n + x.turns.reduce((m, t) => m + t.expectations.filter((e) => e.status === 'skipped').length, 0),
            0,
          ),
        };
        o.onCase?.(slot.result);
      }
    }
  };
  const stopped = new Promise<void>((resolve) =>
    stop.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  const workers = Array.from({ length: Math.max(1, Math.min(o.concurrency, units.length)) }, worker);
  // A 401 or Ctrl-C ends the run at once: requests still in flight are not waited for.
  await Promise.race([Promise.all(workers), stopped]);
  o.signal?.removeEventListener('abort', onOuterAbort);
  stop.abort();
  return {
    runId,
    startedAt,
    durationMs: now() - t0,
    cases: slots.flatMap((s) => (s.result ? [s.result] : [])),
    selected: slots.length,
    interrupted: Boolean(o.signal?.aborted) && !fatal,
    fatal,
  };
}
