import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { threadHash } from '../../src/api/hash.js';

// Issue 12, item 6 and 7: each message that was wrong or misleading, as the user reads it.
const KEY = 'gsk_test_wording_good_0123456789ab';
const OTHER = 'gsk_test_wording_other_9876543210';
let api: TestServer;

beforeAll(async () => {
  api = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY && req.headers['x-api-key'] !== OTHER)
      return sendJson(res, 401, { message: 'Unauthorized' });
    if (req.path === '/threads') return sendJson(res, 200, [{ thread_fid: 'a', message_count: 1 }]);
    return sendJson(res, 404, { message: 'not found' });
  });
});
afterAll(() => api.close());

function configWith(profiles: Record<string, { api_key?: string; base_url?: string }>, active?: string): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ active, profiles }), { mode: 0o600 });
  return dir;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('messages that said the wrong thing', () => {
  it('webhook trigger --to <down>: the hint names --to, not --base-url', async () => {
    const port = await closedPort();
    const r = await run(['webhook', 'trigger', '--to', `http://127.0.0.1:${port}/hook`], {
      env: { GURUSUP_API_KEY: KEY, GURUSUP_CONFIG_DIR: tempDir() },
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('connection refused');
    expect(r.stderr).toMatch(/^hint: check --to http:\/\/127\.0\.0\.1:\d+\/hook/m);
    expect(r.stderr).not.toContain('--base-url');
  });

  it('--profile ghost: no profile named "ghost", exit 3, the stored names in the hint', async () => {
    const dir = configWith({ acme: { api_key: KEY }, beta: { api_key: OTHER } }, 'acme');
    const r = await run(['--profile', 'ghost', 'threads', 'list'], {
      env: { GURUSUP_CONFIG_DIR: dir, GURUSUP_BASE_URL: api.url },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: no profile named "ghost"\nhint: stored profiles: acme, beta/);
    const env = await run(['threads', 'list'], {
      env: { GURUSUP_CONFIG_DIR: dir, GURUSUP_BASE_URL: api.url, GURUSUP_PROFILE: 'ghost' },
    });
    expect(env.code).toBe(3);
    expect(env.stderr).toContain('no profile named "ghost"');
    const status = await run(['auth', 'status', '--profile', 'ghost'], {
      env: { GURUSUP_CONFIG_DIR: dir, GURUSUP_BASE_URL: api.url },
    });
    expect(status.code).toBe(3);
    expect(status.stderr).toContain('no profile named "ghost"');
    expect(api.requests.filter((q) => q.headers['x-api-key'] === undefined)).toHaveLength(0);
  });

  it('GURUSUP_API_KEY set and rejected: the hint says the environment variable is the key in use', async () => {
    const r = await run(['threads', 'list'], {
      env: {
        GURUSUP_CONFIG_DIR: tempDir(),
        GURUSUP_BASE_URL: api.url,
        GURUSUP_API_KEY: 'gsk_rejected_0000000000000000',
      },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^hint: .*GURUSUP_API_KEY environment variable/m);
    expect(r.stderr).not.toContain('or set GURUSUP_API_KEY');
    const status = await run(['auth', 'status'], {
      env: {
        GURUSUP_CONFIG_DIR: tempDir(),
        GURUSUP_BASE_URL: api.url,
        GURUSUP_API_KEY: 'gsk_rejected_0000000000000000',
      },
    });
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(/^hint: .*GURUSUP_API_KEY environment variable/m);
    // A stored key that is rejected still points at auth login.
    const dir = configWith({ default: { api_key: 'gsk_rejected_stored_00000000000' } }, 'default');
    const s = await run(['threads', 'list'], { env: { GURUSUP_CONFIG_DIR: dir, GURUSUP_BASE_URL: api.url } });
    expect(s.code).toBe(3);
    expect(s.stderr).toContain("run 'gurusup auth login'");
  });

  it('threads show <32 hex> without --hash: the hint says to add --hash', async () => {
    const hash = threadHash('order-1');
    const r = await run(['threads', 'show', hash], {
      env: { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, GURUSUP_CONFIG_DIR: tempDir() },
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`error: thread not found: ${hash} (hash ${threadHash(hash)})`);
    expect(r.stderr).toMatch(/^hint: .*add --hash/m);
    const fid = await run(['threads', 'show', 'order-1'], {
      env: { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, GURUSUP_CONFIG_DIR: tempDir() },
    });
    expect(fid.stderr).not.toContain('--hash');
  });

  it('gurusup help <typo> is a usage error with a suggestion', async () => {
    const r = await run(['help', 'threds']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("error: unknown command 'threds'\nhint: did you mean threads?\n");
    const nested = await run(['help', 'threads', 'lsit']);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain('did you mean list?');
    const ok = await run(['help', 'threads', 'list']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Usage: gurusup threads list');
  });

  it('a usage error stays one line however long, even where help is wrapped', async () => {
    const shell = 'tcsh-or-some-other-shell-nobody-has-heard-of';
    const r = await run(['completion', shell]);
    expect(r.code).toBe(2);
    const [first, second, third] = r.stderr.split('\n');
    expect(first).toBe(`error: <shell> must be one of bash, zsh, fish, not '${shell}'`);
    expect(first!.length).toBeGreaterThan(80);
    expect(second).toMatch(/^hint: /);
    expect(third).toBe('');
  });

  it('threads list --help names the fields list objects carry', async () => {
    const r = await run(['threads', 'list', '--help']);
    expect(r.stdout).toContain('message_count');
    expect(r.stdout).not.toMatch(/fields commonly present:[^\n]*\bmessages\b/);
  });

  it('a file that is not there: "no such file", exit 2, whichever flag or argument named it', async () => {
    const env = { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, GURUSUP_CONFIG_DIR: tempDir() };
    const missing = path.join(tempDir(), 'nope', 'file.txt');
    const cases: Array<[string[], string]> = [
      [
        ['messages', 'send', '--thread', 't', '--user', 'u', '--body-file', missing],
        `error: cannot read --body-file ${missing}: no such file`,
      ],
      [['webhook', 'replay', missing, '--to', 'http://127.0.0.1:9/'], `error: cannot read ${missing}: no such file`],
      [['threads', 'export', '--out', missing], `error: cannot write --out ${missing}: no such file`],
      [
        ['webhook', 'listen', '--port', '0', '--record', missing],
        `error: cannot write --record ${missing}: no such file`,
      ],
      [['api', '/threads', '--input', missing], `error: cannot read --input ${missing}: no such file`],
      [['sandbox', '--port', '0', '--data', missing], `error: cannot write --data ${missing}: no such file`],
    ];
    for (const [args, message] of cases) {
      const r = await run(args, { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0], args.join(' ')).toBe(message);
      expect(r.stderr).not.toContain('ENOENT');
    }
  });

  it('--timeout 0 says it must be more than 0, not "at most 2147483"', async () => {
    const r = await run(['threads', 'list', '--timeout', '0'], {
      env: { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, GURUSUP_CONFIG_DIR: tempDir() },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: invalid timeout "0" from --timeout: it must be more than 0 seconds');
    expect(r.stderr).not.toContain('2147483');
    const big = await run(['threads', 'list', '--timeout', '3000000'], {
      env: { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, GURUSUP_CONFIG_DIR: tempDir() },
    });
    expect(big.stderr).toContain('at most 2147483 seconds');
  });
});

describe('one profile choice for every auth command', () => {
  it('auth login with another profile active saves under that profile; logout and status act on it too', async () => {
    const dir = configWith({ default: { api_key: OTHER }, acme: {} }, 'acme');
    const env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_BASE_URL: api.url };
    const login = await run(['auth', 'login', '--with-key'], { env, stdin: `${KEY}\n` });
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('profile acme');
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(saved.profiles.acme.api_key).toBe(KEY);
    expect(saved.profiles.default.api_key).toBe(OTHER);
    expect(saved.active).toBe('acme');
    const status = await run(['auth', 'status', '--json'], { env });
    expect(JSON.parse(status.stdout).selected).toBe('acme');
    const logout = await run(['auth', 'logout'], { env });
    expect(logout.stderr).toContain('profile acme');
    const after = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(after.profiles.acme?.api_key).toBeUndefined();
    expect(after.profiles.default.api_key).toBe(OTHER);
    // --profile names a new profile: login creates it.
    const named = await run(['auth', 'login', '--with-key', '--profile', 'fresh'], { env, stdin: KEY });
    expect(named.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).profiles.fresh.api_key).toBe(KEY);
  });
});
