import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { cli } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { mountTmpfs } from '../helpers/tmpfs.js';

// Issue 11: the config and keystore layer at its edges.
const KEY = 'gsk_test_edges_config_0123456789';
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

function login(dir: string, args: string[] = [], stdin = KEY, env: Record<string, string> = {}) {
  return run(['auth', 'login', '--with-key', '--skip-check', ...args], {
    env: { GURUSUP_CONFIG_DIR: dir, ...env },
    stdin,
  });
}

describe('profile names are [A-Za-z0-9._-]{1,64} (item 5)', () => {
  for (const bad of ['x$(touch /tmp/p)', 'a b', '`id`', 'x'.repeat(65), 'é', 'a;b', '']) {
    it(`--profile ${JSON.stringify(bad.slice(0, 20))} is refused with exit 2 and nothing saved`, async () => {
      const dir = tempDir();
      const r = await login(dir, ['--profile', bad]);
      if (bad === '') {
        // an empty --profile falls back to the default profile, as before
        expect(r.code).toBe(0);
        return;
      }
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: invalid profile name/m);
      expect(fs.existsSync(path.join(dir, 'config.json'))).toBe(false);
    });
  }

  it('GURUSUP_PROFILE and auth switch are checked too; good names pass', async () => {
    const dir = tempDir();
    expect((await login(dir, [], KEY, { GURUSUP_PROFILE: 'a$(id)' })).code).toBe(2);
    expect((await login(dir, ['--profile', 'Prod.eu_1-b'])).code).toBe(0);
    const sw = await run(['auth', 'switch', 'x$(id)'], { env: { GURUSUP_CONFIG_DIR: dir } });
    expect(sw.code).toBe(2);
    const st = await run(['threads', 'list', '--profile', 'x y'], { env: { GURUSUP_CONFIG_DIR: dir } });
    expect(st.code).toBe(2);
  });

  it('completion never offers a stored name that is not a valid profile name', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ profiles: { good: { api_key: KEY }, 'x$(touch /tmp/p)': { api_key: KEY } } }),
      { mode: 0o600 },
    );
    const r = await run(['completion', '--profiles'], { env: { GURUSUP_CONFIG_DIR: dir } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('good\n');
  });
});

describe('the API key at auth login', () => {
  for (const [what, key] of [
    ['a control character', 'gsk_abc\x1b[2Jdef0123456'],
    ['an inner space', 'gsk_abc def0123456789'],
    ['a non-Latin-1 character', 'gsk_abc\u20acdef0123456'],
    ['DEL', 'gsk_abc\x7fdef0123456'],
  ] as const) {
    it(`a key with ${what} is refused (exit 2), nothing saved, the key not echoed`, async () => {
      const dir = tempDir();
      const r = await login(dir, [], key);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: the key contains/m);
      expect(r.stderr).not.toContain('def0123456');
      expect(fs.existsSync(path.join(dir, 'config.json'))).toBe(false);
    });
  }
});

describe('a stored setting that is invalid', () => {
  for (const bad of ['abc', -5, 0, 1e12, true]) {
    it(`timeout ${JSON.stringify(bad)} is a clear error naming the profile and the setting (exit 1)`, async () => {
      const dir = tempDir();
      fs.writeFileSync(
        path.join(dir, 'config.json'),
        JSON.stringify({
          active: 'work',
          profiles: { work: { api_key: KEY, base_url: 'http://127.0.0.1:9', timeout: bad } },
        }),
        { mode: 0o600 },
      );
      const r = await run(['threads', 'list'], { env: { GURUSUP_CONFIG_DIR: dir } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: invalid setting "timeout" in profile work/m);
      expect(r.stderr).not.toMatch(/NaN|-5s|TimeoutOverflow/);
      noStack(r.stderr);
    });
  }
});

describe('the config file itself', () => {
  it('a config file that is a symlink is not followed: error naming it, the target untouched', async () => {
    const dir = tempDir();
    const target = path.join(tempDir(), 'elsewhere.json');
    fs.writeFileSync(target, '{}', { mode: 0o644 });
    fs.symlinkSync(target, path.join(dir, 'config.json'));
    const r = await login(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the config file ${path.join(dir, 'config.json')} is a symbolic link`);
    expect(fs.readFileSync(target, 'utf8')).toBe('{}');
    expect(fs.statSync(target).mode & 0o777).toBe(0o644);
    noStack(r.stderr);
  });

  it('a read-only config directory is a clear error, not "internal error: EACCES"', async () => {
    let dir: string;
    let cleanup = () => {};
    if (process.getuid?.() === 0) {
      // root ignores modes: a read-only filesystem is the only way to refuse it a write
      const m = mountTmpfs('size=64k,ro');
      if (typeof m === 'string') return needs(m);
      dir = m.dir;
      cleanup = () => m.unmount();
    } else {
      dir = tempDir();
      fs.chmodSync(dir, 0o500);
      cleanup = () => fs.chmodSync(dir, 0o700);
    }
    try {
      const r = await login(dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^error: cannot write the config file .*config\.json: (permission denied|read-only file system)$/m,
      );
      expect(r.stderr).toMatch(/^hint: .*GURUSUP_CONFIG_DIR/m);
      expect(r.stderr).not.toContain('internal error');
    } finally {
      cleanup();
    }
  });

  it('stdin over 64 MiB is a clear error, not "internal error"', async () => {
    const r = await run(['messages', 'send', '--thread', 't', '--user', 'u', '--body-file', '-'], {
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: 'http://127.0.0.1:9' },
      stdin: 'x'.repeat(64 * 1024 * 1024 + 1),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the input on stdin is larger than 64 MiB/m);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('the config lock', () => {
  it('a stale lock and slow unlinks: eight concurrent logins keep all eight profiles', async () => {
    const dir = tempDir();
    const lock = path.join(dir, 'config.json.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    // Every unlink of a lock file takes 40 ms: the window in which a check-then-act recovery
    // lets two processes remove each other's locks.
    const slow = path.join(dir, '..', `slow-unlink-${process.pid}.cjs`);
    fs.writeFileSync(
      slow,
      `const fs = require('node:fs');
const nap = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40);
for (const name of ['rmSync', 'unlinkSync']) {
  const orig = fs[name];
  fs[name] = function (p, ...rest) { if (String(p).includes('.lock')) nap(); return orig.call(this, p, ...rest); };
}
`,
    );
    const key = (i: number) => `gsk_stale_${i}_0123456789abcdef`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        cli(['auth', 'login', '--with-key', '--skip-check', '--profile', `p${i}`], {
          env: { GURUSUP_CONFIG_DIR: dir, NODE_OPTIONS: `--require ${slow}` },
          input: key(i),
          timeoutMs: 30_000,
        }),
      ),
    );
    expect(results.map((r) => r.code)).toEqual(Array(8).fill(0));
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(Object.keys(stored.profiles).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `p${i}`));
    expect(fs.readdirSync(dir).sort()).toEqual(['config.json']);
  }, 40_000);
});
