import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { plainPaint } from '../../src/output/format.js';
import { junitXml, xmlAttr, xmlText } from '../../src/eval/report-junit.js';
import { markdownReport, mdInline } from '../../src/eval/report-markdown.js';
import { caseLine, caseTsv, failureSection, summaryLine } from '../../src/eval/report-text.js';
import { baselineMark, parseBaseline, resultsObject } from '../../src/eval/results.js';
import { caseStatus, replyOf, type CaseResult, type EvalSummary, type RunResult } from '../../src/eval/runner.js';
import { caseFromThread } from '../../src/eval/init.js';
import { displayWidth } from '../../src/output/width.js';
import { wrap } from '../../src/eval/text.js';

const HOSTILE =
  'Sure! \u001b]0;pwned\u0007\u001b[2J <script>&"\'</script> @here | **bold** \u202eevil\u0000 \ud800 [link](http://x) \n# heading';
const suite = { name: 'support', file: 'suites/support.yaml', cases: [] };

function run(status: RunResult['status'], body: string | null, extra: Partial<RunResult> = {}): RunResult {
  return {
    repeat: 1,
    thread: 'eval-c-abc',
    status,
    durationMs: 12.5,
    turns: [
      {
        index: 1,
        send: '¿Reembolso?',
        agent: false,
        user: 'gurusup-eval',
        lang: 'es',
        reference: 'Tarda 30 días.',
        reply: body === null ? null : { body, role: 'assistant' },
        latencyMs: 40,
        expectations: [
          {
            expectation: 'icontains: "30 días"',
            kind: 'icontains',
            negated: false,
            status: status === 'passed' ? 'passed' : status === 'failed' ? 'failed' : 'errored',
            message: status === 'passed' ? '' : 'the reply does not contain "30 días" (ignoring case)',
          },
        ],
      },
    ],
    ...extra,
  };
}

function result(name: string, runs: RunResult[]): CaseResult {
  return {
    suite,
    case: { name, slug: name, turns: [] },
    ...caseStatus(runs, undefined),
    runs,
    slowestMs: 40,
    skipped: 0,
  };
}

function summary(cases: CaseResult[], extra: Partial<EvalSummary> = {}): EvalSummary {
  return {
    runId: 'abc',
    startedAt: new Date('2026-11-25T10:00:00Z'),
    durationMs: 1234,
    cases,
    selected: cases.length,
    interrupted: false,
    ...extra,
  };
}

const good = result('refund window', [run('passed', 'Tarda 30 días')]);
const bad = result('bad & <hostile> "case"', [run('failed', HOSTILE)]);
const broken = result('server error', [
  {
    repeat: 1,
    thread: 'eval-x',
    status: 'errored',
    durationMs: 3,
    turns: [],
    error: { message: 'turn 1: the API answered 500 Internal Server Error', exitCode: 1 },
  },
]);

describe('JUnit XML', () => {
  it('is well-formed even with hostile replies, and parses back to what ran', () => {
    const xml = junitXml(summary([good, bad, broken]));
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(doc.testsuites).toMatchObject({ name: 'gurusup eval', tests: '3', failures: '1', errors: '1' });
    const ts = doc.testsuites.testsuite;
    expect(ts).toMatchObject({ name: 'support', file: 'suites/support.yaml', tests: '3', failures: '1', errors: '1' });
    const [a, b, c] = ts.testcase;
    expect(a).toMatchObject({ name: 'refund window', classname: 'support' });
    expect(a.failure).toBeUndefined();
    expect(b.name).toBe('bad & <hostile> "case"');
    expect(b.failure.type).toBe('expectation');
    expect(b.failure.message).toBe(
      'turn 1: icontains: "30 días": the reply does not contain "30 días" (ignoring case)',
    );
    expect(b.failure['#text']).toContain('<script>&"\'</script>');
    expect(b.failure['#text']).toContain('reference: Tarda 30 días.');
    // Characters XML cannot carry are shown as escapes, not dropped silently.
    expect(b.failure['#text']).toContain('\\u001b[2J');
    expect(b.failure['#text']).toContain('\\ud800');
    expect(c.error.message).toBe('turn 1: the API answered 500 Internal Server Error');
  });
  it('escapes text and attributes', () => {
    expect(xmlText('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(xmlAttr('"x"\n\'y\'\t')).toBe('&quot;x&quot;&#10;&apos;y&apos;&#9;');
    expect(xmlText('\u0000\u0008ok\uFFFE')).toBe('\\u0000\\u0008ok\\ufffe');
    expect(xmlText('😀 ok')).toBe('😀 ok');
  });
});

