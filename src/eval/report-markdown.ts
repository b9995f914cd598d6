/** `--report`: a Markdown summary to paste (or post from CI) as a pull-request comment. */
import { baselineMark, totals, type Baseline } from './results.js';
import type { CaseResult, EvalSummary } from './runner.js';
import { runStory } from './report-junit.js';
import { formatMs, percent } from './report-text.js';
import { inertLinks } from './text.js';
import { UNSAFE_BUT_NL_TAB_CLASS } from '../output/escape.js';
import { plural } from '../output/plural.js';

/**
 * Text from a reply or a suite, inert in Markdown: no HTML, no links, no formatting, no @mention
 * pinging someone, no table cell broken by a pipe or a newline.
 */
export function mdInline(s: string): string {
  return inertLinks(s)
    .replace(
      new RegExp(`[${UNSAFE_BUT_NL_TAB_CLASS}]|[\\ud800-\\udfff]`, 'gu'),
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '&#64;')
    .replace(/\r?\n|\r|\t/g, ' ');
}

const MAX_DETAILS = 25;

const icon = (st: string) => (st === 'passed' ? '✅' : st === 'failed' ? '❌' : '⚠️');

export function markdownReport(s: EvalSummary, o: { baseline?: Baseline; judge: boolean }): string {
  const t = totals(s);
  const ok = t.failed + t.errored + t.not_run === 0 && !s.interrupted;
  const head = [`${t.passed} passed`];
  if (t.failed) head.push(`${t.failed} failed`);
  if (t.errored) head.push(`${t.errored} errored`);
  if (t.not_run) head.push(`${t.not_run} not run (interrupted)`);
  const lines: string[] = [`## ${ok ? '✅' : '❌'} gurusup eval: ${head.join(', ')}`, ''];
  const notes = [
    `${plural(t.cases, 'case')}, ${plural(t.runs, 'run')}, ${plural(t.turns, 'turn')} in ${formatMs(s.durationMs)}`,
    `run \`${s.runId}\``,
  ];
  if (t.skipped_expectations && !o.judge)
    notes.push(`${plural(t.skipped_expectations, 'judge expectation')} skipped (no judge command)`);
  lines.push(notes.join(' · '), '');
  const withBase = Boolean(o.baseline);
  lines.push(
    `| | Suite | Case | Pass rate | Slowest${withBase ? ' | Baseline' : ''} |`,
    `|---|---|---|---|---${withBase ? '|---' : ''}|`,
  );
  for (const c of s.cases) {
    const cells = [
      icon(c.status),
      mdInline(c.suite.name),
      mdInline(c.case.name),
      c.runs.length > 1
        ? `${percent(c.passRate)} (${c.runs.filter((r) => r.status === 'passed').length}/${c.runs.length})`
        : percent(c.passRate),
      formatMs(c.slowestMs),
    ];
    if (o.baseline) {
      const m = baselineMark(o.baseline, c);
      cells.push(m === 'new-failure' ? '**new failure**' : m);
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const bad = s.cases.filter((c) => c.status !== 'passed');
  if (bad.length) {
    // A pull-request comment holds 65,536 characters: replies are cut, and so is the list.
    lines.push('', '### Failures');
    for (const c of bad.slice(0, MAX_DETAILS)) lines.push('', ...failureBlock(c));
    if (bad.length > MAX_DETAILS)
      lines.push('', `…and ${bad.length - MAX_DETAILS} more: see the JUnit file or \`--json\`.`);
  }
  return `${lines.join('\n')}\n`;
}

function failureBlock(c: CaseResult): string[] {
  const run = c.runs.find((r) => r.status !== 'passed')!;
  const { text } = runStory(run, 500);
  const body = text.split('\n').map((l) => (l ? `> ${mdInline(l)}` : '>'));
  return [
    `<details><summary>${icon(c.status)} ${mdInline(c.suite.name)} › ${mdInline(c.case.name)}</summary>`,
    '',
    ...body,
    '',
    '</details>',
  ];
}
