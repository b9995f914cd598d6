import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startCli, waitForStderr } from '../helpers/cli.js';
import { waitUntil } from '../helpers/wait.js';
import { tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// gurusup eval, run as a user runs it, against the spawned sandbox and the suite in examples/.
const KEY = 'gsk_test_e2e_eval_0123456789abcdef';
const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/support.eval.yaml');
let sandbox: ReturnType<typeof startCli>;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  dir = tempDir('gurusup-e2e-eval-');
  sandbox = startCli(['sandbox', '--port', '0', '--api-key', KEY, '--quiet'], { env: { GURUSUP_CONFIG_DIR: dir } });
  const url = (await waitForStderr(sandbox, /sandbox on (http:\/\/\S+)/))[1]!;
  env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url };
});
afterAll(async () => {
  sandbox.kill('SIGINT');
  await sandbox.done;
});

/** The example suite with one expectation made wrong on purpose. */
function brokenCopy(): string {
  const file = path.join(dir, 'broken.eval.yaml');
  const text = fs.readFileSync(EXAMPLE, 'utf8');
  const broken = text.replace('- icontains: "refund"', '- icontains: "30 days"');
  expect(broken).not.toBe(text);
  fs.writeFileSync(file, broken);
  return file;
}

describe('gurusup eval against the sandbox', () => {
  it('the example suite passes: exit 0, one TSV line per case', async () => {
    const r = await cli(['eval', EXAMPLE], { env });
    expect(r.stderr).toMatch(
      /^4 passed · 4 cases, 4 runs, 5 turns · \d+ ms · 1 judge expectation skipped \(no --judge-cmd\)\n$/,
    );
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 4).join(' '))
        .sort(),
    ).toEqual([
      'passed an agent message gets no automatic reply 1.00 1',
      'passed devolución en español 1.00 1',
      'passed refund window 1.00 1',
      'passed where is my parcel, then thanks 1.00 1',
    ]);
  });

  it('a broken copy fails with a readable report, and a valid JUnit file that parses back', async () => {
    const junit = path.join(dir, 'eval.xml');
    const md = path.join(dir, 'eval.md');
    const r = await cli(['eval', brokenCopy(), '--junit', junit, '--report', md], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed\trefund window\t0\.00\t1\t\d+$/m);
    expect(r.stderr).toContain('missed     icontains: "30 days": the reply does not contain "30 days" (ignoring case)');
    const xml = fs.readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(doc.testsuites).toMatchObject({ tests: '4', failures: '1', errors: '0' });
    const cases = doc.testsuites.testsuite.testcase as Array<{
      name: string;
      failure?: { message: string; '#text': string };
    }>;
    const failed = cases.filter((c) => c.failure);
    expect(failed.map((c) => c.name)).toEqual(['refund window']);
    expect(failed[0]!.failure!.message).toBe(
      'turn 1: icontains: "30 days": the reply does not contain "30 days" (ignoring case)',
    );
    expect(failed[0]!.failure!['#text']).toContain('reply: I can help with that refund.');
    expect(fs.readFileSync(md, 'utf8')).toMatch(/^## ❌ gurusup eval: 3 passed, 1 failed\n/);
  });

  it('with the example judge (examples/judge.mjs) the judge expectation is graded, and can fail', async () => {
    const judge = `"${process.execPath}" "${path.resolve(import.meta.dirname, '../../examples/judge.mjs')}"`;
    const ok = await cli(['eval', EXAMPLE, '--judge-cmd', judge], { env });
    expect(ok.stderr).toMatch(/^4 passed · 4 cases, 4 runs, 5 turns · \d+ ms\n$/);
    expect(ok.code).toBe(0);
    const file = path.join(dir, 'judged.eval.yaml');
    fs.writeFileSync(file, fs.readFileSync(EXAMPLE, 'utf8').replace('"business days"', '"30 days"'));
    const bad = await cli(['eval', file, '--case', 'refund', '--json'], { env: { ...env, GURUSUP_JUDGE_CMD: judge } });
    expect(bad.code).toBe(1);
    const exps = JSON.parse(bad.stdout).suites[0].cases[0].runs[0].turns[0].expectations;
    expect(exps.find((e: { type: string }) => e.type === 'judge')).toEqual({
      expectation: 'judge: "says that the refund takes \\"30 days\\""',
      type: 'judge',
      status: 'failed',
      message: 'the judge said no: the reply never mentions 30 days',
    });
  });

  it('--repeat: every case n times on fresh threads, with the pass rate', async () => {
    const r = await cli(['eval', EXAMPLE, '--repeat', '3', '--json'], { env });
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(results.totals).toMatchObject({ cases: 4, passed: 4, runs: 12, turns: 15 });
    const threads = results.suites[0].cases.flatMap((c: { pass_rate: number; runs: Array<{ thread_fid: string }> }) => {
      expect(c.pass_rate).toBe(1);
      return c.runs.map((x) => x.thread_fid);
    });
    expect(new Set(threads).size).toBe(12);
    // The sandbox kept each run's conversation on its own thread.
    const list = await cli(['threads', 'list', '--json'], { env });
    const fids = (JSON.parse(list.stdout) as Array<{ thread_fid: string }>).map((t) => t.thread_fid);
    for (const t of threads) expect(fids).toContain(t);
  });

  it('eval init --from-thread round-trips a sandbox thread into a suite that passes', async () => {
    const file = path.join(dir, 'from-thread.yaml');
    const init = await cli(['eval', 'init', file, '--from-thread', 'order-1042', 'pedido-3310'], { env });
    expect(init.code).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('reference: Orders ship within 24 hours');
    const r = await cli(['eval', file], { env });
    expect(r.stderr).toMatch(/^2 passed/);
    expect(r.code).toBe(0);
    // Sharpened with the recorded reply, it still passes: the sandbox answers the same way.
    const sharpened = text.replace('- min_length: 1', '- contains: "Orders ship within 24 hours"');
    fs.writeFileSync(file, sharpened);
    expect((await cli(['eval', file], { env })).code).toBe(0);
  });

  it('the starter suite from eval init passes against the sandbox', async () => {
    const file = path.join(dir, 'starter.yaml');
    expect((await cli(['eval', 'init', file], { env })).code).toBe(0);
    const r = await cli(['eval', file], { env });
    expect(r.stderr).toMatch(/^3 passed/);
    expect(r.code).toBe(0);
  });

  it('a wrong key is exit 3', async () => {
    const r = await cli(['eval', EXAMPLE], { env: { ...env, GURUSUP_API_KEY: 'gsk_wrong_key_000000000000' } });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });
});

