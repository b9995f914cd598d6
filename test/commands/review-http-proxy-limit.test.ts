import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startConnectProxy, type ConnectProxy } from '../helpers/proxy.js';

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
