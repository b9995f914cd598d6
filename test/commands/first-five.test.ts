import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo, run, tempDir } from '../helpers/io.js';
import { main } from '../../src/cli.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Correctness items a newcomer hit in the first five minutes (issue 24), each against a real
// server on loopback.
const KEY = 'gsk_test_firstfive_0123456789abcdef';
let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    if (req.method === 'POST' && req.path === '/messages') {
      const sent = req.json as Record<string, unknown>;
      // An API that answers an agent's message with the message itself (as the sandbox does).
      if (sent.is_customer_support_agent) return sendJson(res, 201, { _id: 'm-echo', ...sent });
      return sendJson(res, 201, { _id: 'm-reply', body: 'The reply.', role: 'assistant', thread_fid: sent.thread_fid });
    }
    return sendJson(res, 404, { message: 'Not found' });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url };
});
afterAll(() => server.close());

describe('messages send --agent', () => {
  const args = ['messages', 'send', '--thread', 't-1', '--user', 'agent-7', '--agent', '--body', 'Refund issued.'];

  it('piped: prints nothing when the API answers with the sent message; a note on stderr', async () => {
    const r = await run(args, { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no automatic reply is expected');
  });

  it('--json: null, not the sent object', async () => {
    const r = await run([...args, '--json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toBeNull();
  });

  it('on a terminal: no transcript block of your own message', async () => {
    const r = await run(args, { env, tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Refund issued.');
    expect(r.stderr).toContain('no automatic reply is expected');
  });

  it('a customer message still prints the reply', async () => {
    const r = await run(['messages', 'send', '--thread', 't-1', '--user', 'c-1', '--body', 'Hi'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('The reply.\n');
  });
});

describe('api', () => {
  it('--json <fields> on a 404 prints nothing on stdout: the error line says what happened', async () => {
    const r = await run(['api', '/threads/0123', '--json', 'thread_fid,messages'], { env });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*404/m);
  });

  it('a 401 with GURUSUP_API_KEY set says that variable is the key in use', async () => {
    const r = await run(['api', '/threads'], { env: { ...env, GURUSUP_API_KEY: 'gsk_wrong_key_000000000000' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('hint: the key in use comes from the GURUSUP_API_KEY environment variable');
  });
});

describe('chat on a terminal', () => {
  it('checks the key at start: a rejected key ends it with exit 3 and the env hint, before any message', async () => {
    const { io, stderr } = fakeIo({
      env: { ...env, GURUSUP_API_KEY: 'gsk_wrong_key_000000000000', FORCE_COLOR: '0' },
      tty: true,
    });
    const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => void };
    input.isTTY = true;
    input.setRawMode = () => undefined;
    io.stdin = input;
    const before = server.requests.length;
    const code = await Promise.race([
      main(['chat'], io),
      new Promise((r) => setTimeout(() => r('still running'), 5000)),
    ]);
    input.end();
    expect(code).toBe(3);
    expect(stderr.text).toContain('hint: the key in use comes from the GURUSUP_API_KEY environment variable');
    expect(server.requests.slice(before).filter((q) => q.method === 'POST')).toHaveLength(0);
  });
});
