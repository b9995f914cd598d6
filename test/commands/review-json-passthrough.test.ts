import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { run, tempDir } from '../helpers/io.js';

// Review: piped `threads list --json` passed the body through when its first and last non-blank
// bytes were [ and ], so a body that is not JSON in between was printed with exit 0. The
// pass-through now checks the bytes as JSON on the way (a scanner, no values built).

let api: http.Server;
let url: string;

beforeAll(async () => {
  api = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('[{"thread_fid":"a"}, <html>proxy error</html> ]');
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
});
afterAll(() => api.close());

describe('threads list --json, piped, with a body that is not JSON between [ and ]', () => {
  it('without --json: exit 1, not JSON', async () => {
    const r = await run(['threads', 'list'], {
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: 'gsk_test_review_pass_0123456', GURUSUP_BASE_URL: url },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not JSON/);
  });

  it('with --json: exit 1 as well, the same error line, nothing on stdout', async () => {
    const r = await run(['threads', 'list', '--json'], {
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: 'gsk_test_review_pass_0123456', GURUSUP_BASE_URL: url },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const message =
      'unexpected response from the API (200 OK, application/json), not JSON: [{"thread_fid":"a"}, <html>proxy error</html> ]';
    expect(r.stderr).toBe(
      `error: ${message}\n` +
        'hint: is --base-url pointing at the Gurusup API? A proxy or captive portal may be answering instead\n' +
        `${JSON.stringify({ error: { message, status: 200, exit_code: 1 } })}\n`,
    );
  });

  it('with --json, the bad bytes arriving after some were printed: what is printed never reads as a whole array', async () => {
    const chunks = ['[{"thread_fid":"a"}', ',{"thread_fid":"b"}', ',{"thread_fid":"c" <html>}', ']'];
    const server = http.createServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (const c of chunks) {
        res.write(c);
        await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await run(['threads', 'list', '--json'], {
        env: {
          GURUSUP_CONFIG_DIR: tempDir(),
          GURUSUP_API_KEY: 'gsk_test_review_pass_0123456',
          GURUSUP_BASE_URL: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        },
      });
      expect(r.code).toBe(1);
      // Written: only chunks known to be JSON, and never the bad one or the ] after it.
      expect(chunks.join('').startsWith(r.stdout)).toBe(true);
      expect(r.stdout).not.toContain('html');
      expect(r.stdout).not.toMatch(/\]\s*$/);
      expect(r.stderr).toMatch(/^error: unexpected response from the API \(200 OK, application\/json\), not JSON: /);
    } finally {
      server.close();
    }
  });
});
