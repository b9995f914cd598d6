import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../helpers/http.js';
import { run, startInProcess, tempDir } from '../helpers/io.js';
import { startServer, sendJson } from '../helpers/server.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { SandboxStore } from '../../src/sandbox/store.js';
import { seedThreads } from '../../src/sandbox/seed.js';
import { threadHash } from '../../src/api/hash.js';
import { replyFor } from '../../src/sandbox/replies.js';

const KEY = 'gsk_test_sandbox_0123456789abcdef';
let sb: Sandbox;
const H = { 'x-api-key': KEY };

async function get(p: string, headers: Record<string, string> = H) {
  const r = await post(`${sb.url}${p}`, '', headers, 'GET');
  return { ...r, json: r.body ? JSON.parse(r.body) : undefined };
}

beforeAll(async () => {
  sb = await startSandbox({ host: '127.0.0.1', port: 0, apiKey: KEY, store: new SandboxStore(seedThreads()) });
});
afterAll(() => sb.close());

describe('sandbox API', () => {
  it('GET /threads lists the seeded threads with md5 hashes', async () => {
    const r = await get('/threads');
    expect(r.status).toBe(200);
    expect(r.json.length).toBe(5);
    for (const t of r.json) expect(t.thread).toBe(threadHash(t.thread_fid));
    expect(r.json.map((t: { thread_fid: string }) => t.thread_fid)).toContain('pedido-3310');
  });

  it('GET /threads/:hash returns the thread with its messages; unknown → 404 JSON', async () => {
    const r = await get(`/threads/${threadHash('order-1042')}`);
    expect(r.status).toBe(200);
    expect(r.json.thread_fid).toBe('order-1042');
    expect(r.json.messages).toHaveLength(4);
    const nf = await get(`/threads/${threadHash('nope')}`);
    expect(nf.status).toBe(404);
    expect(nf.json.message).toContain('not found');
  });

  it('401 without the right key, on every endpoint', async () => {
    expect((await get('/threads', {})).status).toBe(401);
    expect((await get('/threads', { 'x-api-key': 'wrong-key-00000' })).status).toBe(401);
    expect((await post(`${sb.url}/messages`, '{}', {})).status).toBe(401);
  });

  it('405 for a wrong method, 404 for an unknown path', async () => {
    expect((await post(`${sb.url}/threads`, '{}', H)).status).toBe(405);
    expect((await get('/messages')).status).toBe(405);
    expect((await get('/nope')).status).toBe(404);
  });

  it('400 for a body that is not JSON or lacks a field, naming the field', async () => {
    const bad = await post(`${sb.url}/messages`, '{not json', H);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).message).toBe('request body is not valid JSON');
    for (const f of ['body', 'thread_fid', 'user_fid']) {
      const partial: Record<string, unknown> = { body: 'b', thread_fid: 't', user_fid: 'u' };
      delete partial[f];
      const r = await post(`${sb.url}/messages`, JSON.stringify(partial), H);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).message).toBe(`field "${f}" is required`);
    }
    const t = await post(`${sb.url}/messages`, JSON.stringify({ body: 1, thread_fid: 't', user_fid: 'u' }), H);
    expect(JSON.parse(t.body).message).toBe('field "body" must be a non-empty string');
  });

  it('POST /messages stores the message, creates the thread, and returns the deterministic reply', async () => {
    const r = await post(
      `${sb.url}/messages`,
      JSON.stringify({
        body: 'I want a refund please',
        thread_fid: 'new-thread-1',
        user_fid: 'cust-1',
        lang: 'en',
        subject: 'Refund',
      }),
      H,
    );
    expect(r.status).toBe(201);
    const reply = JSON.parse(r.body);
    expect(reply._id).toMatch(/^[0-9a-f]{24}$/);
    expect(reply.body).toBe(replyFor('refund', 'en'));
    expect(reply).toMatchObject({
      thread_fid: 'new-thread-1',
      user_fid: 'gurusup-ai',
      is_customer_support_agent: true,
      role: 'assistant',
    });
    const t = await get(`/threads/${threadHash('new-thread-1')}`);
    expect(t.json.subject).toBe('Refund');
    expect(t.json.messages.map((m: { body: string }) => m.body)).toEqual(['I want a refund please', reply.body]);
    expect((await get(`/messages/${reply._id}`)).json).toEqual(reply);
    expect((await get(`/messages/${t.json.messages[0]._id}`)).json.body).toBe('I want a refund please');
    expect((await get('/messages/000000000000000000000000')).status).toBe(404);
  });

  it('answers in Spanish when the message is in Spanish, with a fallback otherwise', async () => {
    const r = await post(
      `${sb.url}/messages`,
      JSON.stringify({ body: '¿Dónde está mi pedido?', thread_fid: 'es-1', user_fid: 'c', lang: 'es' }),
      H,
    );
    expect(JSON.parse(r.body).body).toMatch(/^Los pedidos salen/);
    expect(replyFor('zzz', 'fr')).toMatch(/^Thanks for your message/);
  });

  it('an agent message is stored and returned (201) with no reply', async () => {
    const r = await post(
      `${sb.url}/messages`,
      JSON.stringify({
        body: 'Agent here',
        thread_fid: 'agent-t',
        user_fid: 'agent-1',
        is_customer_support_agent: true,
      }),
      H,
    );
    expect(r.status).toBe(201);
    expect(JSON.parse(r.body)).toMatchObject({ body: 'Agent here', is_customer_support_agent: true });
    expect((await get(`/threads/${threadHash('agent-t')}`)).json.messages).toHaveLength(1);
  });
});