describe('Ctrl-C', () => {
  it('stops at once: the cases that finished are printed and written, exit 130', async () => {
    // A slow sandbox, so the second case is still waiting for its reply when Ctrl-C comes.
    const slow = startCli(['sandbox', '--port', '0', '--api-key', KEY, '--quiet', '--latency', '1500'], {
      env: { GURUSUP_CONFIG_DIR: dir },
    });
    try {
      const url = (await waitForStderr(slow, /sandbox on (http:\/\/\S+)/))[1]!;
      const junit = path.join(dir, 'interrupted.xml');
      const child = startCli(['eval', EXAMPLE, '--concurrency', '1', '--junit', junit], {
        env: { ...env, GURUSUP_BASE_URL: url },
      });
      await waitUntil(() => child.out().includes('\n'), {
        what: () => `the first case's line on stdout: ${child.out()}`,
      });
      child.kill('SIGINT');
      const r = await child.done;
      expect(r.code).toBe(130);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('1 of 4 cases finished before the interrupt');
      expect(XMLValidator.validate(fs.readFileSync(junit, 'utf8'))).toBe(true);
    } finally {
      slow.kill('SIGINT');
      await slow.done;
    }
  });
});

describe('start-up', () => {
  it('the yaml library is in its own file, loaded only by eval (other commands do not pay for it)', () => {
    const dist = path.resolve(import.meta.dirname, '../../dist');
    expect(fs.readFileSync(path.join(dist, 'vendor/yaml.cjs'), 'utf8')).toContain('YAMLParseError');
    expect(fs.readFileSync(path.join(dist, 'cli.cjs'), 'utf8')).not.toContain('YAMLParseError');
  });
});

describe('regexes', () => {
  // Review of gurusup eval (issue 14): regexes in a suite are the user's, replies are the API's.
  // A pattern with nested quantifiers on a hostile (or just unlucky) reply backtracks for ever on
  // the main thread: before the fix the run hung, and not even Ctrl-C could stop it.
  const KEY = 'gsk_test_review_eval_0123456789ab';
  let server: TestServer;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const m = req.json as { thread_fid: string };
      sendJson(res, 201, {
        _id: 'r1',
        role: 'assistant',
        thread_fid: m.thread_fid,
        user_fid: 'ai',
        body: `${'a'.repeat(40)}!`,
        score: 'a'.repeat(40) + '!',
      });
    });
    dir = tempDir('gurusup-review-eval-');
    env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url };
  });
  afterAll(() => server.close());

  function suite(name: string, expectations: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(
      file,
      `cases:\n  - name: backtrack\n    turns:\n      - send: "hi"\n        expect:\n${expectations}`,
    );
    return file;
  }

  describe('gurusup eval: regexes', () => {
    it('a catastrophic-backtracking regex makes the expectation errored, and the run ends (exit 1)', async () => {
      const file = suite(
        'redos.yaml',
        '          - regex: "/(a+)+$/"\n          - not-regex: "(a|aa)+$"\n          - field: {name: score, regex: "^(a+)+$"}\n',
      );
      const r = await cli(['eval', file], { env, timeoutMs: 30_000 });
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^errored\tbacktrack\t0\.00\t1\t\d+\n$/);
      expect(r.stderr).toContain(
        'regex: "/(a+)+$/": the regular expression ran for over 1 s on this reply (catastrophic backtracking',
      );
      // The not- form is errored too, never passed.
      expect(r.stderr).toContain('not-regex: "(a|aa)+$": the regular expression ran for over 1 s');
      expect(r.stderr).toContain('field: {name: "score", regex: "^(a+)+$"}: the regular expression ran for over 1 s');
    }, 40_000);

    it('a /…/flags regex with a letter that is no flag is a load error (exit 2), nothing sent', async () => {
      server.requests.length = 0;
      const file = suite('flags.yaml', '          - regex: "/refund/I"\n          - not-regex: "/a/gq"\n');
      const r = await cli(['eval', file], { env });
      expect(r.stderr).toContain(`error: ${file}:6:20: invalid regular expression "/refund/I": unknown flag "I"`);
      expect(r.stderr).toContain(`error: ${file}:7:24: invalid regular expression "/a/gq": unknown flag "q"`);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(server.requests).toHaveLength(0);
    });
  });
});
