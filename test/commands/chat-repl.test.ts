import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { main } from '../../src/cli.js';

describe('Ctrl-C while the thread loads', () => {
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
});

describe('/new', () => {
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
      await waitUntil(() => api.requests.filter((r) => r.method === 'POST').length >= 4, {
        what: 'four messages sent',
      });
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
});

describe('Ctrl-C during /show', () => {
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
});

describe('a narrow terminal', () => {
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
});
