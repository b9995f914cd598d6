import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

const KEY = 'gsk_test_faults2_0123456789abcdef';
const envFor = (url: string, extra: Record<string, string> = {}) => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url, ...extra });
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

let server: TestServer | undefined;
let raw: net.Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (raw) await new Promise((r) => raw!.close(r));
  raw = undefined;
});

describe('the client under faults', () => {
  it('connection closed mid-body: retried, then exit 1 with the status and the start of the body', async () => {
    let connections = 0;
    raw = net.createServer((sock) => {
      connections++;
      sock.once('data', () => sock.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n[{"thread_fid":"a"'));
      sock.on('error', () => {});
    });
    await new Promise<void>((res) => raw!.listen(0, '127.0.0.1', res));
    const url = `http://127.0.0.1:${(raw.address() as net.AddressInfo).port}`;
    const r = await run(['threads', 'list'], { env: envFor(url) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the response from 127\.0\.0\.1:\d+ \(200 OK\) was cut off after 18 bytes: \[\{"thread_fid":"a"\n/);
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
    expect(r.stderr).toContain('error: unexpected response from the API (200 OK, application/json), not JSON: [{"thread_fid":"a"},{"thread_');
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
    const r = await run(['messages', 'send', '--thread', 't', '--user', 'u', '--body', 'b'], { env: envFor(server.url) });
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
    const tls = https.createServer({ key: fs.readFileSync(path.join(dir, 'self-signed.key')), cert: fs.readFileSync(path.join(dir, 'self-signed.crt')) }, (_req, res) => res.end('[]'));
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
