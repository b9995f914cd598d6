import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startInProcess, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Review: a password in a URL was shown by `auth status` (table, TSV and --json, and its spinner),
// by `webhook trigger`'s status line and by the listener's failed-forward lines.

const KEY = 'gsk_test_review_secrets_012345678';
const PW = 's3cretPW99';
let api: TestServer;
let env: Record<string, string>;
const withPw = (url: string) => url.replace('http://', `http://bob:${PW}@`);

beforeAll(async () => {
  api = await startServer((req, res) => {
    // Slow enough for a spinner to show on a terminal (it waits ~200 ms).
    if (req.path.endsWith('/threads')) return void setTimeout(() => sendJson(res, 200, []), 450);
    return sendJson(res, 500, { message: 'receiver down' });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, FORCE_COLOR: '0' };
});
afterAll(() => api.close());

describe('a password in a URL is never shown', () => {
  it.each([
    ['piped', {}],
    ['--json', { json: true }],
    ['on a terminal (with its spinner)', { tty: true }],
  ])('auth status, %s', async (_name, o: { json?: boolean; tty?: boolean }) => {
    const r = await run(['auth', 'status', '--base-url', withPw(api.url), ...(o.json ? ['--json'] : [])], {
      env,
      tty: o.tty,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('//[redacted]@127.0.0.1');
    expect(r.stdout + r.stderr).not.toContain(PW);
    if (o.tty) expect(r.stderr).toContain('Checking the key with http://[redacted]@127.0.0.1');
  });

  it('webhook trigger --to with a password', async () => {
    const r = await run(['webhook', 'trigger', '--to', withPw(`${api.url}/hook`)], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('500 Internal Server Error');
    expect(r.stdout + r.stderr).not.toContain(PW);
    // Sent as the credentials they are, as curl would, to the receiver only.
    const got = api.requests.at(-1)!;
    expect(got.path).toBe('/hook');
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from(`bob:${PW}`).toString('base64')}`);
  });

  it('webhook listen --forward-to with a password: failing and refused targets', async () => {
    for (const target of [`${api.url}/hook`, 'http://127.0.0.1:1/hook']) {
      const p = startInProcess(['webhook', 'listen', '--port', '0', '--forward-to', withPw(target)], { env });
      const url = await p.url();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: '{"event":"e"}',
      });
      expect(res.status).toBe(200);
      await p.waitFor(/✗ .*forward/);
      p.abort();
      expect(await p.done).toBe(0);
      expect(p.stderr()).toContain('//[redacted]@127.0.0.1');
      expect(p.stderr()).not.toContain(PW);
    }
  });
});
