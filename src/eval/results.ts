/**
 * The `--json` results object (its shape is documented in docs/eval.md) and `--baseline`: an
 * earlier results file read back, each case marked new-failure, fixed, still-failing or unchanged.
 */
import fs from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { CaseResult, EvalSummary, RunStatus } from './runner.js';

export const RESULTS_VERSION = 1;

export type BaselineMark = 'new-failure' | 'fixed' | 'still-failing' | 'unchanged';

/** Suite name + case name → did it pass last time. */
export type Baseline = Map<string, boolean>;

const key = (suite: string, name: string) => `${suite}\u0000${name}`;

export function baselineMark(baseline: Baseline, r: CaseResult): BaselineMark {
  const before = baseline.get(key(r.suite.name, r.case.name));
  const now = r.status === 'passed';
  // A case the baseline does not have: a failure is new, a pass has nothing to compare with.
  if (before === undefined) return now ? 'unchanged' : 'new-failure';
  if (before && !now) return 'new-failure';
  if (!before && now) return 'fixed';
  return now ? 'unchanged' : 'still-failing';
}

/** Reads an earlier `--json` results object; anything else is a usage error (exit 2). */
export function parseBaseline(text: string, file: string): Baseline {
  let v: unknown;
  try {
    v = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UsageError(
      `--baseline ${file} is not JSON: ${(err as Error).message}`,
      'pass a file written by: gurusup eval <suite> --json > results.json',
    );
  }
  const suites = (v as { suites?: unknown })?.suites;
  if (!Array.isArray(suites))
    throw new UsageError(
      `--baseline ${file} is not a gurusup eval results file (no "suites" list)`,
      'pass a file written by: gurusup eval <suite> --json > results.json',
    );
  const out: Baseline = new Map();
  for (const s of suites) {
    const cases = (s as { cases?: unknown })?.cases;
    const name = (s as { name?: unknown })?.name;
    if (typeof name !== 'string' || !Array.isArray(cases)) continue;
    for (const c of cases) {
      const cn = (c as { name?: unknown })?.name;
      const st = (c as { status?: unknown })?.status;
      if (typeof cn === 'string' && typeof st === 'string') out.set(key(name, cn), st === 'passed');
    }
  }
  return out;
}

export async function readBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read --baseline ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)}`,
    );
  }
  return parseBaseline(text, file);
}

export interface Totals {
  cases: number;
  passed: number;
  failed: number;
  errored: number;
  not_run: number;
  runs: number;
  turns: number;
  skipped_expectations: number;
}

export function totals(s: EvalSummary): Totals {
  const count = (st: RunStatus) => s.cases.filter((c) => c.status === st).length;
  return {
    cases: s.selected,
    passed: count('passed'),
    failed: count('failed'),
    errored: count('errored'),
    not_run: s.selected - s.cases.length,
    runs: s.cases.reduce((n, c) => n + c.runs.length, 0),
    turns: s.cases.reduce((n, c) => n + c.runs.reduce((m, r) => m + r.turns.length, 0), 0),
    skipped_expectations: s.cases.reduce((n, c) => n + c.skipped, 0),
  };
}

export function overallStatus(s: EvalSummary): 'passed' | 'failed' | 'interrupted' {
  if (s.interrupted) return 'interrupted';
  const t = totals(s);
  return t.failed + t.errored === 0 && t.not_run === 0 ? 'passed' : 'failed';
}

const ms = (n: number | undefined) => (n === undefined ? null : Math.round(n));

/** The results object printed by `--json` (and read back by `--baseline`). */
export function resultsObject(
  s: EvalSummary,
  o: { repeat: number; minPassRate?: number; concurrency: number; judge: boolean; baseline?: Baseline },
) {
  const bySuite = new Map<string, { name: string; file: string; cases: CaseResult[] }>();
  for (const c of s.cases) {
    const k = `${c.suite.file}\u0000${c.suite.name}`;
    if (!bySuite.has(k)) bySuite.set(k, { name: c.suite.name, file: c.suite.file, cases: [] });
    bySuite.get(k)!.cases.push(c);
  }
  return {
    version: RESULTS_VERSION,
    run_id: s.runId,
    status: overallStatus(s),
    started_at: s.startedAt.toISOString(),
    duration_ms: ms(s.durationMs),
    options: { repeat: o.repeat, min_pass_rate: o.minPassRate ?? 1, concurrency: o.concurrency, judge: o.judge },
    totals: totals(s),
    suites: [...bySuite.values()].map((suite) => ({
      name: suite.name,
      file: suite.file,
      cases: suite.cases.map((c) => ({
        name: c.case.name,
        status: c.status,
        pass_rate: c.passRate,
        runs_passed: c.runs.filter((r) => r.status === 'passed').length,
        slowest_latency_ms: ms(c.slowestMs),
        ...(o.baseline ? { baseline: baselineMark(o.baseline, c) } : {}),
        runs: c.runs.map((r) => ({
          repeat: r.repeat,
          thread_fid: r.thread,
          status: r.status,
          duration_ms: ms(r.durationMs),
          ...(r.error ? { error: { message: r.error.message, exit_code: r.error.exitCode } } : {}),
          turns: r.turns.map((t) => ({
            index: t.index,
            send: t.send,
            agent: t.agent,
            user_fid: t.user,
            lang: t.lang ?? null,
            ...(t.reference !== undefined ? { reference: t.reference } : {}),
            reply: t.reply,
            latency_ms: ms(t.latencyMs),
            expectations: t.expectations.map((e) => ({
              expectation: e.expectation,
              type: `${e.negated ? 'not-' : ''}${e.kind}`,
              status: e.status,
              message: e.message,
            })),
          })),
        })),
      })),
    })),
  };
}
