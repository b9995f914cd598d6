import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { startConnectProxy, type ConnectProxy } from '../helpers/proxy.js';

// Every client fault, through both transports (node:http direct, undici behind a CONNECT proxy):
// the same fault must be the same error and the same exit code on either path.

const KEY = 'gsk_test_parity_0123456789abcdef';
const servers: Array<net.Server> = [];
let proxy: ConnectProxy;

async function listen<T extends net.Server>(s: T): Promise<{ server: T; port: number }> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  servers.push(s);
  return { server: s, port: (s.address() as net.AddressInfo).port };
}

beforeAll(async () => {
  proxy = await startConnectProxy();
});

afterAll(async () => {
  await proxy.close();
  for (const s of servers) {
    (s as http.Server).closeAllConnections?.();
    await new Promise((r) => s.close(r));
  }
});

/** A raw TCP server: full control over what the client sees. */
async function rawServer(onData: (sock: net.Socket) => void): Promise<string> {
  const s = net.createServer((sock) => {
    sock.on('error', () => {});
    sock.once('data', () => onData(sock));
  });
  return `http://127.0.0.1:${(await listen(s)).port}`;
}

async function closedPort(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}

interface Case {
  name: string;
  url: () => Promise<string>;
  args?: string[];
  code: number;
  /** The error line both paths print, before any "(a proxy is set …)" note. */
  error: (host: string) => RegExp;
}

const cases: Case[] = [
  {
    name: 'a body cut off mid-way',
    url: () =>
      rawServer((sock) =>
        sock.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n[{"thread_fid":"a"'),
      ),
    code: 1,
    error: (h) =>
      new RegExp(`^error: the response from ${h} \\(200 OK\\) was cut off after 18 bytes: \\[\\{"thread_fid":"a"`),
  },
  {
    name: 'a connection reset before the answer',
    url: () => rawServer((sock) => sock.resetAndDestroy()),
    code: 5,
    error: (h) => new RegExp(`^error: connection to ${h} was closed unexpectedly`),
  },
  {
    name: 'a connection refused',
    url: closedPort,
    code: 5,
    error: (h) => new RegExp(`^error: cannot connect to ${h}`),
  },
  {
    name: 'a timeout before the headers',
    url: () => rawServer(() => {}),
    args: ['--timeout', '0.5'],
    code: 5,
    error: (h) => new RegExp(`^error: timed out after 0.5s waiting for a response from http://${h}/threads`),
  },
  {
    name: 'a timeout in the middle of the body',
    url: () =>
      rawServer((sock) =>
        sock.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n[{"thread'),
      ),
    args: ['--timeout', '0.5'],
    code: 5,
    error: (h) => new RegExp(`^error: timed out after 0.5s: the response body from http://${h}/threads did not finish`),
  },
  {
    name: 'a TLS certificate that is not trusted',
    url: async () => {
      const dir = path.resolve(import.meta.dirname, '../fixtures');
      const s = https.createServer(
        {
          key: fs.readFileSync(path.join(dir, 'self-signed.key')),
          cert: fs.readFileSync(path.join(dir, 'self-signed.crt')),
        },
        (_q, r) => r.end('[]'),
      );
      return `https://127.0.0.1:${(await listen(s)).port}`;
    },
    code: 5,
    error: (h) => new RegExp(`^error: TLS certificate of ${h} was not accepted`),
  },
  {
    name: 'an HTML 502 page',
    url: async () => {
      const s = http.createServer((_q, r) =>
        r
          .writeHead(502, { 'content-type': 'text/html', 'retry-after': '0' })
          .end('<html><h1>502 Bad Gateway</h1>nginx</html>'),
      );
      return `http://127.0.0.1:${(await listen(s)).port}`;
    },
    code: 1,
    error: () => /^error: the API answered 502 Bad Gateway: 502 Bad Gateway nginx/,
  },
];

describe.each([
  ['direct', false],
  ['through a proxy', true],
])('client faults, %s', (_label, viaProxy) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const url = await c.url();
    const host = new URL(url).host.replace(/\./g, '\\.');
    const before = proxy.tunnels.length;
    const env: Record<string, string> = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url };
    if (viaProxy) Object.assign(env, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });
    const r = await run(['threads', 'list', ...(c.args ?? [])], { env });
    expect(r.code).toBe(c.code);
    expect(r.stderr).toMatch(c.error(host));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain(KEY);
    expect(proxy.tunnels.length > before).toBe(viaProxy);
  });
});

describe('a proxy that drops the tunnel', () => {
  it('is a network error after the usual retries, not a reconnect loop', async () => {
    let connects = 0;
    const dropper = http.createServer();
    dropper.on('connect', (_req, client: net.Socket) => {
      connects++;
      client.destroy();
    });
    const { port } = await listen(dropper);
    const r = await run(['threads', 'list', '--timeout', '5'], {
      env: {
        GURUSUP_CONFIG_DIR: tempDir(),
        GURUSUP_API_KEY: KEY,
        GURUSUP_BASE_URL: 'http://127.0.0.1:9',
        HTTP_PROXY: `http://127.0.0.1:${port}`,
      },
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: cannot connect to 127\.0\.0\.1:9: the proxy closed the connection/);
    // One attempt and three retries; undici alone reconnects tens of thousands of times a second.
    expect(connects).toBe(4);
  });
});
