import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { threadHash } from '../../src/api/hash.js';

// Review of gurusup eval init --from-thread (issue 14): thread ids and bodies come from the API.
const KEY = 'gsk_test_review_eval_init_0123456';
const WEIRD = 'weird\nname: pwned\r\u2028x';
const threads: Record<string, unknown> = {
  [threadHash(WEIRD)]: {
    thread_fid: WEIRD,
    messages: [
      { body: 'hello?', is_customer_support_agent: false },
      { body: 'hi!', role: 'assistant', is_customer_support_agent: true },
    ],
  },
  [threadHash('no-replies')]: {
    thread_fid: 'no-replies',
    messages: [
      { body: 'anyone?', is_customer_support_agent: false },
      { body: 'hello??', is_customer_support_agent: false },
    ],
  },
};
let server: TestServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const t = threads[req.path.split('/')[2] ?? ''];
    if (req.method === 'GET' && t) return sendJson(res, 200, t);
    if (req.method === 'POST')
      return sendJson(res, 201, {
        _id: 'r',
        role: 'assistant',
        body: 'an answer',
        thread_fid: (req.json as { thread_fid: string }).thread_fid,
      });
    sendJson(res, 404, { message: 'Not found' });
  });
  dir = tempDir('gurusup-review-eval-init-');
  env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, NO_COLOR: '1' };
});
afterAll(() => server.close());

describe('gurusup eval init --from-thread', () => {
  it('a thread id with line breaks still gives a suite that loads and passes', async () => {
    const file = path.join(dir, 'weird.yaml');
    const r = await run(['eval', 'init', file, '--from-thread', WEIRD, 'no-replies'], { env });
    expect(r.code).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toMatch(/^name: pwned/m);
    const e = await run(['eval', file], { env });
    expect(e.stderr).toMatch(/^2 passed · 2 cases, 2 runs, 3 turns/m);
    expect(e.code).toBe(0);
  });

  it('customer messages with no reply become turns without reference:', async () => {
    const file = path.join(dir, 'noreply.yaml');
    expect((await run(['eval', 'init', file, '--from-thread', 'no-replies'], { env })).code).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('send: anyone?');
    expect(text).toContain('send: hello??');
    expect(text).not.toMatch(/^\s+reference:/m);
  });

  it('a thread named twice becomes one case, and the suite loads', async () => {
    const file = path.join(dir, 'twice.yaml');
    const r = await run(['eval', 'init', file, '--from-thread', 'no-replies', 'no-replies'], { env });
    expect(r.stderr).toContain('(1 case from 1 thread)');
    expect(r.code).toBe(0);
    const e = await run(['eval', file], { env });
    expect(e.code).toBe(0);
  });

  it('a thread that does not exist: exit 4, no file written', async () => {
    const file = path.join(dir, 'missing.yaml');
    const r = await run(['eval', 'init', file, '--from-thread', 'no-such-thread'], { env });
    expect(r.stderr).toBe(`error: thread not found: no-such-thread (hash ${threadHash('no-such-thread')})\n`);
    expect(r.code).toBe(4);
    expect(fs.existsSync(file)).toBe(false);
  });
});
