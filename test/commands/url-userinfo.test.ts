import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor, redactUserinfo } from '../../src/output/redact.js';
import { run, tempDir } from '../helpers/io.js';
import { startConnectProxy, type ConnectProxy } from '../helpers/proxy.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// A URL's userinfo (user:password@) is shown as [redacted] whole, whatever the password holds,
// and the base URL's credentials go out the same way with or without a proxy.
const KEY = 'gsk_test_userinfo_0123456789abcdef';
let api: TestServer;
let proxy: ConnectProxy;
beforeAll(async () => {
  api = await startServer((_req, res) => sendJson(res, 200, [{ thread_fid: 't-1' }]));
  proxy = await startConnectProxy();
});
afterAll(async () => {
  await api.close();
  await proxy.close();
});

const env = (extra: Record<string, string>) => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, ...extra });

describe('redactUserinfo and the Redactor', () => {
  it.each([
    ['http://bob:pa@ss@127.0.0.1:4399', 'http://[redacted]@127.0.0.1:4399'],
    ['http://bob:pa:ss@127.0.0.1:4399/x', 'http://[redacted]@127.0.0.1:4399/x'],
    ['http://bob:p%40ss@proxy:3128', 'http://[redacted]@proxy:3128'],
    ['http://bob@proxy:3128', 'http://[redacted]@proxy:3128'],
    ['bob:secret@proxy:3128', '[redacted]@proxy:3128'],
    ['https://api.gurusup.com/users/a@b.com', 'https://api.gurusup.com/users/a@b.com'],
    ['http://bob:pa@ss/w0rd@127.0.0.1:4399', 'http://[redacted]@127.0.0.1:4399'],
    ['bob:pa@ss/w0rd@127.0.0.1:4399', '[redacted]@127.0.0.1:4399'],
    ['http://proxy:3128', 'http://proxy:3128'],
  ])('%s → %s', (url, shown) => {
    expect(redactUserinfo(url)).toBe(shown);
  });

  it('a password with a slash (which the parser takes for the path) is hidden whole once the URL is known', () => {
    const r = new Redactor();
    r.addUrl('http://bob:pa@ss/w0rd@127.0.0.1:4399');
    const text = r.apply('connect ECONNREFUSED (a proxy is set: http://bob:pa@ss/w0rd@127.0.0.1:4399)');
    expect(text).toBe('connect ECONNREFUSED (a proxy is set: http://[redacted]@127.0.0.1:4399)');
  });

  it('text with several URLs: each userinfo hidden, the rest kept', () => {
    expect(new Redactor().apply('from http://a:b@h1/x to https://c:d@e@h2:8/y')).toBe(
      'from http://[redacted]@h1/x to https://[redacted]@h2:8/y',
    );
  });
});

describe('a proxy password holding @ or / is never shown', () => {
  for (const password of ['S3cr@Et', 'S3cr@Et/W0rdz', 'Qx7:S3cr@Et%2FW0rdz']) {
    it(`HTTP_PROXY with password ${password}, also under --debug`, async () => {
      for (const debug of [[], ['--debug']]) {
        const r = await run(['threads', 'list', ...debug], {
          env: env({ GURUSUP_BASE_URL: api.url, HTTP_PROXY: `http://bob:${password}@127.0.0.1:9` }),
        });
        // An unescaped / in the password: the parser would take it for the path (a usage error).
        expect(r.code, r.stderr).toBe(password.includes('/') ? 2 : 5);
        if (!password.includes('/')) expect(r.stderr).toContain('a proxy is set: http://[redacted]@127.0.0.1:9)');
        for (const part of ['S3cr', 'Et', 'W0rdz', 'Qx7']) expect(r.stderr).not.toContain(part);
      }
    });
  }
});

