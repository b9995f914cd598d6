import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, afterAll, beforeAll } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { fastDeps } from '../helpers/clock.js';
import { waitUntil } from '../helpers/wait.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

const KEY = 'gsk_test_faults_0123456789abcdef';
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

let server: TestServer | undefined;
let raw: net.Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (raw) await new Promise((r) => raw!.close(r));
  raw = undefined;
});

function envFor(url: string, extra: Record<string, string> = {}) {
  return { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url, ...extra };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('the client under faults', () => {
  it('retries GET after 503 twice, then succeeds', async () => {
    server = await startServer((_req, res, n) =>
      n <= 2 ? sendJson(res, 503, { message: 'busy' }) : sendJson(res, 200, []),
    );
    const r = await run(['threads', 'list', '--json'], { env: envFor(server.url) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('[]\n');
    expect(server.requests).toHaveLength(3);
  });

  it('honours Retry-After on 429', async () => {
    server = await startServer((_req, res, n) =>
      n === 1 ? sendJson(res, 429, {}, { 'retry-after': '1' }) : sendJson(res, 200, []),
    );
    const deps = fastDeps();
    const r = await run(['threads', 'list'], { env: envFor(server.url), deps });
    expect(r.code).toBe(0);
    // The one wait before the retry is the server's second, not the back-off's 300 ms.
    expect(deps.clock.waits).toEqual([1000]);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after 3 retries with exit 1 and a hint', async () => {
    server = await startServer((_req, res) => sendJson(res, 503, { message: 'down for maintenance' }));
    const r = await run(['threads', 'list'], { env: envFor(server.url) });
    expect(r.code).toBe(1);
    expect(server.requests).toHaveLength(4);
    expect(r.stderr).toContain('error: the API answered 503 Service Unavailable: down for maintenance');
    expect(r.stderr).toContain('hint:');
  });

  it('never retries POST: a 503 is one request', async () => {
    server = await startServer((_req, res) => sendJson(res, 503, { message: 'busy' }));
    const r = await run(['messages', 'send', '--thread', 't', '--user', 'u', '--body', 'b'], {
      env: envFor(server.url),
    });
    expect(r.code).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('an HTML 502 from a proxy is a clean error, no stack', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502</title></head><body><h1>Bad Gateway</h1><p>nginx</p></body></html>');
    });
    const r = await run(['threads', 'show', 'x'], { env: envFor(server.url) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the API answered 502 Bad Gateway: 502 Bad Gateway nginx');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('200 with HTML where JSON is expected: exit 1 with the start of the body', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>Captive portal login</html>');
    });
    const r = await run(['threads', 'list'], { env: envFor(server.url) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: unexpected response from the API (200 OK, text/html), not JSON: <html>Captive portal login</html>',
    );
  });

  it('connection refused: exit 5 naming the host, after retries', async () => {
    const port = await freePort();
    const r = await run(['threads', 'list'], { env: envFor(`http://127.0.0.1:${port}`) });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`error: cannot connect to 127.0.0.1:${port}: connection refused`);
  });

  it('headers that never arrive: exit 5 at --timeout, saying so', async () => {
    server = await startServer(() => {
      // never answer
    });
    const r = await run(['threads', 'list', '--timeout', '0.5'], { env: envFor(server.url) });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('error: timed out after 0.5s waiting for a response');
    expect(r.stderr).toContain('--timeout');
    expect(server.requests).toHaveLength(1);
  });

  it('a send that times out says the message may exist and how to check', async () => {
    server = await startServer(() => {});
    const r = await run(['messages', 'send', '--thread', 'order-9', '--user', 'u', '--body', 'b', '--timeout', '0.3'], {
      env: envFor(server.url),
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('the message may have been created');
    expect(r.stderr).toContain('hint: check before sending again: gurusup threads show order-9');
  });

  it('Ctrl-C during a request exits 130 at once with nothing on stdout', async () => {
    server = await startServer(() => {});
    const ac = new AbortController();
    const done = run(['threads', 'list', '--timeout', '600'], { env: envFor(server.url), signal: ac.signal });
    await waitUntil(() => server!.requests.length === 1, { what: 'the request to reach the server' });
    ac.abort();
    // Not the timeout's exit 5 (the server never answers): the abort itself ended it.
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
  });

  it('keeps a base URL path prefix', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, []));
    await run(['threads', 'list'], { env: envFor(`${server.url}/api/v1/`) });
    expect(server.requests[0]!.path).toBe('/api/v1/threads');
  });

  it('--debug traces each exchange with the key redacted', async () => {
    server = await startServer((_req, res) => sendJson(res, 401, { message: `bad key ${KEY}` }));
    const r = await run(['threads', 'list', '--debug'], { env: envFor(server.url) });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`> GET ${server.url}/threads`);
    expect(r.stderr).toContain('> x-api-key: [redacted]');
    const h = await run(['api', '/threads', '-H', 'Authorization: Bearer other-secret-123', '--debug'], {
      env: envFor(server.url),
    });
    expect(h.stderr).toContain('> Authorization: [redacted]');
    expect(h.stderr).not.toContain('other-secret-123');
    expect(r.stderr).toContain('< 401 Unauthorized');
    expect(r.stderr).not.toContain(KEY);
    expect(r.stdout).not.toContain(KEY);
  });

  it('connection closed mid-body: retried, then exit 1 with the status and the start of the body', async () => {
    let connections = 0;
    raw = net.createServer((sock) => {
      connections++;
      sock.once('data', () =>
        sock.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n[{"thread_fid":"a"'),
      );
      sock.on('error', () => {});
    });
    await new Promise<void>((res) => raw!.listen(0, '127.0.0.1', res));
    const url = `http://127.0.0.1:${(raw.address() as net.AddressInfo).port}`;
    const r = await run(['threads', 'list'], { env: envFor(url) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: the response from 127\.0\.0\.1:\d+ \(200 OK\) was cut off after 18 bytes: \[\{"thread_fid":"a"\n/,
    );
    expect(connections).toBe(4);
    noStack(r.stderr);
    const p = await run(['messages', 'send', '--thread', 't-1', '--user', 'u', '--body', 'b'], { env: envFor(url) });
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('the message may have been created');
    expect(connections).toBe(5);
  });

  it('truncated JSON with a matching length: exit 1 naming the response', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[{"thread_fid":"a"},{"thread_');
    });
    const r = await run(['threads', 'list'], { env: envFor(server.url) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: unexpected response from the API (200 OK, application/json), not JSON: [{"thread_fid":"a"},{"thread_',
    );
    noStack(r.stderr);
  });

  it('204 with no body where JSON is expected: exit 1', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const r = await run(['messages', 'get', 'abc'], { env: envFor(server.url) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: unexpected empty response from the API (204 No Content), expected JSON');
  });

  it('a 429 storm: retried 3 times honouring Retry-After, then a clear error with a hint', async () => {
    server = await startServer((_req, res) => sendJson(res, 429, { message: 'slow down' }, { 'retry-after': '0' }));
    const r = await run(['threads', 'list'], { env: envFor(server.url) });
    expect(r.code).toBe(1);
    expect(server.requests).toHaveLength(4);
    expect(r.stderr).toContain('error: the API is rate limiting requests (429 Too Many Requests): slow down');
    expect(r.stderr).toContain('hint: wait a moment and try again');
  });

  it('POST during a 429 storm is sent exactly once', async () => {
    server = await startServer((_req, res) => sendJson(res, 429, {}, { 'retry-after': '0' }));
    const r = await run(['messages', 'send', '--thread', 't', '--user', 'u', '--body', 'b'], {
      env: envFor(server.url),
    });
    expect(r.code).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('DNS failure: exit 5 naming the host', async () => {
    const r = await run(['threads', 'list'], { env: envFor('http://gurusup-cli-test.invalid') });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/error: cannot resolve host gurusup-cli-test\.invalid/);
    noStack(r.stderr);
  });

  it('TLS failure (self-signed): exit 5 with a hint about NODE_EXTRA_CA_CERTS', async () => {
    const dir = path.resolve(import.meta.dirname, '../fixtures');
    const tls = https.createServer(
      {
        key: fs.readFileSync(path.join(dir, 'self-signed.key')),
        cert: fs.readFileSync(path.join(dir, 'self-signed.crt')),
      },
      (_req, res) => res.end('[]'),
    );
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    try {
      const port = (tls.address() as net.AddressInfo).port;
      const r = await run(['threads', 'list'], { env: envFor(`https://127.0.0.1:${port}`) });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(`error: TLS certificate of 127.0.0.1:${port} was not accepted`);
      expect(r.stderr).toContain('NODE_EXTRA_CA_CERTS');
    } finally {
      tls.closeAllConnections();
      await new Promise((r) => tls.close(r));
    }
  });
});

describe('the retry budget', () => {
  // --timeout is the longest the user waits for an answer. The retry wrapper checked only that the
  // back-off would not pass it, then gave the retry a whole new --timeout: a server answering 503
  // after 1.2 s kept `--timeout 2` waiting 2.7 s (and up to four times --timeout with slower ones).
  // A retry now gets what is left: here it times out at 2 s instead of waiting for a second 503.
  const KEY = 'gsk_test_review_http_0123456789';
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer((_req, res) => {
      setTimeout(() => res.writeHead(503, { 'content-type': 'text/plain' }).end('busy'), 1200);
    });
  });
  afterAll(() => api.close());

  describe('retries stay within --timeout', () => {
    it('a retry that cannot finish within what is left of --timeout ends as a timeout', async () => {
      const r = await run(['threads', 'list', '--timeout', '2'], {
        env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url },
      });
      expect(api.requests.length).toBe(2);
      expect(r.stderr).toContain('error: timed out after 2s waiting for a response');
      expect(r.code).toBe(5);
    });
  });
});