describe('Markdown report', () => {
  it('a table of cases, failures in details, and nothing from a reply can format, link or ping', () => {
    const md = markdownReport(summary([good, bad, broken]), { judge: false });
    expect(md).toMatch(/^## ❌ gurusup eval: 1 passed, 1 failed, 1 errored\n/);
    expect(md).toContain('| ✅ | support | refund window | 100% | 40 ms |');
    expect(md).toContain('<details><summary>❌ support › bad &amp; &lt;hostile&gt; "case"</summary>');
    expect(md).not.toMatch(/<script>|@here|\*\*bold\*\*|\]\(http|\u001b|\u202e/);
    expect(md).toContain('&#64;here');
    for (const line of md.split('\n').filter((l) => l.startsWith('| '))) expect(line.split(/(?<!\\)\|/).length).toBe(7);
  });
  it('stays within a pull-request comment: long replies cut, at most 25 failures in detail', () => {
    const many = Array.from({ length: 40 }, (_, i) => result(`case ${i}`, [run('failed', 'x'.repeat(100_000))]));
    const md = markdownReport(summary(many), { judge: false });
    expect(md.length).toBeLessThan(65_536);
    expect(md).toContain('… \\(99500 more characters; --json has the whole reply\\)');
    expect(md).toContain('…and 15 more: see the JUnit file or `--json`.');
    // The table still lists every case.
    expect(md.split('\n').filter((l) => l.startsWith('| ❌'))).toHaveLength(40);
  });

  it('mdInline keeps a table cell on one line', () => {
    expect(mdInline('a|b\nc')).toBe('a\\|b c');
  });
});

describe('terminal and piped lines', () => {
  it('case lines: mark, name, pass rate, slowest latency', () => {
    expect(caseLine(good, plainPaint, { withSuite: false })).toBe('✓ refund window  100%  40 ms');
    expect(caseLine(broken, plainPaint, { withSuite: true })).toBe('✗ support › server error  0%  40 ms  errored');
    const flaky = result('flaky', [run('passed', 'x'), run('failed', 'y'), run('passed', 'z')]);
    expect(caseLine(flaky, plainPaint, { withSuite: false })).toBe('✗ flaky  66% (2/3)  40 ms');
  });
  it('TSV: status name pass_rate runs latency_ms, a tab in a name escaped', () => {
    expect(caseTsv(good)).toBe('passed\trefund window\t1.00\t1\t40');
    expect(caseTsv(result('a\tb', [run('failed', 'x')]))).toBe('failed\ta\\tb\t0.00\t1\t40');
    expect(caseTsv(good, true)).toBe('passed\tsupport › refund window\t1.00\t1\t40');
  });
  it('the failure section escapes and wraps the reply, shows the reference and the missed expectation', () => {
    const text = failureSection([good, bad, broken], plainPaint, { width: 40, withSuite: false });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain('\\x1b]0;pwned\\x07');
    for (const line of text.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
    expect(text).toContain('    reference  Tarda 30 días.');
    expect(text).toContain('    missed     icontains: "30 días": the');
    expect(text).toContain('  error: turn 1: the API answered 500');
    expect(text).not.toContain('refund window');
    // The run note wraps onto its own line when the title fills the first.
    const long = failureSection([result('a case name that is long enough to go', [run('failed', 'x')])], plainPaint, {
      width: 40,
      withSuite: false,
    });
    expect(long.split('\n').slice(0, 4)).toEqual([
      'Failures (1)',
      '',
      '✗ a case name that is long enough to go',
      '  (thread eval-c-abc)',
    ]);
  });
  it('a huge reply is cut in the failure section', () => {
    const text = failureSection([result('big', [run('failed', 'y'.repeat(50_000))])], plainPaint, {
      width: 0,
      withSuite: false,
    });
    expect(text.length).toBeLessThan(3000);
    expect(text).toContain('… (48000 more characters; --json has the whole reply)');
  });
  it('the summary counts cases and says when judge expectations were skipped', () => {
    const withSkip = { ...good, skipped: 2 };
    expect(summaryLine(summary([withSkip, bad]), plainPaint, { judge: false })).toBe(
      '1 passed, 1 failed · 2 cases, 2 runs, 2 turns · 1234 ms · 2 judge expectations skipped (no --judge-cmd)',
    );
  });
  it('wrap: escapes, wraps by display columns, hangs continuation lines under the first', () => {
    expect(wrap('aaa bbb ccc dddd eeee ffff', 14, 2)).toBe('aaa bbb ccc\n  dddd eeee\n  ffff');
    expect(wrap('one\ntwo', 0, 2)).toBe('one\n  two');
    expect(wrap('a\u001b[2Jb', 0, 0)).toBe('a\\x1b[2Jb');
    for (const line of wrap('日本語の文章です、とても長い文章です。'.repeat(3), 20, 4).split('\n'))
      expect(displayWidth(line)).toBeLessThanOrEqual(20);
  });
});

describe('results and baseline', () => {
  it('the JSON results object reads back as a baseline, marking each case', () => {
    const before = JSON.parse(
      JSON.stringify(resultsObject(summary([good, bad, broken]), { repeat: 1, concurrency: 4, judge: false })),
    );
    expect(before).toMatchObject({
      version: 1,
      status: 'failed',
      totals: { cases: 3, passed: 1, failed: 1, errored: 1 },
    });
    expect(before.suites[0].cases[1].runs[0].turns[0].reply.body).toBe(HOSTILE);
    const baseline = parseBaseline(JSON.stringify(before), 'r.json');
    const nowBad = result('refund window', [run('failed', 'x')]);
    const nowGood = result('bad & <hostile> "case"', [run('passed', 'x')]);
    const newCase = result('brand new', [run('failed', 'x')]);
    expect(baselineMark(baseline, nowBad)).toBe('new-failure');
    expect(baselineMark(baseline, nowGood)).toBe('fixed');
    expect(baselineMark(baseline, broken)).toBe('still-failing');
    expect(baselineMark(baseline, good)).toBe('unchanged');
    expect(baselineMark(baseline, newCase)).toBe('new-failure');
    const after = resultsObject(summary([nowBad]), { repeat: 1, concurrency: 4, judge: false, baseline });
    expect(after.suites[0]!.cases[0]!.baseline).toBe('new-failure');
  });
  it('a baseline that is not a results file is a usage error', () => {
    expect(() => parseBaseline('nope', 'r.json')).toThrow(/--baseline r.json is not JSON/);
    expect(() => parseBaseline('{"a":1}', 'r.json')).toThrow(/not a gurusup eval results file/);
  });
  it('caseStatus: every run must pass unless --min-pass-rate lowers the bar', () => {
    const runs = [run('passed', 'x'), run('failed', 'y'), run('passed', 'z'), run('passed', 'z')];
    expect(caseStatus(runs, undefined)).toEqual({ status: 'failed', passRate: 0.75 });
    expect(caseStatus(runs, 0.75).status).toBe('passed');
    expect(caseStatus(runs, 0.8).status).toBe('failed');
    expect(caseStatus([run('passed', 'x'), run('errored', null)], undefined).status).toBe('errored');
    expect(caseStatus([run('passed', 'x'), run('passed', 'x'), run('passed', 'x')], 2 / 3).status).toBe('passed');
  });
  it('replyOf: an empty answer or the message sent back is no reply', () => {
    const partial = { body: 'hi', user_fid: 'u', thread_fid: 't', is_customer_support_agent: true };
    expect(replyOf(undefined, partial)).toBeUndefined();
    expect(replyOf(null, partial)).toBeUndefined();
    expect(replyOf({ _id: '1', ...partial }, partial)).toBeUndefined();
    expect(replyOf({ body: 'hi', user_fid: 'ai', thread_fid: 't' }, partial)).toEqual({
      body: 'hi',
      user_fid: 'ai',
      thread_fid: 't',
    });
  });
});

describe('eval init --from-thread', () => {
  it('customer messages become turns, the reply after each its reference', () => {
    const c = caseFromThread('refund-778', {
      subject: 'Refund',
      lang: 'en',
      messages: [
        { body: 'Broken mug, refund?', is_customer_support_agent: false },
        { body: 'Refunds take 5–7 days.', role: 'assistant', is_customer_support_agent: true },
        { body: 'Issued today.', is_customer_support_agent: true },
        { body: 'Thanks', is_customer_support_agent: false },
        { body: 'Still there?', is_customer_support_agent: false },
      ],
    });
    expect(c).toEqual({
      name: 'refund-778: Refund',
      lang: 'en',
      turns: [
        { send: 'Broken mug, refund?', reference: 'Refunds take 5–7 days.', expect: [{ min_length: 1 }] },
        { send: 'Thanks', expect: [{ min_length: 1 }] },
        { send: 'Still there?', expect: [{ min_length: 1 }] },
      ],
    });
    expect(
      caseFromThread('x', { messages: [{ body: 'agent only', is_customer_support_agent: true }] }),
    ).toBeUndefined();
    expect(caseFromThread('x', 'not an object')).toBeUndefined();
  });
});

describe('reports: links in replies are inert', () => {
  // GFM links a bare http://, https://, ftp:// and www. by itself (the "extended autolink" rules).
  const AUTOLINK = /\b(?:https?|ftp):\/\/|\bwww\./i;
  const reply =
    'Pay at https://evil.example/pay?x=1 or HTTP://EVIL.EXAMPLE, see www.evil.example and ftp://files.example/a';

  it('Markdown: no bare URL a renderer would link, the address still readable', () => {
    const md = markdownReport(summary([result('links', [run('failed', reply)])]), { judge: false });
    expect(md).not.toMatch(AUTOLINK);
    expect(md).toContain('https\\[:\\]//evil.example/pay?x=1');
    expect(md).toContain('www\\[.\\]evil.example');
  });

  it('JUnit: the same', () => {
    const xml = junitXml(summary([result('links https://case.example', [run('failed', reply)])]));
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(AUTOLINK);
    expect(xml).toContain('https[:]//evil.example/pay?x=1');
    expect(xml).toContain('links https[:]//case.example');
  });
});

describe('JUnit escaping', () => {
  // Review of gurusup eval (issue 14): a hostile reply in the JUnit file. XML 1.0 allows DEL, the
  // C1 controls (U+009B is a terminal's CSI) and the bidi overrides, so they used to pass through
  // raw: a `cat eval.xml` in a CI log acted on them, and a CI page showed reordered text.
  const HOSTILE = 'a\u009b31m b\u007f c\u0085 d\u202eevil\u202c e\u2066x\u2069 \u001b[2J é ✓ 日本 😀 \u00a0nbsp';

  describe('JUnit escaping', () => {
    it('C1, DEL and bidi overrides are shown as \\u escapes; other text is kept; the file parses', () => {
      const t = xmlText(HOSTILE);
      expect(t).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
      expect(t).toBe(
        'a\\u009b31m b\\u007f c\\u0085 d\\u202eevil\\u202c e\\u2066x\\u2069 \\u001b[2J é ✓ 日本 😀 \u00a0nbsp',
      );
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<t a="${xmlAttr(HOSTILE)}">${t}</t>\n`;
      expect(XMLValidator.validate(xml)).toBe(true);
      const back = new XMLParser({ ignoreAttributes: false, processEntities: true }).parse(xml) as {
        t: { '#text': string; '@_a': string };
      };
      expect(back.t['@_a']).toBe(t);
    });
  });
});

describe('reports: links after _ or a digit are inert too', () => {
  it.each(['_https://evil.com_', '_www.evil.com_', '1https://evil.com', 'xhttps://evil.com'])('%s', (s) => {
    expect(mdInline(s)).not.toMatch(/:\/\/|www\./i);
    expect(xmlText(s)).not.toMatch(/:\/\/|www\./i);
  });
});
