/** Human and piped output of a run: live case lines, the failure section, the summary. Pure. */
import { tsvRow, type Paint } from '../output/format.js';
import { type Baseline, baselineMark, totals } from './results.js';
import type { CaseResult, EvalSummary, RunResult } from './runner.js';
import { clip, oneLine, wrap } from './text.js';

/** A reply longer than this is cut in the failure section (a 10 MB answer must not flood a terminal). */
const MAX_REPLY = 2000;
import { displayWidth, truncateToWidth } from '../output/width.js';

export function percent(rate: number): string {
  return `${Math.floor(rate * 100 + 1e-9)}%`;
}

export function formatMs(n: number | undefined): string {
  if (n === undefined) return '-';
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

export function caseTitle(r: CaseResult, withSuite: boolean): string {
  return withSuite ? `${r.suite.name} › ${r.case.name}` : r.case.name;
}

/** One terminal line per finished case: ✓/✗, name, pass rate, slowest latency (and baseline mark). */
export function caseLine(
  r: CaseResult,
  p: Paint,
  o: { withSuite: boolean; baseline?: Baseline; width?: number },
): string {
  const mark = r.status === 'passed' ? p.green('✓') : r.status === 'failed' ? p.red('✗') : p.yellow('✗');
  const passed = r.runs.filter((x) => x.status === 'passed').length;
  const rate = r.runs.length > 1 ? `${percent(r.passRate)} (${passed}/${r.runs.length})` : percent(r.passRate);
  const errored = r.status === 'errored' ? 'errored' : '';
  const mk = o.baseline ? baselineMark(o.baseline, r) : '';
  // The name gives way so the line never wraps: everything after it has a fixed width.
  const tail = `  ${rate}  ${formatMs(r.slowestMs)}${errored ? `  ${errored}` : ''}${mk ? `  ${mk}` : ''}`;
  let name = oneLine(caseTitle(r, o.withSuite));
  if (o.width && o.width > 0) name = truncateToWidth(name, Math.max(8, o.width - 2 - displayWidth(tail)));
  return `${mark} ${name}  ${p.dim(rate)}  ${p.dim(formatMs(r.slowestMs))}${errored ? `  ${p.yellow(errored)}` : ''}${mk ? `  ${markLabel(mk, p)}` : ''}`;
}

function markLabel(m: string, p: Paint): string {
  return m === 'new-failure' ? p.red(m) : m === 'fixed' ? p.green(m) : m === 'still-failing' ? p.yellow(m) : p.dim(m);
}

/**
 * Piped: `status name pass_rate runs latency_ms`, tab-separated, and with a baseline a sixth
 * column, its mark; name is `suite › case` when several suites run.
 */
export function caseTsv(r: CaseResult, withSuite = false, baseline?: Baseline): string {
  return tsvRow([
    r.status,
    caseTitle(r, withSuite),
    r.passRate.toFixed(2),
    r.runs.length,
    r.slowestMs === undefined ? '' : Math.round(r.slowestMs),
    ...(baseline ? [baselineMark(baseline, r)] : []),
  ]);
}

function replyText(reply: unknown): string | undefined {
  if (reply === null || reply === undefined) return undefined;
  if (typeof reply === 'object' && typeof (reply as { body?: unknown }).body === 'string')
    return (reply as { body: string }).body;
  return JSON.stringify(reply);
}

/** The details of one run that did not pass: each turn with a missed expectation, or the error. */
function runDetails(run: RunResult, p: Paint, width: number): string[] {
  const lines: string[] = [];
  // Labels take 15 columns; the text beside them wraps under itself.
  const label = (name: string, paint: (s: string) => string = p.dim) => `    ${paint(name.padEnd(10))} `;
  const field = (name: string, text: string) => `${label(name)}${wrap(text, width, 15)}`;
  for (const t of run.turns) {
    const missed = t.expectations.filter((e) => e.status === 'failed' || e.status === 'errored');
    if (!missed.length) continue;
    lines.push(`  ${p.bold(`turn ${t.index}`)}${t.agent ? p.dim(' (as agent)') : ''}`);
    lines.push(field('sent', t.send));
    const body = replyText(t.reply);
    lines.push(body === undefined ? `${label('reply')}${p.dim('(no reply)')}` : field('reply', clip(body, MAX_REPLY)));
    if (t.reference !== undefined) lines.push(field('reference', t.reference));
    for (const e of missed) {
      const head = e.status === 'errored' ? label('errored', p.yellow) : label('missed', p.red);
      lines.push(`${head}${wrap(`${e.expectation}: ${e.message}`, width, 15)}`);
    }
  }
  if (run.error) lines.push(`  ${p.yellow('error:')} ${wrap(run.error.message, width, 9)}`);
  return lines;
}

/** The failure section printed after the case lines; empty when nothing failed. */
export function failureSection(
  results: readonly CaseResult[],
  p: Paint,
  o: { width: number; withSuite: boolean },
): string {
  const bad = results.filter((r) => r.status !== 'passed');
  if (!bad.length) return '';
  const out: string[] = [p.bold(`Failures (${bad.length})`)];
  for (const r of bad) {
    const failing = r.runs.filter((x) => x.status !== 'passed');
    const first = failing[0]!;
    const which = r.runs.length > 1 ? `run ${first.repeat} of ${r.runs.length}; ${failing.length} did not pass; ` : '';
    out.push('');
    const mark = r.status === 'failed' ? p.red('✗') : p.yellow('✗');
    // Wrapped plain, then painted: the title and the run note are two parts of one wrapped text.
    const title = oneLine(caseTitle(r, o.withSuite));
    const note = `(${which}thread ${oneLine(first.thread)})`;
    const wrapped = wrap(`${title} ${note}`, o.width, 2);
    const cut = wrapped.lastIndexOf('(');
    const head = wrapped.slice(0, cut).trimEnd();
    out.push(`${mark} ${p.bold(head)}${wrapped.slice(head.length, cut)}${p.dim(wrapped.slice(cut))}`);
    out.push(...runDetails(first, p, o.width));
  }
  return `${out.join('\n')}\n`;
}

export function summaryLine(s: EvalSummary, p: Paint, o: { judge: boolean; baseline?: Baseline }): string {
  const t = totals(s);
  const parts = [`${t.passed} passed`];
  if (t.failed) parts.push(p.red(`${t.failed} failed`));
  if (t.errored) parts.push(p.yellow(`${t.errored} errored`));
  if (t.not_run) parts.push(`${t.not_run} not run`);
  let line = `${parts.join(', ')} · ${t.cases} case${t.cases === 1 ? '' : 's'}, ${t.runs} run${t.runs === 1 ? '' : 's'}, ${t.turns} turn${t.turns === 1 ? '' : 's'} · ${formatMs(s.durationMs)}`;
  if (t.skipped_expectations && !o.judge)
    line += ` · ${t.skipped_expectations} judge expectation${t.skipped_expectations === 1 ? '' : 's'} skipped (no --judge-cmd)`;
  if (o.baseline) {
    const marks = s.cases.map((c) => baselineMark(o.baseline!, c));
    const n = (m: string) => marks.filter((x) => x === m).length;
    line += ` · baseline: ${n('new-failure')} new failure${n('new-failure') === 1 ? '' : 's'}, ${n('fixed')} fixed, ${n('still-failing')} still failing`;
  }
  if (s.interrupted) line += ' · interrupted';
  return line;
}
