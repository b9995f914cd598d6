import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

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
