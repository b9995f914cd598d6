import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { startServer, type TestServer } from '../helpers/server.js';

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
