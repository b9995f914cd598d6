import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

describe('--repeat', () => {
  // Review of gurusup eval (issue 14): option values at the edges. Every run is planned up front,
  // so --repeat 99999999999 was "error: internal error: Invalid array length" (exit 1), and a
  // repeat in the hundreds of millions ran out of memory before sending anything.
  const KEY = 'gsk_test_review_eval_options_0123';
  let server: TestServer;
  let env: Record<string, string>;
  let suite: string;

  beforeAll(async () => {
    server = await startServer((req, res) =>
      sendJson(res, 201, {
        _id: 'r',
        role: 'assistant',
        body: 'hello',
        thread_fid: (req.json as { thread_fid: string }).thread_fid,
      }),
    );
    const dir = tempDir('gurusup-review-eval-options-');
    env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, NO_COLOR: '1' };
    suite = path.join(dir, 's.yaml');
    fs.writeFileSync(
      suite,
      'cases:\n  - name: one\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "hello"\n',
    );
  });
  afterAll(() => server.close());

  describe('--repeat bounds', () => {
    for (const n of ['1001', '99999999999', '300000000']) {
      it(`--repeat ${n}: a usage error (exit 2), nothing sent`, async () => {
        server.requests.length = 0;
        const r = await run(['eval', suite, '--repeat', n], { env });
        expect(r.stderr).toContain(`error: --repeat must be a whole number from 1 to 1000, not '${n}'`);
        expect(r.code).toBe(2);
        expect(server.requests).toHaveLength(0);
      });
    }

    it('--repeat 1000 is allowed', async () => {
      server.requests.length = 0;
      const r = await run(['eval', suite, '--repeat', '1000', '--concurrency', '50'], { env });
      expect(r.stdout).toMatch(/^passed\tone\t1\.00\t1000\t\d+\n$/);
      expect(r.code).toBe(0);
      expect(server.requests).toHaveLength(1000);
    });
  });
});

describe('replies that are not messages', () => {
  // Review of gurusup eval (issue 14): a 2xx whose body is not a message is "no message"
  // (contract: `no_reply: true` = the API answered 2xx with no message). Before the fix a bare
  // JSON string counted as a reply whose body was that string (so contains/min_length passed on
  // a proxy's "OK"), and `{}` or a list counted as a reply, failing no_reply: true.
  const KEY = 'gsk_test_review_eval_replies_0123';
  const ANSWERS: Record<string, unknown> = {
    string: 'OK',
    list: [1, 2],
    number: 42,
    empty: {},
    status: { status: 'queued' },
  };
  let server: TestServer;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const m = req.json as { body: string };
      sendJson(res, 200, ANSWERS[m.body] ?? null);
    });
    dir = tempDir('gurusup-review-eval-replies-');
    env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, NO_COLOR: '1' };
  });
  afterAll(() => server.close());

  function suite(expect: string): string {
    const file = path.join(dir, `s-${expect.replace(/\W/g, '')}.yaml`);
    const cases = Object.keys(ANSWERS).map(
      (k) => `  - name: ${k}\n    turns:\n      - send: "${k}"\n        expect:\n          - ${expect}\n`,
    );
    fs.writeFileSync(file, `cases:\n${cases.join('')}`);
    return file;
  }

  describe('a 2xx that is not a message', () => {
    it('no_reply: true passes for a bare string, number, list, {} and an object without body', async () => {
      const r = await run(['eval', suite('no_reply: true'), '--concurrency', '1'], { env });
      expect(
        r.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t').slice(0, 2).join(' ')),
      ).toEqual(['passed string', 'passed list', 'passed number', 'passed empty', 'passed status']);
      expect(r.code).toBe(0);
    });

    it('text expectations fail on it with "no reply came", never pass on a bare "OK"', async () => {
      const r = await run(['eval', suite('contains: "OK"'), '--concurrency', '1', '--json'], { env });
      expect(r.code).toBe(1);
      const j = JSON.parse(r.stdout) as {
        suites: Array<{
          cases: Array<{
            name: string;
            status: string;
            runs: Array<{ turns: Array<{ reply: unknown; expectations: Array<{ message: string }> }> }>;
          }>;
        }>;
      };
      for (const c of j.suites[0]!.cases) {
        expect(c.status, c.name).toBe('failed');
        expect(c.runs[0]!.turns[0]!.reply).toBeNull();
        expect(c.runs[0]!.turns[0]!.expectations[0]!.message).toBe('no reply came');
      }
    });
  });
});
