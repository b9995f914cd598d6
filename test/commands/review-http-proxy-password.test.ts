import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

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
