/**
 * JUnit XML, as GitLab, GitHub (test-reporter actions) and Jenkins read it: one <testsuite> per
 * suite file, one <testcase> per case, <failure>/<error> with the message and the reply.
 * Written by hand: the format is small, and the escaping below is the part that matters.
 */
import type { CaseResult, EvalSummary, RunResult } from './runner.js';
import { totals } from './results.js';
import { clip, inertLinks } from './text.js';

// Characters XML 1.0 does not allow at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF),
// and the ones it allows but a CI page or a `cat` in a CI log must not act on: DEL, C1 (U+009B
// is a terminal's CSI) and the bidi overrides that reorder what a reviewer reads.
const INVALID = /[^\x09\x0a\x0d\x20-\x7e\xa0-\u2029\u202f-\u2065\u206a-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

function visible(s: string): string {
  return s.replace(INVALID, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

export function xmlText(s: string): string {
  return visible(inertLinks(s)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

function replyBody(reply: unknown): string {
  if (reply === null || reply === undefined) return '(no reply)';
  if (typeof reply === 'object' && typeof (reply as { body?: unknown }).body === 'string')
    return (reply as { body: string }).body;
  return JSON.stringify(reply);
}

/** The plain-text story of a run that did not pass: each missed expectation with the turn and reply. */
/** The story of a run; replies cut to `maxReply` characters when given (a PR comment has a size limit). */
export function runStory(run: RunResult, maxReply = Infinity): { message: string; text: string } {
  const lines: string[] = [`thread ${run.thread}`];
  let message = '';
  for (const t of run.turns) {
    const missed = t.expectations.filter((e) => e.status === 'failed' || e.status === 'errored');
    if (!missed.length) continue;
    lines.push(
      '',
      `turn ${t.index}${t.agent ? ' (as agent)' : ''}`,
      `sent: ${t.send}`,
      `reply: ${clip(replyBody(t.reply), maxReply)}`,
    );
    if (t.reference !== undefined) lines.push(`reference: ${t.reference}`);
    for (const e of missed) {
      lines.push(`${e.status === 'errored' ? 'errored' : 'missed'}: ${e.expectation}: ${e.message}`);
      message ||= `turn ${t.index}: ${e.expectation}: ${e.message}`;
    }
  }
  if (run.error) {
    lines.push('', `error: ${run.error.message}`);
    message ||= run.error.message;
  }
  return { message, text: lines.join('\n') };
}

function testcase(c: CaseResult): string {
  const time = c.runs.reduce((n, r) => n + r.durationMs, 0);
  const attrs = `name="${xmlAttr(c.case.name)}" classname="${xmlAttr(c.suite.name)}" file="${xmlAttr(c.suite.file)}" time="${secs(time)}"`;
  const passed = c.runs.filter((r) => r.status === 'passed').length;
  const out = [
    `pass rate ${passed}/${c.runs.length}`,
    ...c.runs.map((r) => `run ${r.repeat}: ${r.status} (thread ${r.thread})`),
  ];
  if (c.skipped) out.push(`${c.skipped} judge expectation(s) skipped: no judge command`);
  let inner = '';
  if (c.status !== 'passed') {
    const run = c.runs.find((r) => r.status !== 'passed')!;
    const { message, text } = runStory(run);
    const tag = c.status === 'failed' ? 'failure' : 'error';
    const prefix = c.runs.length > 1 ? `${passed}/${c.runs.length} runs passed; run ${run.repeat}: ` : '';
    inner += `      <${tag} message="${xmlAttr(prefix + message)}" type="${c.status === 'failed' ? 'expectation' : 'error'}">${xmlText(text)}</${tag}>\n`;
  }
  inner += `      <system-out>${xmlText(out.join('\n'))}</system-out>\n`;
  return `    <testcase ${attrs}>\n${inner}    </testcase>\n`;
}

export function junitXml(s: EvalSummary): string {
  const groups = new Map<string, CaseResult[]>();
  for (const c of s.cases) {
    const k = `${c.suite.file}\u0000${c.suite.name}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(c);
  }
  const t = totals(s);
  const stamp = s.startedAt.toISOString().replace(/\.\d+Z$/, '');
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n';
  xml += `<testsuites name="gurusup eval" tests="${s.cases.length}" failures="${t.failed}" errors="${t.errored}" skipped="0" time="${secs(s.durationMs)}" timestamp="${stamp}">\n`;
  for (const cases of groups.values()) {
    const suite = cases[0]!.suite;
    const f = cases.filter((c) => c.status === 'failed').length;
    const e = cases.filter((c) => c.status === 'errored').length;
    const time = cases.reduce((n, c) => n + c.runs.reduce((m, r) => m + r.durationMs, 0), 0);
    xml += `  <testsuite name="${xmlAttr(suite.name)}" file="${xmlAttr(suite.file)}" tests="${cases.length}" failures="${f}" errors="${e}" skipped="0" time="${secs(time)}" timestamp="${stamp}">\n`;
    xml += `    <properties>\n      <property name="run_id" value="${xmlAttr(s.runId)}"/>\n    </properties>\n`;
    for (const c of cases) xml += testcase(c);
    xml += '  </testsuite>\n';
  }
  xml += '</testsuites>\n';
  return xml;
}
