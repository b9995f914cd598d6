import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

const KEY = 'gsk_test_faults_0123456789abcdef';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
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
    server = await startServer((_req, res, n) => (n <= 2 ? sendJson(res, 503, { message: 'busy' }) : sendJson(res, 200, [])));
    const r = await run(['threads', 'list', '--json'], { env: envFor(server.url) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('[]\n');
    expect(server.requests).toHaveLength(3);
  });

  it('honours Retry-After on 429', async () => {
    server = await startServer((_req, res, n) => (n === 1 ? sendJson(res, 429, {}, { 'retry-after': '1' }) : sendJson(res, 200, [])));
    const started = Date.now();
    const r = await run(['threads', 'list'], { env: envFor(server.url) });
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
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
    const r = await run(['messages', 'send', '--thread', 't', '--user', 'u', '--body', 'b'], { env: envFor(server.url) });
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
    expect(r.stderr).toContain('error: unexpected response from the API (200 OK, text/html), not JSON: <html>Captive portal login</html>');
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
    const r = await run(['messages', 'send', '--thread', 'order-9', '--user', 'u', '--body', 'b', '--timeout', '0.3'], { env: envFor(server.url) });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('the message may have been created');
    expect(r.stderr).toContain('hint: check before sending again: gurusup threads show order-9');
  });

  it('Ctrl-C during a request exits 130 at once with nothing on stdout', async () => {
    server = await startServer(() => {});
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    const r = await run(['threads', 'list'], { env: envFor(server.url), signal: ac.signal });
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(2000);
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
    expect(r.stderr).toContain('< 401 Unauthorized');
    expect(r.stderr).not.toContain(KEY);
    expect(r.stdout).not.toContain(KEY);
  });
});
