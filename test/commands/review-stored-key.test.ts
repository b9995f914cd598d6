import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Review: a hand-edited api_key that is not a usable string made `auth status` crash with
// "internal error: t.slice is not a function" (a number or object, in the selected profile or any
// other), and a key with a control character was sent and failed as a "network error … check
// --base-url" (exit 5). The contract: an invalid stored setting is exit 1 naming profile and setting.

const GOOD = 'gsk_test_review_storedkey_0123456';
let api: TestServer;

beforeAll(async () => {
  api = await startServer((req, res) =>
    req.headers['x-api-key'] === GOOD ? sendJson(res, 200, []) : sendJson(res, 401, { message: 'no' }),
  );
});
afterAll(() => api.close());

function configWith(profiles: Record<string, Record<string, unknown>>, active = 'work'): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ active, profiles }), { mode: 0o600 });
  return dir;
}

describe('an api_key stored by hand that cannot be a key', () => {
  it.each([[12345678901234], [{ a: 1 }], ['gsk_bad\u001b]0;x\u0007key1234'], ['gsk with space 1234']])(
    '%j in the selected profile: exit 1 naming it, nothing sent',
    async (bad) => {
      const before = api.requests.length;
      for (const args of [
        ['threads', 'list'],
        ['auth', 'status'],
      ]) {
        const r = await run(args, {
          env: { GURUSUP_CONFIG_DIR: configWith({ work: { api_key: bad, base_url: api.url } }) },
        });
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^error: invalid setting "api_key" in profile work/);
        expect(r.stderr).not.toMatch(/internal error|network/);
      }
      expect(api.requests.length).toBe(before);
    },
  );

  it('in another profile: auth status still reports the selected one', async () => {
    const dir = configWith({ work: { api_key: GOOD, base_url: api.url }, old: { api_key: 42 } });
    const r = await run(['auth', 'status'], { env: { GURUSUP_CONFIG_DIR: dir } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^work\tactive\tgsk_…3456\t.*\tvalid$/m);
    expect(r.stderr).toBe('');
  });

  it('auth login replaces it', async () => {
    const dir = configWith({ work: { api_key: 42, base_url: api.url } });
    const r = await run(['auth', 'login', '--with-key'], { env: { GURUSUP_CONFIG_DIR: dir }, stdin: `${GOOD}\n` });
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).profiles.work.api_key).toBe(GOOD);
  });
});
