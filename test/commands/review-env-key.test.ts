import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Review: auth login refuses a key with control, space or non-ASCII characters, but the same key in
// GURUSUP_API_KEY made every command fail with "network error … Invalid character in header
// content", exit 5, and a hint to check --base-url.

let api: TestServer;
let dir: string;

beforeAll(async () => {
  api = await startServer((_req, res) => sendJson(res, 200, []));
  dir = tempDir();
});
afterAll(() => api.close());

describe('GURUSUP_API_KEY that cannot be a key', () => {
  it.each([
    ['a control character', 'gsk_abc\u001b]0;x\u0007defghij'],
    ['a non-Latin-1 character', 'gsk_ключ_0123456789'],
    ['a space inside', 'gsk_abc defghijklmn'],
  ])('with %s: exit 2 naming GURUSUP_API_KEY, nothing sent, the key not shown', async (_what, key) => {
    const r = await run(['threads', 'list'], {
      env: { GURUSUP_CONFIG_DIR: dir, GURUSUP_BASE_URL: api.url, GURUSUP_API_KEY: key },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: GURUSUP_API_KEY contains/);
    expect(r.stderr).not.toMatch(/network|base-url/);
    expect(r.stderr).not.toContain(key);
    expect(api.requests).toHaveLength(0);
  });

  it('surrounding whitespace is still trimmed and the key used', async () => {
    const r = await run(['threads', 'list'], {
      env: { GURUSUP_CONFIG_DIR: dir, GURUSUP_BASE_URL: api.url, GURUSUP_API_KEY: '  gsk_fine_0123456789\n' },
    });
    expect(r.code).toBe(0);
    expect(api.requests.at(-1)!.headers['x-api-key']).toBe('gsk_fine_0123456789');
  });
});
