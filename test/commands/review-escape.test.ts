import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startInProcess, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Review: a hostile API's escape sequences reached a terminal through the NDJSON and line modes that
// a terminal can still be on: `echo hi | gurusup chat` (stdin piped, stdout a terminal) printed the
// reply raw (ESC ] retitles the window, ESC [2J clears it); `chat --json` and `threads show -f --json`
// on a terminal left C1 controls (U+009B, a one-byte CSI) and bidi overrides raw inside the JSON.

const KEY = 'gsk_test_review_escape_0123456789';
const EVIL = 'x\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil';
const RAW = /[\u001b\u0007\u0080-\u009f\u202a-\u202e]/;
let api: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  api = await startServer((req, res) => {
    if (req.method === 'GET')
      return sendJson(res, 200, { thread_fid: 'e-1', subject: EVIL, messages: [{ _id: 'a', body: EVIL }] });
    return sendJson(res, 201, { _id: 'r', body: `reply ${EVIL}`, role: 'assistant' });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, FORCE_COLOR: '0' };
});
afterAll(() => api.close());

describe('nothing from the API reaches a terminal raw', () => {
  it('chat with stdin piped and stdout a terminal: the reply line is escaped', async () => {
    const r = await run(['chat'], { env, stdin: 'hi\n', stdoutTTY: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toBe('reply x\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eevil\n');
  });

  it('chat --json on a terminal: C1 and bidi overrides as \\u escapes, still the same JSON', async () => {
    const r = await run(['chat', '--json'], { env, stdin: 'hi\n', stdoutTTY: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(JSON.parse(r.stdout).body).toBe(`reply ${EVIL}`);
  });

  it('chat piped end to end stays byte for byte (no escaping in a pipe)', async () => {
    const r = await run(['chat'], { env, stdin: 'hi\n' });
    expect(r.stdout).toBe(`reply ${EVIL}\n`);
  });

  it('threads show --follow --json on a terminal: the thread line is escaped, still the same JSON', async () => {
    const p = startInProcess(['threads', 'show', 'e-1', '--follow', '--json'], { env, stdoutTTY: true });
    await p.waitFor(/\n/, 'stdout');
    p.abort();
    expect(await p.done).toBe(0);
    expect(p.stdout()).not.toMatch(RAW);
    expect(JSON.parse(p.stdout().split('\n')[0]!).subject).toBe(EVIL);
  });
});
