import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

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
