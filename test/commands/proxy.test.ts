import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { startConnectProxy, type ConnectProxy } from '../helpers/proxy.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

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
