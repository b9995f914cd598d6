import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run, startInProcess, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type Recorded, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { threadHash } from '../../src/api/hash.js';

const KEY = 'gsk_test_eval_0123456789abcdef';
let server: TestServer;
let env: Record<string, string>;
let dir: string;
/** Requests held by the `hold` rule, answered by release(). */
let held: Array<() => void> = [];
let holdUntil = 0;
let inFlight = 0;
let maxInFlight = 0;

type Msg = { body: string; user_fid: string; thread_fid: string; lang?: string; is_customer_support_agent: boolean };

function answer(req: Recorded, res: http.ServerResponse): void {
  const m = req.json as Msg;
  const reply = (body: string) =>
    sendJson(res, 201, {
      _id: 'r1',
      body,
      thread_fid: m.thread_fid,
      user_fid: 'gurusup-ai',
      role: 'assistant',
      lang: m.lang ?? 'en',
    });
  if (m.is_customer_support_agent) return sendJson(res, 201, { _id: 'm1', ...m });
  if (m.body.includes('boom')) return sendJson(res, 500, { message: 'database is down' });
  if (m.body.includes('denied')) return sendJson(res, 401, { message: 'Unauthorized' });
  if (m.body.includes('leak')) return reply(`your key is ${KEY}, right?`);
  if (m.body.includes('hostile')) return reply('ok \u001b]0;owned\u0007\u001b[2J\u009b31m done \u202eevil');
  if (m.body.includes('refund'))
    return reply(m.lang === 'es' ? 'El reembolso tarda 5–7 días.' : 'Refunds take 5–7 business days.');
  if (m.body.includes('flaky')) {
    const n = server.requests.filter((r) => (r.json as Msg | undefined)?.body?.includes('flaky')).length;
    return reply(n % 2 ? 'yes' : 'no');
  }
  reply(`You said: ${m.body}`);
}

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    if (req.method === 'GET' && req.path === `/threads/${threadHash('order-1042')}`) {
      return sendJson(res, 200, {
        thread_fid: 'order-1042',
        subject: 'Where is my parcel?',
        messages: [
          { body: 'Where is my refund?', is_customer_support_agent: false, lang: 'en' },
          { body: 'Refunds take 5–7 business days.', role: 'assistant', is_customer_support_agent: true },
        ],
      });
    }
    if (req.method !== 'POST' || req.path !== '/messages') return sendJson(res, 404, { message: 'Not found' });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const go = () => {
      inFlight--;
      answer(req, res);
    };
    const m = req.json as Msg;
    if (m.body.includes('never')) return; // answered never: only Ctrl-C ends it
    if (holdUntil > 0) {
      held.push(go);
      if (held.length >= holdUntil) {
        const batch = held;
        held = [];
        for (const f of batch) f();
      }
      return;
    }
    go();
  });
  dir = tempDir('gurusup-eval-');
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, NO_COLOR: '1' };
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
  holdUntil = 0;
  held = [];
  inFlight = 0;
  maxInFlight = 0;
});

