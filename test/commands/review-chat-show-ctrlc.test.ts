import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { main } from '../../src/cli.js';

// Review: in the chat REPL, Ctrl-C while /show was loading a slow transcript closed the whole
// session (exit 0, the user's place lost) instead of stopping the wait and returning to the prompt,
// as Ctrl-C does while waiting for a reply.

const KEY = 'gsk_test_review_showint_01234567';
let api: TestServer;

beforeAll(async () => {
  api = await startServer((req, res) => {
    // The transcript never comes: only Ctrl-C ends the wait.
    if (req.method === 'GET') return;
    return sendJson(res, 201, { body: 'the reply' });
  });
});
afterAll(() => api.close());

describe('chat REPL: Ctrl-C during /show', () => {
  it('stops loading and keeps the session: the next message is sent', async () => {
    const { io, stdout, stderr } = fakeIo({
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, FORCE_COLOR: '0' },
      tty: true,
    });
    const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => void };
    input.isTTY = true;
    input.setRawMode = () => undefined;
    io.stdin = input;
    const done = main(['chat'], io);
    const waitFor = (re: RegExp, text: () => string, what: string) =>
      waitUntil(() => re.test(text()), { what: () => `${what}\nstdout: ${stdout.text}\nstderr: ${stderr.text}` });
    // readline draws the prompt, then moves the cursor after it.
    await waitFor(/you › \u001b\[7G$/, () => stdout.text, 'the prompt');
    input.write('/show\r');
    await waitFor(/./, () => (api.requests.length ? 'x' : ''), "/show's request");
    input.write('\u0003');
    await waitFor(/stopped loading/, () => stderr.text, 'the stop notice');
    input.write('hello\r');
    await waitFor(/the reply/, () => stdout.text, 'the reply');
    input.write('\u0004');
    expect(await done).toBe(0);
    expect(stderr.text).toContain('stopped loading the transcript');
    expect(stdout.text).toContain('gurusup › the reply');
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
