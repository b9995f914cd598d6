import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { main } from '../../src/cli.js';

// Review: Ctrl-C while `chat --thread <fid>` was still loading the last messages printed
// "error: interrupted" and then opened the prompt anyway, with the command's signal aborted: every
// message typed after that was dropped without a word (no request, no error).

const KEY = 'gsk_test_review_chatint_012345678';
let api: TestServer;

beforeAll(async () => {
  api = await startServer((req, res) => {
    // The thread loads slowly: the user gives up and presses Ctrl-C.
    if (req.method === 'GET')
      return void setTimeout(() => sendJson(res, 200, { thread_fid: 'slow', messages: [] }), 5000);
    return sendJson(res, 201, { body: 'reply' });
  });
});
afterAll(() => api.close());

describe('chat: Ctrl-C while the thread is loading', () => {
  it('ends the command (exit 130), it does not open a prompt that drops messages', async () => {
    const ac = new AbortController();
    const { io } = fakeIo({
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, FORCE_COLOR: '0' },
      tty: true,
      signal: ac.signal,
    });
    const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => void };
    input.isTTY = true;
    input.setRawMode = () => undefined;
    io.stdin = input;
    const done = main(['chat', '--thread', 'slow'], io);
    await waitUntil(() => api.requests.length > 0, { what: "the thread's request to reach the API" });
    ac.abort('SIGINT');
    // Were a prompt opened, this line would be taken and silently dropped.
    input.write('hello\r');
    const code = await Promise.race([done, new Promise((r) => setTimeout(() => r('still running'), 3000))]);
    input.end();
    expect(code).toBe(130);
  });
});