describe('base URL credentials', () => {
  it('are sent as Basic credentials directly and through HTTP_PROXY alike', async () => {
    const base = api.url.replace('http://', 'http://alice:s3cret@');
    const expected = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
    const direct = await run(['threads', 'list', '--json'], { env: env({ GURUSUP_BASE_URL: base }) });
    expect(direct.code).toBe(0);
    expect(api.requests.at(-1)!.headers.authorization).toBe(expected);
    proxy.tunnels.length = 0;
    const proxied = await run(['threads', 'list', '--json'], {
      env: env({ GURUSUP_BASE_URL: base, HTTP_PROXY: proxy.url }),
    });
    expect(proxied.code, proxied.stderr).toBe(0);
    expect(proxy.tunnels).toEqual([`127.0.0.1:${api.port}`]);
    expect(api.requests.at(-1)!.headers.authorization).toBe(expected);
  });

  it('an Authorization given with -H wins on the proxy path too', async () => {
    const base = api.url.replace('http://', 'http://alice:s3cret@');
    const r = await run(['api', '/threads', '-H', 'Authorization: Bearer mine'], {
      env: env({ GURUSUP_BASE_URL: base, HTTP_PROXY: proxy.url }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(api.requests.at(-1)!.headers.authorization).toBe('Bearer mine');
  });
});

describe('a malformed percent escape in a URL is a usage error naming where it came from', () => {
  it.each([
    [['--base-url', 'http://alice:s3cr%zz@127.0.0.1:9'], {}, 'base URL from --base-url'],
    [[], { GURUSUP_BASE_URL: 'http://alice:50%@127.0.0.1:9' }, 'base URL from GURUSUP_BASE_URL'],
    [[], { HTTP_PROXY: 'http://bob:pa%zzss@127.0.0.1:9' }, 'proxy URL in HTTP_PROXY'],
    [[], { https_proxy: 'bob:%E0%A4%A@127.0.0.1:9' }, 'proxy URL in https_proxy'],
  ])('%j %j', async (args, extra, what) => {
    const r = await run(['threads', 'list', ...args], {
      env: { GURUSUP_BASE_URL: api.url, ...env(extra as Record<string, string>) },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`error: invalid ${what}: its user:password has a malformed percent escape`);
    expect(r.stderr).not.toMatch(/s3cr|50%|pa%zz|%E0/);
    expect(r.stdout).toBe('');
  });
});

describe('what review found: passwords no parser splits cleanly', () => {
  it.each([
    ['http://bob:Q7pw#Z9pw@127.0.0.1:4392/', 'http://[redacted]@127.0.0.1:4392/'],
    ['http://bob:Q7pw?Z9pw@127.0.0.1:4392/', 'http://[redacted]@127.0.0.1:4392/'],
    ['http://bob:Q7pw\\Z9pw@127.0.0.1:4391', 'http://[redacted]@127.0.0.1:4391'],
    ['http://bob:Q7pw\tZ9pw@127.0.0.1:4391', 'http://[redacted]@127.0.0.1:4391'],
    ['http://bob:Q7pw@Z9pw/X3pw@127.0.0.1:4391', 'http://[redacted]@127.0.0.1:4391'],
  ])('redactUserinfo(%j)', (url, shown) => {
    expect(redactUserinfo(url)).toBe(shown);
  });

  it.each([
    [['webhook', 'verify', 'http://bob:Q7pw#Z9pw@127.0.0.1:9/']],
    [['webhook', 'verify', 'http://bob:Q7pw%zz@127.0.0.1:9/']],
    [['webhook', 'listen', '--port', '0', '--forward-to', 'http://bob:Q7pw?Z9pw@127.0.0.1:9/']],
    [['sandbox', '--port', '0', '--webhook-url', 'http://bob:Q7pw@Z9pw/X3pw@127.0.0.1:9/']],
    [['threads', 'list', '--base-url', 'http://bob:Q7pw@Z9pw/X3pw@127.0.0.1:9']],
    [['threads', 'list', '--json', '--base-url', 'http://bob:Q7pw\\Z9pw@127.0.0.1:9']],
  ])('%j: exit 2 before any request, no part of the password shown', async (args) => {
    const r = await run(args, { env: env({}) });
    expect(r.code, r.stderr).toBe(2);
    for (const part of ['Q7pw', 'Z9pw', 'X3pw', 'z9pw']) expect(r.stdout + r.stderr).not.toContain(part);
  });

  it('a tab in a proxy password is not shown', async () => {
    const r = await run(['threads', 'list'], {
      env: env({ GURUSUP_BASE_URL: 'http://127.0.0.1:9', HTTP_PROXY: 'http://bob:Q7pw\tZ9pw@127.0.0.1:9' }),
    });
    for (const part of ['Q7pw', 'Z9pw']) expect(r.stdout + r.stderr).not.toContain(part);
  });
});