function suite(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const SUITE = `name: support
user: eval-bot
lang: en
cases:
  - name: refund window
    turns:
      - send: "I want a refund"
        expect:
          - icontains: "business days"
          - not-contains: "sorry"
      - send: "And in Spanish? refund"
        lang: es
        expect:
          - contains: "días"
  - name: agent note
    turns:
      - send: "Note from Ana"
        agent: true
        user: agent-ana
        expect:
          - no_reply: true
`;

const posts = () => server.requests.filter((r) => r.method === 'POST').map((r) => r.json as Msg);

describe('gurusup eval: running a suite', () => {
  it('each case on its own new thread, turns in order, user/lang/agent from the suite and the turn', async () => {
    const r = await run(['eval', suite('ok.yaml', SUITE)], { env });
    expect(r.stderr).toMatch(/^2 passed · 2 cases, 2 runs, 3 turns · \d+ ms\n$/);
    expect(r.code).toBe(0);
    const p = posts();
    expect(p).toHaveLength(3);
    const refund = p.filter((m) => m.thread_fid.startsWith('eval-refund-window-'));
    expect(refund.map((m) => m.body)).toEqual(['I want a refund', 'And in Spanish? refund']);
    expect(refund[0]).toEqual({
      body: 'I want a refund',
      user_fid: 'eval-bot',
      thread_fid: refund[0]!.thread_fid,
      lang: 'en',
      is_customer_support_agent: false,
    });
    expect(refund[1]!.lang).toBe('es');
    expect(refund[0]!.thread_fid).toBe(refund[1]!.thread_fid);
    expect(refund[0]!.thread_fid).toMatch(/^eval-refund-window-[a-z0-9]{8,}$/);
    const agent = p.find((m) => m.is_customer_support_agent)!;
    expect(agent.user_fid).toBe('agent-ana');
    expect(agent.thread_fid).toMatch(/^eval-agent-note-[a-z0-9]+$/);
    expect(agent.thread_fid.slice('eval-agent-note-'.length)).toBe(
      refund[0]!.thread_fid.slice('eval-refund-window-'.length),
    );
    // Piped: one TSV line per case.
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      expect.stringMatching(/^passed\tagent note\t1\.00\t1\t\d+$/),
      expect.stringMatching(/^passed\trefund window\t1\.00\t1\t\d+$/),
    ]);
  });

  it('the same file named twice runs once', async () => {
    const file = suite('twice.yaml', SUITE);
    const r = await run(['eval', file, path.relative(process.cwd(), file)], { env });
    expect(r.code).toBe(0);
    expect(posts()).toHaveLength(3);
  });

  it('a new run uses new threads', async () => {
    const file = suite('ok2.yaml', SUITE);
    await run(['eval', file], { env });
    await run(['eval', file], { env });
    expect(new Set(posts().map((m) => m.thread_fid)).size).toBe(4);
  });

  it('a suite that fails to load sends nothing: exit 2, file:line:col on stderr', async () => {
    const good = suite('good.yaml', SUITE);
    const bad = suite(
      'bad.yaml',
      'cases:\n  - name: x\n    turns:\n      - send: hi\n        expect:\n          - icontain: "x"\n          - regex: "("\n',
    );
    const r = await run(['eval', good, bad], { env });
    expect(r.code).toBe(2);
    expect(server.requests).toHaveLength(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(
      `error: ${bad}:6:13: unknown expectation "icontain" (did you mean icontains?); known: contains, icontains, equals, regex, contains_any, contains_all, min_length, max_length, latency_ms, field, no_reply, judge, and not- before contains, icontains, equals, regex, contains_any, contains_all, field`,
    );
    expect(lines[1]).toMatch(
      new RegExp(`^error: ${bad.replace(/[.]/g, '\\.')}:7:20: invalid regular expression "\\(": `),
    );
    expect(lines[2]).toBe(
      'hint: 2 problems; the suite format is in: gurusup eval --help, and gurusup eval init writes a starter suite',
    );
    const missing = await run(['eval', path.join(dir, 'nope.yaml')], { env });
    expect(missing.code).toBe(2);
    // No line to point at in a file that is not there (issue 24: it said nope.yaml:1:1).
    expect(missing.stderr).toContain('nope.yaml: cannot read the suite: no such file\nhint: check the path;');
    expect(server.requests).toHaveLength(0);
  });

  it('bad options are usage errors before any request', async () => {
    const file = suite('ok3.yaml', SUITE);
    for (const args of [
      ['--repeat', '0'],
      ['--concurrency', 'x'],
      ['--min-pass-rate', '1.5'],
      ['--case', 'no such case'],
      ['--baseline', path.join(dir, 'nope.json')],
    ]) {
      const r = await run(['eval', file, ...args], { env });
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('a missed expectation: exit 1, and on a terminal the turn, the reply and what was missed', async () => {
    const file = suite(
      'fail.yaml',
      `name: support\ncases:\n  - name: refund window\n    turns:\n      - send: "I want a refund"\n        reference: "Refunds take 30 days."\n        expect:\n          - icontains: "30 days"\n          - min_length: 5\n  - name: greeting\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "You said"\n`,
    );
    const r = await run(['eval', file], { env, tty: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ refund window {2}0% {2}\d+ ms$/m);
    expect(r.stdout).toMatch(/^✓ greeting {2}100% {2}\d+ ms$/m);
    expect(r.stdout).toContain('Failures (1)');
    expect(r.stdout).toMatch(
      /✗ refund window \(thread eval-refund-window-[a-z0-9]+\)\n {2}turn 1\n {4}sent {7}I want a refund\n {4}reply {6}Refunds take 5–7 business days\.\n {4}reference {2}Refunds take 30 days\.\n {4}missed {5}icontains: "30 days": the reply does not contain "30 days" \(ignoring case\)\n/,
    );
    expect(r.stdout).toMatch(/\n1 passed, 1 failed · 2 cases, 2 runs, 2 turns · \d+ ms\n$/);
    expect(r.stderr).toBe('Running 2 cases (2 at a time)…\n');
    // Piped, the same report goes to stderr and stdout keeps only the TSV lines.
    const piped = await run(['eval', file], { env });
    expect(
      piped.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0])
        .sort(),
    ).toEqual(['failed', 'passed']);
    expect(piped.stderr).toContain('missed     icontains: "30 days"');
    const quiet = await run(['eval', file, '--quiet'], { env });
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(1);
  });

  it('a reply full of escape sequences is shown escaped', async () => {
    const file = suite(
      'hostile.yaml',
      'cases:\n  - name: hostile\n    turns:\n      - send: "hostile"\n        expect:\n          - contains: "nope"\n',
    );
    const r = await run(['eval', file], { env, tty: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ok \\x1b]0;owned\\x07\\x1b[2J\\x9b31m done \\u202eevil');
    expect(r.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
  });

  it('a reply that quotes the API key does not put it in the output or the reports', async () => {
    const file = suite(
      'leak.yaml',
      'cases:\n  - name: leak\n    turns:\n      - send: "leak"\n        expect:\n          - contains: "nope"\n',
    );
    const junit = path.join(dir, 'leak.xml');
    const md = path.join(dir, 'leak.md');
    for (const tty of [true, false]) {
      const r = await run(['eval', file, '--junit', junit, '--report', md], { env, tty });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain('your key is [redacted], right?');
      expect(r.stdout + r.stderr).not.toContain(KEY);
      expect(fs.readFileSync(junit, 'utf8')).not.toContain(KEY);
      expect(fs.readFileSync(md, 'utf8')).not.toContain(KEY);
    }
  });

  it('on a 40-column terminal the case lines do not wrap', async () => {
    const file = suite(
      'narrow.yaml',
      'cases:\n  - name: a very long case name that would never fit in forty columns\n    turns:\n      - send: "hi"\n',
    );
    const { fakeIo } = await import('../helpers/io.js');
    const { main } = await import('../../src/cli.js');
    const { io, stdout } = fakeIo({ env, tty: true });
    (io.stdout as unknown as { columns: number }).columns = 40;
    expect(await main(['eval', file], io)).toBe(0);
    const line = stdout.text.split('\n')[0]!;
    expect(line).toMatch(/^✓ a very long case name th[a-z ]*…  100%  \d+ ms$/);
    expect(line.length).toBe(40);
  });

  it('a request that fails marks that case errored and the others still run', async () => {
    const file = suite(
      'err.yaml',
      `cases:\n  - name: breaks\n    turns:\n      - send: "boom"\n      - send: "never sent"\n  - name: works\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "hi"\n`,
    );
    const r = await run(['eval', file], { env });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').sort()).toEqual([
      expect.stringMatching(/^errored\tbreaks\t0\.00\t1\t$/),
      expect.stringMatching(/^passed\tworks\t1\.00\t1\t\d+$/),
    ]);
    expect(r.stderr).toContain('error: turn 1: the API answered 500 Internal Server Error: database is down');
    expect(r.stderr).toContain('1 passed, 1 errored');
    expect(
      posts()
        .map((m) => m.body)
        .sort(),
    ).toEqual(['boom', 'hi']);
  });

  it('a wrong reply before a failed request makes the case failed, not merely errored; both are shown', async () => {
    const file = suite(
      'err2.yaml',
      `cases:\n  - name: both\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "nope"\n      - send: "boom"\n`,
    );
    const r = await run(['eval', file], { env, tty: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ both {2}0% /m);
    expect(r.stdout).not.toContain('errored');
    expect(r.stdout).toContain('missed     contains: "nope"');
    expect(r.stdout).toContain('error: turn 2: the API answered 500 Internal Server Error: database is down');
  });

  it('a 401 stops everything at once: exit 3, no more messages sent', async () => {
    const cases = Array.from(
      { length: 6 },
      (_, i) => `  - name: c${i}\n    turns:\n      - send: "${i === 0 ? 'denied' : 'hi'}"\n`,
    ).join('');
    const file = suite('auth.yaml', `cases:\n${cases}`);
    const r = await run(['eval', file, '--concurrency', '1'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error: the API rejected the key (401 Unauthorized)');
    expect(posts()).toHaveLength(1);
  });

  it('no key: exit 3 before any request', async () => {
    const r = await run(['eval', suite('nokey.yaml', SUITE)], { env: { ...env, GURUSUP_API_KEY: '' } });
    expect(r.code).toBe(3);
    expect(server.requests).toHaveLength(0);
  });

  it('--concurrency bounds the cases in flight (default 4)', async () => {
    const cases = Array.from({ length: 8 }, (_, i) => `  - name: c${i}\n    turns:\n      - send: "hi ${i}"\n`).join(
      '',
    );
    const file = suite('conc.yaml', `cases:\n${cases}`);
    // The server answers only when this many requests wait together: more in flight would show in maxInFlight, fewer would hang.
    holdUntil = 2;
    expect((await run(['eval', file, '--concurrency', '2'], { env })).code).toBe(0);
    expect(maxInFlight).toBe(2);
    maxInFlight = 0;
    holdUntil = 4;
    expect((await run(['eval', file], { env })).code).toBe(0);
    expect(maxInFlight).toBe(4);
  });

  it('--repeat runs each case n times on fresh threads; --min-pass-rate lowers the bar', async () => {
    const file = suite(
      'rep.yaml',
      `cases:\n  - name: steady\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "hi"\n  - name: flaky\n    turns:\n      - send: "flaky"\n        expect:\n          - equals: "yes"\n`,
    );
    const r = await run(['eval', file, '--repeat', '4', '--concurrency', '1'], { env });
    expect(r.code).toBe(1);
    const threads = posts()
      .filter((m) => m.body === 'hi')
      .map((m) => m.thread_fid);
    expect(threads).toHaveLength(4);
    expect(new Set(threads).size).toBe(4);
    expect(threads.map((t) => t.slice(-2)).sort()).toEqual(['-1', '-2', '-3', '-4']);
    expect(r.stdout).toContain('passed\tsteady\t1.00\t4\t');
    expect(r.stdout).toContain('failed\tflaky\t0.50\t4\t');
    const lowered = await run(['eval', file, '--repeat', '4', '--concurrency', '1', '--min-pass-rate', '0.5'], { env });
    expect(lowered.stdout).toContain('passed\tflaky\t0.50\t4\t');
    expect(lowered.code).toBe(0);
    const tty = await run(['eval', file, '--repeat', '4', '--concurrency', '1', '--case', 'FLAK'], { env, tty: true });
    expect(tty.stdout).toMatch(/^✗ flaky {2}50% \(2\/4\) {2}\d+ ms$/m);
    expect(tty.stdout).toMatch(/✗ flaky \(run \d of 4; 2 did not pass; thread eval-flaky-[a-z0-9]+-\d\)/);
    expect(tty.stdout).not.toContain('steady');
  });

  it('Ctrl-C stops at once, prints the cases that finished, exit 130', async () => {
    const file = suite(
      'int.yaml',
      `cases:\n  - name: quick\n    turns:\n      - send: "hi"\n  - name: stuck\n    turns:\n      - send: "never"\n`,
    );
    const p = startInProcess(['eval', file], { env });
    await p.waitFor(/^passed\tquick\t/m, 'stdout');
    await waitUntil(() => posts().some((m) => m.body === 'never'), { what: "the stuck case's message to be sent" });
    p.abort();
    expect(await p.done).toBe(130);
    expect(p.stdout()).toMatch(/^passed\tquick\t1\.00\t1\t\d+\n$/);
    expect(p.stderr()).toContain('1 of 2 cases finished before the interrupt');
  });
});

describe('gurusup eval: judge, reports, baseline', () => {
  const judged = `cases:\n  - name: polite\n    turns:\n      - send: "hi"\n        expect:\n          - judge: "is polite"\n          - contains: "hi"\n`;

  it('without a judge command, judge is skipped and the summary says so', async () => {
    const r = await run(['eval', suite('j0.yaml', judged)], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 judge expectation skipped (no --judge-cmd)');
    const j = await run(['eval', suite('j0b.yaml', judged), '--json'], { env });
    const exp = JSON.parse(j.stdout).suites[0].cases[0].runs[0].turns[0].expectations[0];
    expect(exp).toEqual({
      expectation: 'judge: "is polite"',
      type: 'judge',
      status: 'skipped',
      message: 'skipped: no judge command (--judge-cmd or GURUSUP_JUDGE_CMD)',
    });
  });

  it('--judge-cmd (or GURUSUP_JUDGE_CMD) gets the conversation and decides', async () => {
    const judge = path.join(dir, 'judge.cjs');
    fs.writeFileSync(
      judge,
      `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const i=JSON.parse(s);
      require('fs').writeFileSync(process.env.JUDGE_LOG, s); require('fs').writeFileSync(process.env.JUDGE_LOG + '.env', String(process.env.GURUSUP_API_KEY));
      console.log(JSON.stringify({pass: i.reply.startsWith('You said'), reason: 'checked'}));});`,
    );
    const log = path.join(dir, 'judge.log');
    const cmd = `"${process.execPath}" "${judge}"`;
    const r = await run(['eval', suite('j1.yaml', judged), '--judge-cmd', cmd], { env: { ...env, JUDGE_LOG: log } });
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(log, 'utf8'))).toEqual({
      criteria: 'is polite',
      conversation: [{ role: 'user', body: 'hi' }],
      reply: 'You said: hi',
    });
    expect(r.stderr).not.toContain('skipped');
    // The judge gets the environment, but not the Gurusup key.
    expect(fs.readFileSync(`${log}.env`, 'utf8')).toBe('undefined');
    fs.writeFileSync(judge, `process.stderr.write('judge model unavailable\\n'); process.exit(2)`);
    const bad = await run(['eval', suite('j2.yaml', judged)], { env: { ...env, GURUSUP_JUDGE_CMD: cmd }, tty: true });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      'errored    judge: "is polite": the judge exited with code 2: judge model unavailable',
    );
  });

  it('--json: one results object; --junit and --report files; --baseline marks each case', async () => {
    const passing = suite(
      'base.yaml',
      `name: s\ncases:\n  - name: a\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "hi"\n  - name: b\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "nope"\n`,
    );
    const first = await run(['eval', passing, '--json'], { env });
    expect(first.code).toBe(1);
    expect(first.stderr).toBe('');
    const results = JSON.parse(first.stdout);
    expect(results).toMatchObject({
      version: 1,
      status: 'failed',
      totals: { cases: 2, passed: 1, failed: 1, errored: 0, runs: 2, turns: 2 },
    });
    expect(results.suites[0].cases.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['a', 'passed'],
      ['b', 'failed'],
    ]);
    const turn = results.suites[0].cases[1].runs[0].turns[0];
    expect(turn.reply.body).toBe('You said: hi');
    expect(turn.expectations[0]).toEqual({
      expectation: 'contains: "nope"',
      type: 'contains',
      status: 'failed',
      message: 'the reply does not contain "nope"',
    });
    const baseFile = path.join(dir, 'results.json');
    fs.writeFileSync(baseFile, first.stdout);

    // Now a passes → fails, b fails → passes.
    const changed = suite(
      'base.yaml',
      `name: s\ncases:\n  - name: a\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "nope"\n  - name: b\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "hi"\n`,
    );
    const junit = path.join(dir, 'eval.xml');
    const md = path.join(dir, 'eval.md');
    const second = await run(['eval', changed, '--baseline', baseFile, '--junit', junit, '--report', md], {
      env,
      tty: true,
    });
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(/✗ a .*new-failure/);
    expect(second.stdout).toMatch(/✓ b .*fixed/);
    expect(second.stdout).toContain('baseline: 1 new failure, 1 fixed, 0 still failing');
    const xml = fs.readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(
      doc.testsuites.testsuite.testcase.map((c: { name: string; failure?: unknown }) => [c.name, Boolean(c.failure)]),
    ).toEqual([
      ['a', true],
      ['b', false],
    ]);
    const report = fs.readFileSync(md, 'utf8');
    expect(report).toContain('| ❌ | s | a | 0% |');
    expect(report).toContain('**new failure**');
    const json = await run(['eval', changed, '--baseline', baseFile, '--json'], { env });
    expect(JSON.parse(json.stdout).suites[0].cases.map((c: { baseline: string }) => c.baseline)).toEqual([
      'new-failure',
      'fixed',
    ]);
  });

  it('a report that cannot be written is exit 1 with the reason', async () => {
    const r = await run(['eval', suite('w.yaml', SUITE), '--junit', path.join(dir, 'no-such-dir', 'x.xml')], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: cannot write --junit');
    expect(r.stderr).toContain('no such directory');
  });
});

describe('gurusup eval init', () => {
  it('writes a commented starter suite that loads, and never overwrites', async () => {
    const file = path.join(tempDir(), 'starter.yaml');
    const r = await run(['eval', 'init', file], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Wrote ${file} (3 cases).`);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^# A gurusup eval suite/);
    fs.appendFileSync(file, '# mine\n');
    const again = await run(['eval', 'init', file], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`error: ${file} already exists; not overwriting it`);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${text}# mine\n`);
    // The starter runs (the server here echoes; what matters is that it loads and sends).
    const ran = await run(['eval', file, '--json'], { env });
    expect(JSON.parse(ran.stdout).totals.cases).toBe(3);
    expect(server.requests.filter((q) => q.method === 'GET')).toHaveLength(0);
  });

  it('--from-thread turns a recorded thread into a case with references', async () => {
    const file = path.join(tempDir(), 'from.yaml');
    const r = await run(['eval', 'init', file, '--from-thread', 'order-1042'], { env });
    expect(r.code).toBe(0);
    expect(server.requests[0]!.path).toBe(`/threads/${threadHash('order-1042')}`);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('reference: Refunds take 5–7 business days.');
    const ran = await run(['eval', file], { env, tty: true });
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/✓ order-1042: Where is my parcel\?/);
    const missing = await run(['eval', 'init', path.join(tempDir(), 'x.yaml'), '--from-thread', 'nope-1'], { env });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`error: thread not found: nope-1 (hash ${threadHash('nope-1')})`);
  });
});
