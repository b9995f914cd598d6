import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { main } from '../../src/cli.js';

// Issue 24: after a message continued with `\`, the up arrow recalled only its last piece.
const KEY = 'gsk_test_chat_history_0123456789';
let api: TestServer;

beforeAll(async () => {
  api = await startServer((req, res) => {
    if (req.method === 'GET') return sendJson(res, 404, { message: 'not found' });
    const body = (req.json as { body: string }).body;
    return sendJson(res, 201, { body: `Reply to: ${body}`, role: 'assistant' });
  });
});
afterAll(() => api.close());

describe('chat history', () => {
  it('the up arrow recalls a continued message whole (its pieces joined), not its last piece', async () => {
    const { io, stdout } = fakeIo({
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, NO_COLOR: '1' },
      tty: true,
    });
    const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => void };
    input.isTTY = true;
    input.setRawMode = () => undefined;
    io.stdin = input;
    const done = main(['chat'], io);
    const replies = () => (stdout.text.match(/gurusup › Reply to:/g) ?? []).length;
    const waitFor = async (cond: () => boolean) => {
      const started = Date.now();
      while (!cond()) {
        if (Date.now() - started > 10_000) throw new Error(`timed out; stdout: ${stdout.text}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await waitFor(() => stdout.text.includes('you › '));
    input.write('my order number is \\\r1234\r');
    await waitFor(() => replies() === 1);
    input.write('\u001b[A\r');
    await waitFor(() => replies() === 2);
    input.write('\u0004');
    expect(await done).toBe(0);
    const posts = api.requests.filter((r) => r.method === 'POST').map((r) => (r.json as { body: string }).body);
    expect(posts).toEqual(['my order number is \n1234', 'my order number is  1234']);
  });
});
