import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { startConnectProxy, type ConnectProxy } from '../helpers/proxy.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import http from 'node:http';
import net from 'node:net';
import { cli, startCli } from '../helpers/cli.js';
import { waitUntil } from '../helpers/wait.js';

const KEY = 'gsk_test_proxy_0123456789abcdef';
let api: TestServer;
let proxy: ConnectProxy;
let proxyUrl: string;
let tunnels: string[];

beforeAll(async () => {
  api = await startServer((_req, res) => sendJson(res, 200, [{ thread_fid: 'via-proxy' }]));
  proxy = await startConnectProxy();
  proxyUrl = proxy.url;
  tunnels = proxy.tunnels;
});
afterAll(async () => {
  await api.close();
  await proxy.close();
});

describe('proxies', () => {
  it('HTTP_PROXY carries the request through the proxy', async () => {
    tunnels.length = 0;
    const r = await run(['threads', 'list', '--json'], {
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, HTTP_PROXY: proxyUrl },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ thread_fid: 'via-proxy' }]);
    expect(tunnels).toEqual([`127.0.0.1:${api.port}`]);
    expect(api.requests.at(-1)!.headers['x-api-key']).toBe(KEY);
  });

  it('a proxy that refuses is named in the error, without its password', async () => {
    const r = await run(['threads', 'list'], {
      env: {
        GURUSUP_CONFIG_DIR: tempDir(),
        GURUSUP_API_KEY: KEY,
        GURUSUP_BASE_URL: api.url,
        HTTP_PROXY: 'http://user:s3cret@127.0.0.1:9',
      },
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('(a proxy is set: http://[redacted]@127.0.0.1:9)');
    expect(r.stderr).toContain('NO_PROXY');
    expect(r.stderr).not.toContain('s3cret');
  });

  it('NO_PROXY bypasses it', async () => {
    tunnels.length = 0;
    const r = await run(['threads', 'list', '--json'], {
      env: {
        GURUSUP_CONFIG_DIR: tempDir(),
        GURUSUP_API_KEY: KEY,
        GURUSUP_BASE_URL: api.url,
        HTTP_PROXY: proxyUrl,
        NO_PROXY: '127.0.0.1',
      },
    });
    expect(r.code).toBe(0);
    expect(tunnels).toEqual([]);
  });
});

describe('CONNECT never answered', () => {
  // A proxy that takes the CONNECT and never answers it. The request was given up (timeout or
  // Ctrl-C) and the right message printed, but the process then stayed alive ~300 s: closing
  // undici's agent at exit waited for the tunnel that never came (undici's own headers timeout).
  // The child is killed after 15 s, so a hang shows as a SIGKILL instead of the exit code.
  const KEY = 'gsk_test_review_http_0123456789';
  let proxy: http.Server;
  let proxyUrl: string;
  const connects: string[] = [];
  const held: net.Socket[] = [];

  beforeAll(async () => {
    proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client: net.Socket) => {
      connects.push(req.url ?? '');
      held.push(client);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((r) => proxy.close(r));
  });

  const env = () => ({
    GURUSUP_CONFIG_DIR: tempDir(),
    GURUSUP_API_KEY: KEY,
    GURUSUP_BASE_URL: 'http://127.0.0.1:9',
    HTTP_PROXY: proxyUrl,
  });

  describe('a proxy that never answers CONNECT', () => {
    it('--timeout: exit 5 with the timeout, and the process ends', async () => {
      const r = await cli(['threads', 'list', '--timeout', '1'], { env: env() });
      expect(r.signal).toBeNull();
      expect(r.code).toBe(5);
      expect(r.stderr).toContain('timed out after 1s');
    });

    it('Ctrl-C while connecting: exit 130, and the process ends', async () => {
      const n = connects.length;
      const child = startCli(['threads', 'list'], { env: env() });
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await waitUntil(() => connects.length > n, { what: () => `the CONNECT to reach the proxy: ${child.err()}` });
      child.kill('SIGINT');
      const r = await child.done;
      clearTimeout(killer);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(130);
      expect(r.stderr).toBe('error: interrupted\n');
    });
  });
});

describe('GURUSUP_MAX_RESPONSE through a proxy', () => {
  // A body over GURUSUP_MAX_RESPONSE through HTTP_PROXY: undici's body stream, destroyed when the
  // limit is passed, emitted an 'error' nobody listened to, and the CLI died with a stack trace.
  const KEY = 'gsk_test_review_http_0123456789';
  let api: TestServer;
  let proxy: ConnectProxy;
  let proxyUrl: string;

  beforeAll(async () => {
    const big = `[${'{"thread_fid":"aaaaaaaaaaaa"},'.repeat(1000)}{}]`;
    api = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(big);
    });
    proxy = await startConnectProxy();
    proxyUrl = proxy.url;
  });
  afterAll(async () => {
    await api.close();
    await proxy.close();
  });

  describe('a response over GURUSUP_MAX_RESPONSE, through a proxy', () => {
    for (const args of [
      ['threads', 'list', '--json'],
      ['threads', 'list'],
      ['api', '/threads'],
    ]) {
      for (const via of ['direct', 'proxy']) {
        it(`${args.join(' ')} (${via}): exit 1 naming the limit, no stack`, async () => {
          const r = await cli(args, {
            env: {
              GURUSUP_CONFIG_DIR: tempDir(),
              GURUSUP_API_KEY: KEY,
              GURUSUP_BASE_URL: api.url,
              GURUSUP_MAX_RESPONSE: '5000',
              HTTP_PROXY: via === 'proxy' ? proxyUrl : undefined,
            },
          });
          expect(r.stderr).toContain('is larger than the 5000 bytes limit');
          expect(r.stderr).not.toMatch(/\n\s+at |Unhandled|AbortError/);
          expect(r.code).toBe(1);
          expect(r.stdout).toBe('');
        });
      }
    }
  });
});

describe('a proxy URL with a password', () => {
  // A proxy variable written without its scheme (`user:pass@host:port`, as some tools accept) is
  // refused by undici, and the error named the proxy with its password in clear.
  const KEY = 'gsk_test_review_http_0123456789';
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer((_req, res) => sendJson(res, 200, []));
  });
  afterAll(() => api.close());

  describe('a proxy URL without a scheme that carries a password', () => {
    for (const json of [false, true]) {
      it(`never shows the password (--debug${json ? ' --json' : ''})`, async () => {
        const r = await run(['threads', 'list', '--debug', ...(json ? ['--json'] : [])], {
          env: {
            GURUSUP_CONFIG_DIR: tempDir(),
            GURUSUP_API_KEY: KEY,
            GURUSUP_BASE_URL: api.url,
            HTTP_PROXY: 'bob:hunter2@127.0.0.1:9',
          },
        });
        expect(r.code).toBe(5);
        expect(r.stderr).toContain('a proxy is set: [redacted]@127.0.0.1:9');
        expect(r.stdout + r.stderr).not.toContain('hunter2');
      });
    }
  });
});
