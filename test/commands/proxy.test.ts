import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

const KEY = 'gsk_test_proxy_0123456789abcdef';
let api: TestServer;
let proxy: http.Server;
let proxyUrl: string;
const tunnels: string[] = [];

beforeAll(async () => {
  api = await startServer((_req, res) => sendJson(res, 200, [{ thread_fid: 'via-proxy' }]));
  // A CONNECT proxy on loopback that records where it tunnels to.
  proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: net.Socket, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await api.close();
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
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
