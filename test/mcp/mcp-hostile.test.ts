import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { threadHash } from '../../src/api/hash.js';
import { KEY, baseEnv, call, connect, text, waitFor, type Session } from './helpers.js';

// A hostile API: the behaviour is chosen by the base URL's path prefix (/k401/threads, ...).
const BIG = 'x'.repeat(1000);
const many = (n: number, f: (i: number) => object) => Array.from({ length: n }, (_, i) => f(i));
let api: TestServer;
let hangClosed = 0;
const sessions: Session[] = [];

beforeAll(async () => {
  api = await startServer((req, res) => {
    const [, mode, ...rest] = req.path.split('/');
    const route = `/${rest.join('/')}`;
    switch (mode) {
      case 'k401':
        return sendJson(res, 401, { message: `invalid key ${String(req.headers['x-api-key'])}` });
      case 'k500':
        res.writeHead(500, { 'content-type': 'text/html' });
        return res.end('<html><body><h1>Internal error</h1></body></html>');
      case 'garbage':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html>captive portal: log in to the wifi</html>');
      case 'notarray':
        return sendJson(res, 200, { threads: [] });
      case 'huge':
        if (route === '/threads')
          return sendJson(
            res,
            200,
            many(3000, (i) => ({ thread_fid: `t-${i}`, subject: `${'subject '.repeat(25)}${i}`, user_fid: 'c' })),
          );
        return sendJson(res, 200, {
          thread_fid: 'big',
          user_fid: 'cust',
          messages: many(2000, (i) => ({ _id: `m${i}`, user_fid: i % 2 ? 'ai' : 'cust', body: `${i} ${BIG}` })),
        });
      case 'echo':
        return sendJson(res, 200, {
          thread_fid: 'echo',
          user_fid: 'cust',
          subject: `key ${String(req.headers['x-api-key'])}`,
          messages: [
            {
              user_fid: 'cust',
              body: `my key is ${String(req.headers['x-api-key'])}, see https://bob:hunter2@example.com/x`,
            },
            { user_fid: 'ai', body: 'clear \u001b[2J screen \u009b31m and \u202e reversed' },
          ],
        });
      case 'hang':
        // Never answers; notes when the client gives up on the request.
        res.on('close', () => hangClosed++);
        return;
      default:
        return sendJson(res, 404, { message: 'no such mode' });
    }
  });
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await api.close();
});

async function session(mode: string, extra: Record<string, string | undefined> = {}): Promise<Session> {
  const s = await connect(
    ['mcp'],
    baseEnv({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: `${api.url}/${mode}`, ...extra }),
  );
  sessions.push(s);
  return s;
}

function noKey(s: Session, ...results: unknown[]): void {
  for (const r of results) expect(JSON.stringify(r)).not.toContain(KEY);
  expect(s.stderr()).not.toContain(KEY);
  expect(s.protocolErrors).toEqual([]);
}

