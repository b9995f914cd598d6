import { PassThrough } from 'node:stream';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo, run, startInProcess, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { main } from '../../src/cli.js';

// Review: status lines on a colour terminal were painted first and escaped after, so the user read
// the colour codes as text (`\x1b[2mFollowing …\x1b[22m`, `\x1b[31m✗\x1b[39m 401 …`).

const KEY = 'gsk_test_review_colour_0123456789';
const ESCAPED_SGR = /\\x1b\[\d+m/;
let api: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  api = await startServer((req, res) => {
    if (req.method === 'GET') return sendJson(res, 200, { thread_fid: 'c-1', messages: [{ _id: 'a', body: 'hi' }] });
    return sendJson(res, 201, null);
  });
  // A colour terminal: FORCE_COLOR so the fake TTY gets colour whatever the test runner's env says.
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, FORCE_COLOR: '1' };
});
afterAll(() => api.close());

describe('coloured status lines are coloured, not escaped', () => {
  it('threads show --follow: the "Following" line', async () => {
    const p = startInProcess(['threads', 'show', 'c-1', '--follow'], { env, tty: true });
    await p.waitFor(/Following/);
    p.abort();
    expect(await p.done).toBe(0);
    expect(p.stderr()).toContain('\u001b[2mFollowing c-1');
    expect(p.stderr()).not.toMatch(ESCAPED_SGR);
  });

  it('webhook verify: the "Verifying" and summary lines', async () => {
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = req.headers['x-api-key'] === KEY ? 200 : 401;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    const r = await run(['webhook', 'verify', url], { env, tty: true });
    receiver.close();
    expect(r.stderr).toContain('\u001b[2mVerifying');
    expect(r.stderr).not.toMatch(ESCAPED_SGR);
  });

  it('webhook listen: the ✗ of a rejected request', async () => {
    const p = startInProcess(['webhook', 'listen', '--port', '0'], { env, tty: true });
    const url = await p.url();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'x-api-key': 'wrong-key-123', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    await p.waitFor(/401 POST/);
    p.abort();
    expect(await p.done).toBe(0);
    expect(p.stderr()).toMatch(/\u001b\[31m✗\u001b\[39m 401 POST \//);
    expect(p.stderr()).not.toMatch(ESCAPED_SGR);
  });

  it('chat on a terminal: "sent as a support agent"', async () => {
    const { io, stderr } = fakeIo({ env, tty: true });
    const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => void };
    input.isTTY = true;
    input.setRawMode = () => undefined;
    io.stdin = input;
    const done = main(['chat', '--agent'], io);
    input.write('hello\r');
    await waitUntil(() => /sent as a support agent/.test(stderr.text), {
      what: () => `the agent notice: ${stderr.text}`,
    });
    input.write('\u0004');
    expect(await done).toBe(0);
    expect(stderr.text).toMatch(/\u001b\[2msent as a support agent/);
    expect(stderr.text).not.toMatch(ESCAPED_SGR);
  });
});