describe('sandbox webhook', () => {
  it('POSTs a send_message event with the key for every reply, retrying failures, never failing the POST', async () => {
    const hook = await startServer((_req, res, n) => sendJson(res, n === 1 ? 503 : 200, {}));
    const s = await startSandbox({
      host: '127.0.0.1',
      port: 0,
      apiKey: KEY,
      store: new SandboxStore([]),
      webhookUrl: `${hook.url}/hook`,
      webhookRetryDelaysMs: [10, 10],
    });
    try {
      const r = await post(`${s.url}/messages`, JSON.stringify({ body: 'hello', thread_fid: 'w', user_fid: 'u' }), H);
      expect(r.status).toBe(201);
      await Promise.all([...s.deliveries]);
      expect(hook.requests).toHaveLength(2);
      const ev = hook.requests[1]!;
      expect(ev.path).toBe('/hook');
      expect(ev.headers['x-api-key']).toBe(KEY);
      expect(ev.json).toEqual({ event: 'send_message', data: JSON.parse(r.body) });
      // no webhook for agent messages
      await post(
        `${s.url}/messages`,
        JSON.stringify({ body: 'x', thread_fid: 'w', user_fid: 'a', is_customer_support_agent: true }),
        H,
      );
      await Promise.all([...s.deliveries]);
      expect(hook.requests).toHaveLength(2);
    } finally {
      await s.close();
      await hook.close();
    }
  });
});

