import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
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
