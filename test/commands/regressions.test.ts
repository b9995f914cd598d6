// Each test here reproduces a bug found in review and would fail without its fix.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run, startInProcess, tempDir } from '../helpers/io.js';
import { post } from '../helpers/http.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { threadHash } from '../../src/api/hash.js';

const KEY = 'gsk_live_REVIEW_7d1e9c3b5a2f4e6d';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const envFor = (url: string, extra: Record<string, string | undefined> = {}) => ({
  GURUSUP_CONFIG_DIR: tempDir(),
  GURUSUP_API_KEY: KEY,
  GURUSUP_BASE_URL: url,
  ...extra,
});

describe('the key does not leak', () => {
  it('auth status on a terminal, when the API quotes the key in its error', async () => {
    server = await startServer((_req, res) => sendJson(res, 401, { message: `invalid key ${KEY}` }));
    const r = await run(['auth', 'status'], { env: envFor(server.url), tty: true });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('invalid');
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('a corrupt config file is reported without quoting it', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.json'), `{"profiles":{"default":{"api_key":'${KEY}'}}}`);
    const r = await run(['threads', 'list'], { env: { GURUSUP_CONFIG_DIR: dir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not valid JSON');
    expect(r.stderr).not.toContain(KEY.slice(0, 8));
  });

  it('webhook listen: --record hides any header carrying the key; rejected lines drop the query', async () => {
    const file = path.join(tempDir(), 'rec.ndjson');
    const l = startInProcess(['webhook', 'listen', '--port', '0', '--record', file], {
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY },
    });
    const url = await l.url();
    await post(url, '{"event":"a"}', { 'x-api-key': KEY, 'x-forwarded-api-key': KEY });
    await post(`${url}?k=${KEY}`, '{"event":"a"}', { 'x-api-key': 'wrong-key-00000000' });
    l.abort();
    await l.done;
    const rec = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(rec).headers['x-forwarded-api-key']).toBe('[redacted]');
    expect(rec + l.stderr() + l.stdout()).not.toContain(KEY);
  });

  it('api -i does not print a header that echoes the key', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, {}, { 'x-echo': KEY }));
    const r = await run(['api', '/threads', '-i'], { env: envFor(server.url) });
    expect(r.stderr).toContain('x-echo: [redacted]');
    expect(r.stderr).not.toContain(KEY);
  });
});

describe('usage errors, not network errors', () => {
  it('api -H with a character a header cannot carry exits 2', async () => {
    const r = await run(['api', '/threads', '-H', 'X-Foo: ☃'], { env: envFor('http://127.0.0.1:9') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid value for header X-Foo');
  });

  it('a --timeout beyond what a timer can hold exits 2 instead of firing at once', async () => {
    const r = await run(['threads', 'list', '--timeout', '3000000'], { env: envFor('http://127.0.0.1:9') });
    expect(r.code).toBe(2);
  });
});

describe('--json before a required argument', () => {
  it('does not swallow it; a field list still works where nothing is missing', async () => {
    server = await startServer((req, res) => {
      if (req.path === '/threads') return sendJson(res, 200, [{ thread_fid: 'order-1', subject: 's' }]);
      if (req.path === `/threads/${threadHash('order-1')}`)
        return sendJson(res, 200, { thread_fid: 'order-1', messages: [] });
      if (req.path === '/messages/m-1') return sendJson(res, 200, { _id: 'm-1', body: 'b' });
      return sendJson(res, 404, {});
    });
    const env = envFor(server.url);
    const show = await run(['threads', 'show', '--json', 'order-1'], { env });
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).thread_fid).toBe('order-1');
    const get = await run(['messages', 'get', '--json', 'm-1'], { env });
    expect(JSON.parse(get.stdout)).toEqual({ _id: 'm-1', body: 'b' });
    const fields = await run(['threads', 'show', 'order-1', '--json', 'thread_fid'], { env });
    expect(fields.stdout).toBe('{"thread_fid":"order-1"}\n');
    const list = await run(['threads', 'list', '--json', 'subject'], { env });
    expect(list.stdout).toBe('[{"subject":"s"}]\n');
  });
});

describe('sandbox', () => {
  it('answers a malformed escape with 400 and an oversized body with 413, no stack trace', async () => {
    const s = startInProcess(['sandbox', '--port', '0', '--api-key', KEY], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    const url = (await s.waitFor(/sandbox on (http:\/\/\S+)/))[1]!;
    const bad = await post(`${url}/threads/%E0%A4%A`, '', { 'x-api-key': KEY }, 'GET');
    expect(bad.status).toBe(400);
    const big = await run(['messages', 'send', '--thread', 't', '--user', 'u', '--body', 'x'.repeat(2 * 1024 * 1024)], {
      env: envFor(url),
    });
    expect(big.code).toBe(1);
    expect(big.stderr).toContain('413');
    expect(s.stderr()).not.toMatch(/\n\s+at /);
    s.abort();
    await s.done;
  });

  it('a --data file of the wrong shape names the bad entry', async () => {
    const file = path.join(tempDir(), 'd.json');
    fs.writeFileSync(file, '{"threads":[{"thread_fid":"x"}]}');
    const r = await run(['sandbox', '--port', '0', '--data', file], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('threads[0] has no "messages" array');
    fs.writeFileSync(file, 'null');
    expect(
      (await run(['sandbox', '--port', '0', '--data', file], { env: { GURUSUP_CONFIG_DIR: tempDir() } })).stderr,
    ).toContain('has no "threads" array');
  });
});

describe('terminal safety and files', () => {
  it('escape sequences in a message are shown, not sent to the terminal', async () => {
    server = await startServer((_req, res) =>
      sendJson(res, 200, {
        thread_fid: 't',
        messages: [{ body: 'hi \u001b]0;pwned\u0007 there', is_customer_support_agent: false }],
      }),
    );
    const r = await run(['threads', 'show', 't'], { env: envFor(server.url), tty: true });
    expect(r.stdout).toContain('hi \\x1b]0;pwned\\x07 there');
    expect(r.stdout).not.toContain('\u001b]0;');
  });

  it('saving a key leaves an existing config directory mode alone', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const r = await run(['auth', 'login', '--with-key', '--skip-check'], {
      env: { GURUSUP_CONFIG_DIR: dir },
      stdin: KEY,
    });
    expect(r.code).toBe(0);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(dir, 'config.json')).mode & 0o777).toBe(0o600);
  });

  it('threads export: a key rejected mid-way exits 3 and leaves whole lines; --resume needs thread_fid in fields', async () => {
    const threads = Array.from({ length: 40 }, (_, i) => ({ thread_fid: `t-${i}` }));
    server = await startServer(async (req, res, n) => {
      if (req.path === '/threads') return sendJson(res, 200, threads);
      await new Promise((r) => setTimeout(r, 5));
      if (n > 10) return sendJson(res, 401, {});
      sendJson(res, 200, { thread_fid: 'x', messages: [] });
    });
    const file = path.join(tempDir(), 'out.ndjson');
    const r = await run(['threads', 'export', '--out', file], { env: envFor(server.url) });
    expect(r.code).toBe(3);
    expect(r.stderr).not.toContain('EBADF');
    const text = fs.readFileSync(file, 'utf8');
    expect(text === '' || text.endsWith('\n')).toBe(true);
    const u = await run(['threads', 'export', '--out', file, '--resume', '--json', 'messages'], {
      env: envFor(server.url),
    });
    expect(u.code).toBe(2);
  });
});
