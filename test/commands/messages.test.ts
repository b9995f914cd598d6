import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

const KEY = 'gsk_test_messages_0123456789abcdef';
const REPLY = {
  _id: '650000000000000000000009',
  body: 'Your parcel ships today.\nTracking: X1',
  user_fid: 'gurusup-ai',
  thread_fid: 'order-1234',
  is_customer_support_agent: true,
  role: 'assistant',
  created_at: '2024-05-01T10:00:05Z',
};
const MESSAGE = {
  _id: '650000000000000000000001',
  body: 'Where is my parcel?',
  user_fid: 'cust-42',
  thread_fid: 'order-1234',
  is_customer_support_agent: false,
  created_at: '2024-05-01T10:00:00Z',
};

let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    if (req.method === 'POST' && req.path === '/messages') return sendJson(res, 201, REPLY);
    if (req.method === 'GET' && req.path === `/messages/${MESSAGE._id}`) return sendJson(res, 200, MESSAGE);
    return sendJson(res, 404, { message: 'Not found' });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url };
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

describe('messages send', () => {
  const args = ['messages', 'send', '--thread', 'order-1234', '--user', 'cust-42'];

  it('POSTs the PartialMessage as JSON with the key', async () => {
    const r = await run([...args, '--body', 'Where is my parcel?', '--lang', 'en', '--subject', 'Parcel'], { env });
    expect(r.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/messages');
    expect(req.headers['x-api-key']).toBe(KEY);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.json).toEqual({
      body: 'Where is my parcel?',
      user_fid: 'cust-42',
      thread_fid: 'order-1234',
      lang: 'en',
      subject: 'Parcel',
      is_customer_support_agent: false,
    });
  });

  it('omits lang and subject when not given; --agent sets the flag', async () => {
    await run([...args, '--body', 'x', '--agent'], { env });
    expect(server.requests[0]!.json).toEqual({
      body: 'x',
      user_fid: 'cust-42',
      thread_fid: 'order-1234',
      is_customer_support_agent: true,
    });
  });

  it('piped: prints the reply body alone', async () => {
    const r = await run([...args, '--body', 'hi'], { env });
    expect(r.stdout).toBe('Your parcel ships today.\nTracking: X1\n');
  });

  it('TTY: prints who replied, when, and the body', async () => {
    const r = await run([...args, '--body', 'hi'], { env, tty: true });
    // On a terminal, times are local and absolute beyond 30 days (relative within).
    expect(r.stdout).toMatch(/system.*gurusup-ai.*2024-05-01 \d\d:\d\d/);
    expect(r.stdout).toContain('  Your parcel ships today.');
  });

  it('--json prints the reply object', async () => {
    const r = await run([...args, '--body', 'hi', '--json'], { env });
    expect(JSON.parse(r.stdout)).toEqual(REPLY);
  });

  it('reads the body from --body-file, from - (stdin), and from piped stdin', async () => {
    const file = path.join(tempDir(), 'body.txt');
    fs.writeFileSync(file, 'from a file\n');
    await run([...args, '--body-file', file], { env });
    await run([...args, '--body-file', '-'], { env, stdin: 'from dash\n' });
    await run(args, { env, stdin: 'from a pipe' });
    // The newline that ends piped input (echo, a heredoc) is not part of the message; inner ones are.
    await run(args, { env, stdin: 'two\nlines\r\n' });
    expect(server.requests.map((r) => (r.json as { body: string }).body)).toEqual([
      'from a file\n',
      'from dash',
      'from a pipe',
      'two\nlines',
    ]);
  });

  it('missing --thread/--user or an empty body exits 2 before any request', async () => {
    const a = await run(['messages', 'send', '--body', 'x'], { env });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('error: missing --thread <fid> and --user <fid>');
    const b = await run(args, { env, stdin: '   \n' });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('error: the message body is empty');
    const c = await run([...args, '--body-file', '/nonexistent/file'], { env });
    expect(c.code).toBe(2);
    expect(c.stderr).toBe('error: cannot read --body-file /nonexistent/file: no such file\n');
    expect(server.requests).toHaveLength(0);
  });
});

describe('messages send without a reply', () => {
  it('a 2xx with no body is a successful send: exit 0, a note on stderr, null with --json', async () => {
    const s = await startServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    try {
      const e = { ...env, GURUSUP_BASE_URL: s.url };
      const r = await run(['messages', 'send', '--thread', 't', '--user', 'u', '--body', 'hi'], { env: e });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Message sent; the API returned no reply.');
      const j = await run(['messages', 'send', '--thread', 't', '--user', 'u', '--body', 'hi', '--json'], { env: e });
      expect(j.code).toBe(0);
      expect(j.stdout).toBe('null\n');
      expect(s.requests).toHaveLength(2);
    } finally {
      await s.close();
    }
  });
});

describe('messages get', () => {
  it('GETs the message by URL-encoded id; piped is one TSV line', async () => {
    const r = await run(['messages', 'get', MESSAGE._id], { env });
    expect(r.code).toBe(0);
    expect(server.requests[0]!.path).toBe(`/messages/${MESSAGE._id}`);
    expect(r.stdout).toBe(`${MESSAGE._id}\torder-1234\t2024-05-01T10:00:00Z\tcustomer\tWhere is my parcel?\n`);
  });

  it('TTY and --json', async () => {
    const t = await run(['messages', 'get', MESSAGE._id], { env, tty: true });
    expect(t.stdout).toMatch(/customer.*cust-42/);
    const j = await run(['messages', 'get', MESSAGE._id, '--json', 'body,_id'], { env });
    expect(j.stdout).toBe(`{"body":"Where is my parcel?","_id":"${MESSAGE._id}"}\n`);
  });

  it('encodes odd ids and exits 4 when not found', async () => {
    const r = await run(['messages', 'get', 'a/b c'], { env });
    expect(server.requests[0]!.path).toBe('/messages/a%2Fb%20c');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('error: message not found: a/b c');
  });
});
