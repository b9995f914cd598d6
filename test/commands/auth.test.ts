import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

const KEY = 'gsk_test_auth_good_0123456789abcdef';
const OTHER = 'gsk_test_auth_other_9876543210fedcba';
let server: TestServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY && req.headers['x-api-key'] !== OTHER)
      return sendJson(res, 401, { message: 'Unauthorized' });
    return sendJson(res, 200, []);
  });
});
afterAll(() => server.close());
beforeEach(() => {
  dir = tempDir();
  env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_BASE_URL: server.url };
  server.requests.length = 0;
});

const configFile = () => path.join(dir, 'config.json');
const stored = () => JSON.parse(fs.readFileSync(configFile(), 'utf8'));

describe('auth login', () => {
  it('--with-key checks the key with GET /threads, saves it 0600 in a 0700 dir, and makes the profile active', async () => {
    const r = await run(['auth', 'login', '--with-key'], { env, stdin: `${KEY}\n` });
    expect(r.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.path).toBe('/threads');
    expect(server.requests[0]!.headers['x-api-key']).toBe(KEY);
    expect(stored()).toEqual({ active: 'default', profiles: { default: { api_key: KEY } } });
    expect(fs.statSync(configFile()).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(r.stderr).toContain('gsk_…cdef');
    expect(r.stderr + r.stdout).not.toContain(KEY);
  });

  it('saves --base-url with the profile named by --profile', async () => {
    const r = await run(['auth', 'login', '--with-key', '--profile', 'acme', '--base-url', `${server.url}/`], {
      env: { GURUSUP_CONFIG_DIR: dir },
      stdin: OTHER,
    });
    expect(r.code).toBe(0);
    expect(stored()).toEqual({ active: 'acme', profiles: { acme: { api_key: OTHER, base_url: server.url } } });
  });

  it('a rejected key exits 3 and saves nothing', async () => {
    const r = await run(['auth', 'login', '--with-key'], { env, stdin: 'gsk_rejected_key_000000000' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('nothing was saved');
    expect(fs.existsSync(configFile())).toBe(false);
  });

  it('an unreachable API exits 5 and saves nothing; --skip-check saves without a request', async () => {
    const r = await run(['auth', 'login', '--with-key', '--base-url', 'http://127.0.0.1:9'], {
      env: { GURUSUP_CONFIG_DIR: dir },
      stdin: KEY,
    });
    expect(r.code).toBe(5);
    expect(fs.existsSync(configFile())).toBe(false);
    const s = await run(['auth', 'login', '--with-key', '--skip-check', '--base-url', 'http://127.0.0.1:9'], {
      env: { GURUSUP_CONFIG_DIR: dir },
      stdin: KEY,
    });
    expect(s.code).toBe(0);
    expect(stored().profiles.default.api_key).toBe(KEY);
  });

  it('no TTY and no --with-key exits 2 naming the flag', async () => {
    const r = await run(['auth', 'login'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--with-key');
  });

  it('--no-input on a TTY refuses to prompt (exit 2)', async () => {
    const r = await run(['auth', 'login', '--no-input'], { env, stdinTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--with-key');
  });

  it('tightens an existing 0644 config file on the next save', async () => {
    fs.writeFileSync(configFile(), JSON.stringify({ profiles: {} }), { mode: 0o644 });
    fs.chmodSync(configFile(), 0o644);
    await run(['auth', 'login', '--with-key'], { env, stdin: KEY });
    expect(fs.statSync(configFile()).mode & 0o777).toBe(0o600);
  });
});

describe('key resolution', () => {
  it('GURUSUP_API_KEY beats the stored key', async () => {
    await run(['auth', 'login', '--with-key'], { env, stdin: KEY });
    server.requests.length = 0;
    await run(['threads', 'list'], { env: { ...env, GURUSUP_API_KEY: OTHER } });
    expect(server.requests[0]!.headers['x-api-key']).toBe(OTHER);
    const k = await run(['auth', 'key'], { env: { ...env, GURUSUP_API_KEY: OTHER } });
    expect(k.stdout).toBe(`${OTHER}\n`);
  });

  it('--profile and GURUSUP_PROFILE select a stored profile', async () => {
    await run(['auth', 'login', '--with-key', '--profile', 'one'], { env, stdin: KEY });
    await run(['auth', 'login', '--with-key', '--profile', 'two'], { env, stdin: OTHER });
    expect((await run(['auth', 'key'], { env })).stdout).toBe(`${OTHER}\n`);
    expect((await run(['auth', 'key', '--profile', 'one'], { env })).stdout).toBe(`${KEY}\n`);
    expect((await run(['auth', 'key'], { env: { ...env, GURUSUP_PROFILE: 'one' } })).stdout).toBe(`${KEY}\n`);
  });

  it('auth key with no key exits 3', async () => {
    const r = await run(['auth', 'key'], { env });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('gurusup auth login');
  });
});

describe('auth status, switch, logout', () => {
  it('status --json lists profiles masked, checks the selected key, exit 0 when valid', async () => {
    await run(['auth', 'login', '--with-key', '--profile', 'one'], { env, stdin: KEY });
    await run(['auth', 'login', '--with-key', '--profile', 'two', '--skip-check'], { env, stdin: OTHER });
    const r = await run(['auth', 'status', '--json'], { env });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.config_file).toBe(configFile());
    expect(s.selected).toBe('two');
    expect(s.check).toBe('valid');
    expect(s.profiles).toEqual([
      { name: 'one', active: false, selected: false, key: 'gsk_…cdef', source: 'config', base_url: server.url },
      { name: 'two', active: true, selected: true, key: 'gsk_…dcba', source: 'config', base_url: server.url },
    ]);
    expect(r.stdout).not.toContain(KEY);
    expect(r.stdout).not.toContain(OTHER);
  });

  it('status: invalid key exits 3, unreachable exits 5, missing exits 3; the TTY view shows the source', async () => {
    const bad = await run(['auth', 'status'], { env: { ...env, GURUSUP_API_KEY: 'gsk_bad_key_0000000000000' } });
    expect(bad.code).toBe(3);
    const down = await run(['auth', 'status'], {
      env: { ...env, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: 'http://127.0.0.1:9' },
    });
    expect(down.code).toBe(5);
    const none = await run(['auth', 'status'], { env });
    expect(none.code).toBe(3);
    const tty = await run(['auth', 'status'], { env: { ...env, GURUSUP_API_KEY: KEY }, tty: true });
    expect(tty.stdout).toContain('(from env)');
    expect(tty.stdout).toContain('valid');
    expect(tty.stdout).not.toContain(KEY);
  });

  it('switch changes the active profile; an unknown one exits 2', async () => {
    await run(['auth', 'login', '--with-key', '--profile', 'one'], { env, stdin: KEY });
    await run(['auth', 'login', '--with-key', '--profile', 'two'], { env, stdin: OTHER });
    expect((await run(['auth', 'switch', 'one'], { env })).code).toBe(0);
    expect(stored().active).toBe('one');
    const r = await run(['auth', 'switch', 'three'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stored profiles: one, two');
  });

  it('logout removes the selected key', async () => {
    await run(['auth', 'login', '--with-key'], { env, stdin: KEY });
    expect((await run(['auth', 'logout'], { env })).code).toBe(0);
    expect(JSON.stringify(stored())).not.toContain(KEY);
    expect((await run(['threads', 'list'], { env })).code).toBe(3);
  });

  it('a corrupt config file is a clear error naming the file (exit 1)', async () => {
    fs.writeFileSync(configFile(), '{"profiles": {', { mode: 0o600 });
    const r = await run(['threads', 'list'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: cannot read the config file ${configFile()}`);
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