describe('gurusup mcp against a hostile API', () => {
  it('401: an error result with the CLI message and the env-key hint; the echoed key redacted', async () => {
    const s = await session('k401');
    const r = await call(s, 'gurusup_threads_list');
    expect(r.isError).toBe(true);
    expect(text(r)).toBe(
      'error: the API rejected the key (401 Unauthorized): invalid key [redacted]\n' +
        'hint: the key in use comes from the GURUSUP_API_KEY environment variable; set it to a valid key, or unset it to use the saved profile',
    );
    // Resources have no error results: a JSON-RPC error, with the same line.
    const err = await s.client.listResources().catch((e: Error) => e);
    expect(String(err)).toContain('the API rejected the key (401 Unauthorized)');
    noKey(s, r, String(err));
  });

  it('500 with an HTML page, a captive portal, and JSON that is not a list: one line each, never a crash', async () => {
    const k500 = await session('k500');
    const r500 = await call(k500, 'gurusup_thread_get', { thread: 'a' });
    expect(text(r500)).toBe(
      'error: the API answered 500 Internal Server Error: Internal error\nhint: the service or a proxy in between is failing; try again later (--debug shows the exchange)',
    );
    const portal = await session('garbage');
    const rp = await call(portal, 'gurusup_threads_list');
    expect(rp.isError).toBe(true);
    expect(text(rp)).toMatch(
      /^error: unexpected response from the API \(200 OK, text\/html\), not JSON: <html>captive portal/,
    );
    expect(text(rp)).toContain('hint: is --base-url pointing at the Gurusup API?');
    const obj = await session('notarray');
    expect(text(await call(obj, 'gurusup_threads_list'))).toBe(
      'error: unexpected response from GET /threads: expected a JSON array',
    );
    // The server is still there after all that.
    expect((await obj.client.listTools()).tools.length).toBe(3);
    noKey(k500, r500);
  });

  it('3,000 threads: 50 by default, at most 1,000, and the text cut with a note past 100 KB', async () => {
    const s = await session('huge');
    const d = await call(s, 'gurusup_threads_list');
    expect(d.structuredContent).toMatchObject({ total: 3000, shown: 50 });
    expect(d.structuredContent.threads).toHaveLength(50);
    const max = await call(s, 'gurusup_threads_list', { limit: 1000 });
    expect(max.structuredContent.threads).toHaveLength(1000);
    const t = text(max);
    expect(t.length).toBeLessThan(101 * 1024);
    expect(t).toMatch(
      /\[cut: this text is \d+ KB, past the 100 KB returned as text; the whole result is in structuredContent\. Lower limit/,
    );
  });

  it('2,000 messages: the newest 200 kept by default, the rest counted, the text cut with a note', async () => {
    const s = await session('huge');
    const r = await call(s, 'gurusup_thread_get', { thread: 'big' });
    expect(r.structuredContent.omitted_messages).toBe(1800);
    const msgs = r.structuredContent.thread.messages;
    expect(msgs).toHaveLength(200);
    expect(msgs[0]._id).toBe('m1800');
    expect(msgs.at(-1)._id).toBe('m1999');
    expect(msgs.slice(0, 2).map((m: { sender: string }) => m.sender)).toEqual(['customer', 'system']);
    expect(text(r)).toMatch(/^\[1800 older messages left out: showing the newest 200 of 2000/);
    expect(text(r)).toMatch(/\[cut: .*Pass a smaller max_messages\.\]$/);
    const small = await call(s, 'gurusup_thread_get', { thread: 'big', max_messages: 5 });
    expect(text(small)).not.toContain('[cut:');
  });

  it('a response past GURUSUP_MAX_RESPONSE is an error naming the limit', async () => {
    const s = await session('huge', { GURUSUP_MAX_RESPONSE: '100000' });
    const r = await call(s, 'gurusup_threads_list');
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^error: .*100000 bytes/);
  });

  it('the key and URL passwords from the API are redacted; escape sequences are escaped in the text', async () => {
    const s = await session('echo');
    const r = await call(s, 'gurusup_thread_get', { thread: 'echo' });
    expect(r.isError).toBeFalsy();
    expect(JSON.stringify(r)).toContain('my key is [redacted]');
    expect(JSON.stringify(r)).not.toContain('hunter2');
    expect(text(r)).toContain('clear \\x1b[2J screen \\x9b31m and \\u202e reversed');
    expect(text(r)).not.toMatch(/[\u001b\u009b\u202e]/);
    const read = await s.client.readResource({ uri: 'gurusup://threads/echo' });
    noKey(s, r, read);
  });

  it('a call the client cancels aborts its request to the API', async () => {
    const s = await session('hang');
    const controller = new AbortController();
    const pending = s.client.callTool({ name: 'gurusup_threads_list', arguments: {} }, undefined, {
      signal: controller.signal,
    });
    const asked = () => api.requests.filter((q) => q.path.startsWith('/hang/')).length;
    await waitFor(
      () => asked() === 1,
      () => 'the request to reach the API',
    );
    const before = hangClosed;
    controller.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(
      () => hangClosed > before,
      () => 'the server to drop the cancelled request',
    );
    expect(asked()).toBe(1);
  });

  it('no key: the server starts and lists its tools; each call says how to set one', async () => {
    const s = await session('k401', { GURUSUP_API_KEY: undefined });
    expect((await s.client.listTools()).tools.map((t) => t.name)).toContain('gurusup_threads_list');
    const r = await call(s, 'gurusup_threads_list');
    expect(text(r)).toBe(
      "error: no API key: this command needs one\nhint: run 'gurusup auth login', or set GURUSUP_API_KEY",
    );
    expect(api.requests.some((q) => q.path.startsWith('/k401/') && q.headers['x-api-key'] === undefined)).toBe(false);
  });

  it('a --profile that is not stored: the server starts; calls name the profile', async () => {
    const s = await connect(
      ['--profile', 'acme', 'mcp'],
      baseEnv({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_BASE_URL: `${api.url}/k401` }),
    );
    sessions.push(s);
    const r = await call(s, 'gurusup_thread_get', { hash: threadHash('x') });
    expect(text(r)).toMatch(/^error: no profile named "acme"/);
  });
});
