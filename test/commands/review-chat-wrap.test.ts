import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { main } from '../../src/cli.js';

// Review: the chat REPL wrapped "reply  (2.4 s)" as one text, so on a width where the wrap fell
// inside the latency ("(2.4" / "s)") the reply was printed garbled and twice:
// "gurusup › abcd  (2.4\n          s(2.4 s)p › abcd  (2.4\n          s)".

const KEY = 'gsk_test_review_chatwrap_01234567';
let api: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  api = await startServer((_req, res) => sendJson(res, 201, { _id: 'r', body: 'abcd', role: 'assistant' }));
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, FORCE_COLOR: '0' };
});
afterAll(() => api.close());

describe('chat on a narrow terminal', () => {
  it.each([20, 21, 22, 24, 80])('at %i columns the reply is printed once, its latency whole', async (cols) => {
    const { io, stdout } = fakeIo({ env, tty: true });
    (io.stdout as unknown as { columns: number }).columns = cols;
    const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => void };
    input.isTTY = true;
    input.setRawMode = () => undefined;
    io.stdin = input;
    const done = main(['chat'], io);
    input.write('hello\r');
    await waitUntil(() => /s\)\n/.test(stdout.text), { what: () => `the reply's timing line: ${stdout.text}` });
    input.write('\u0004');
    expect(await done).toBe(0);
    const screen = stdout.text.replace(/\u001b\[\d*[GJKC]/g, '');
    const reply = screen.slice(screen.indexOf('gurusup › '));
    expect(reply.split('abcd')).toHaveLength(2);
    expect(reply).toMatch(/^gurusup › abcd(  |\n {10})\(\d+\.\d s\)\n/);
  });
});