describe('gurusup sandbox (command)', () => {
  it('--data loads and saves state by write-and-rename; a corrupt file is a clear error', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'state.json');
    const env = { GURUSUP_CONFIG_DIR: dir };
    const a = startInProcess(['sandbox', '--port', '0', '--api-key', KEY, '--data', file], { env });
    const url = (await a.waitFor(/sandbox on (http:\/\/\S+)/))[1]!;
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).threads).toHaveLength(5);
    await post(`${url}/messages`, JSON.stringify({ body: 'persist me', thread_fid: 'p-1', user_fid: 'u' }), H);
    a.abort();
    expect(await a.done).toBe(0);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const b = startInProcess(['sandbox', '--port', '0', '--api-key', KEY, '--data', file, '--quiet'], { env });
    const url2 = (await b.waitFor(/sandbox on (http:\/\/\S+)/))[1]!;
    expect(b.stderr()).toContain('6 threads');
    const r = await run(['threads', 'show', 'p-1', '--json'], {
      env: { ...env, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url2 },
    });
    expect(JSON.parse(r.stdout).messages[0].body).toBe('persist me');
    b.abort();
    await b.done;

    fs.writeFileSync(file, '{"threads": [');
    const c = await run(['sandbox', '--port', '0', '--data', file], { env });
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`error: --data file ${file} is not valid JSON`);
  });

  it('keeps its key across restarts: gsk_sandbox_local without --data, else the one stored in the file', async () => {
    const keyOf = async (args: string[]) => {
      const s = startInProcess(['sandbox', '--port', '0', ...args], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
      const key = (await s.waitFor(/GURUSUP_API_KEY=(\S+)/))[1]!;
      s.abort();
      expect(await s.done).toBe(0);
      return key;
    };
    expect(await keyOf([])).toBe('gsk_sandbox_local');
    expect(await keyOf([])).toBe('gsk_sandbox_local');
    const file = path.join(tempDir(), 'sandbox.json');
    const first = await keyOf(['--data', file]);
    expect(first).toMatch(/^gsk_sandbox_[0-9a-f]{32}$/);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).api_key).toBe(first);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(await keyOf(['--data', file])).toBe(first);
    // A file saved before keys were kept gets one, and keeps it.
    const old = path.join(tempDir(), 'old.json');
    fs.writeFileSync(old, JSON.stringify({ threads: [] }));
    const given = await keyOf(['--data', old]);
    expect(given).toMatch(/^gsk_sandbox_[0-9a-f]{32}$/);
    expect(await keyOf(['--data', old])).toBe(given);
  });

  it('logs one line per request, prints its key once in full, and stops on Ctrl-C', async () => {
    const s = startInProcess(['sandbox', '--port', '0'], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    const m = await s.waitFor(/export GURUSUP_BASE_URL=(\S+) GURUSUP_API_KEY=(gsk_sandbox_local)/);
    const [, url, key] = m;
    const r = await post(`${url}/threads`, '', { 'x-api-key': key! }, 'GET');
    expect(r.status).toBe(200);
    await s.waitFor(/GET \/threads 200 \d+ms/);
    expect(s.stderr().split(key!).length - 1).toBe(1);
    s.abort();
    expect(await s.done).toBe(0);
  });

  it('binds 127.0.0.1 by default and warns when bound to another address', async () => {
    const a = startInProcess(['sandbox', '--port', '0', '--api-key', KEY], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    expect((await a.waitFor(/sandbox on (http:\/\/\S+)/))[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.stderr()).not.toContain('warning');
    a.abort();
    await a.done;
    const b = startInProcess(['sandbox', '--port', '0', '--host', '0.0.0.0', '--api-key', KEY], {
      env: { GURUSUP_CONFIG_DIR: tempDir() },
    });
    await b.waitFor(/sandbox on/);
    expect(b.stderr()).toContain('warning: listening on 0.0.0.0: others on the network can reach this sandbox');
    b.abort();
    await b.done;
  });
});

describe('--data names', () => {
  // Review: the sandbox's start line printed the --data file name raw: an escape sequence in it
  // (ESC ] retitles the terminal, U+202E reverses the line) reached the terminal.

  describe('sandbox --data with control characters in the name', () => {
    it('the start line shows the name escaped', async () => {
      const file = path.join(tempDir(), 'x\u001b]0;pwned\u0007\u202e.json');
      const p = startInProcess(['sandbox', '--port', '0', '--data', file], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
      await p.waitFor(/saved to/);
      p.abort();
      expect(await p.done).toBe(0);
      const start = p
        .stderr()
        .split('\n')
        .find((l) => l.includes('saved to'))!;
      expect(start).toContain('x\\x1b]0;pwned\\x07\\u202e.json');
      expect(start).not.toMatch(/[\u001b\u0007\u202e]/);
    });
  });
});

describe('--webhook-url passwords', () => {
  // Review: `sandbox --webhook-url http://user:pw@host/…` printed the password at start and in every
  // delivery log line.

  describe('sandbox --webhook-url with a password', () => {
    it('is never shown, at start or in the delivery lines', async () => {
      const PW = 'hookPW4567';
      const p = startInProcess(['sandbox', '--port', '0', '--webhook-url', `http://hook:${PW}@127.0.0.1:1/h`], {
        env: { GURUSUP_CONFIG_DIR: tempDir() },
      });
      const base = (await p.waitFor(/sandbox on (http:\/\/\S+)/))[1]!;
      const res = await fetch(`${base}/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'gsk_sandbox_local', 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'hi', user_fid: 'u', thread_fid: 't', is_customer_support_agent: false }),
      });
      expect(res.status).toBe(201);
      await p.waitFor(/webhook → .*refused/);
      p.abort();
      expect(await p.done).toBe(0);
      expect(p.stderr()).toContain('http://[redacted]@127.0.0.1:1/h');
      expect(p.stderr()).not.toContain(PW);
      // The key the user needs is still shown whole once.
      expect(p.stderr()).toContain('GURUSUP_API_KEY=gsk_sandbox_local');
    });
  });
});
