import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Review: `threads show ""` requested GET /threads/d41d8cd98f00b204e9800998ecf8427e (md5 of the
// empty string) and ended "thread not found" (exit 4); `messages get ""` is a usage error (exit 2).

let api: TestServer;
beforeAll(async () => {
  api = await startServer((_req, res) => sendJson(res, 404, { message: 'Not found' }));
});
afterAll(() => api.close());

describe('threads show with an empty argument', () => {
  it.each([[[]], [['--follow']], [['--hash']]])('threads show "" %j: exit 2 before any request', async (extra) => {
    const r = await run(['threads', 'show', '', ...extra], {
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: 'gsk_test_review_empty_0123', GURUSUP_BASE_URL: api.url },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: /);
    expect(api.requests).toHaveLength(0);
  });
});
