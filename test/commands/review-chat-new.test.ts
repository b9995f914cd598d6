import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { main } from '../../src/cli.js';

// Review: /new made chat-<user>-<time>, adding "-2" only when that equalled the current thread, so a
// third /new within the same second went back to the first thread instead of starting a new one.

let api: TestServer;
beforeAll(async () => {
  api = await startServer((req, res) =>
    req.method === 'GET'
      ? sendJson(res, 404, { message: 'Not found' })
      : sendJson(res, 201, { body: `ok ${(req.json as { thread_fid: string }).thread_fid}` }),
  );
});
afterAll(() => api.close());

describe('chat REPL /new', () => {
  it('always starts a thread not used in this session', async () => {
    const { io, stdout } = fakeIo({
      env: {
        GURUSUP_CONFIG_DIR: tempDir(),
        GURUSUP_API_KEY: 'gsk_test_review_new_012345678',
        GURUSUP_BASE_URL: api.url,
        FORCE_COLOR: '0',
      },
      tty: true,
    });
    const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => void };
    input.isTTY = true;
    input.setRawMode = () => undefined;
    io.stdin = input;
    const done = main(['chat', '--thread', 'first'], io);
    // Typed ahead: all within one second, as a fast typist or a paste would.
    input.write('a\r/new\rb\r/new\rc\r/new\rd\r');
    await waitUntil(() => api.requests.filter((r) => r.method === 'POST').length >= 4, { what: 'four messages sent' });
    await waitUntil(() => /ok .*\n[^]*ok .*\n[^]*ok .*\n[^]*ok .*\(/.test(stdout.text), {
      what: () => `four replies on the screen: ${stdout.text}`,
    });
    input.write('\u0004');
    expect(await done).toBe(0);
    const threads = api.requests
      .filter((r) => r.method === 'POST')
      .map((r) => (r.json as { thread_fid: string }).thread_fid);
    expect(threads).toHaveLength(4);
    expect(new Set(threads).size).toBe(4);
    expect(threads[0]).toBe('first');
  });
});
