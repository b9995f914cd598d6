import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import pkg from '../../package.json' with { type: 'json' };

const KEY = 'gsk_test_e2e_0123456789abcdef';
let server: TestServer;
let env: Record<string, string>;
const many = Array.from({ length: 2000 }, (_, i) => ({ thread_fid: `t-${i}`, subject: `subject ${i}` }));

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    return sendJson(res, 200, many);
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_BASE_URL: server.url };
});
afterAll(() => server.close());

describe('the built CLI', () => {
  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('--help lists every command with a description and examples', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['auth', 'threads', 'messages']) expect(r.stdout).toMatch(new RegExp(`\\n  ${c}\\s+\\S`));
    expect(r.stdout).toContain('Examples:');
    const sub = await cli(['threads', 'list', '--help']);
    expect(sub.stdout).toContain('--limit <n>');
    expect(sub.stdout).toContain('$ gurusup threads list');
  });

  it('pre-rendered --help and --version match what the program prints, for every command', async () => {
    const { run } = await import('../helpers/io.js');
    // Every text the build pre-rendered, as a pipe gets it (dist/help-80.json).
    const keys = Object.keys(
      JSON.parse(fs.readFileSync(path.join(path.dirname(BIN), '../dist/help-80.json'), 'utf8')) as object,
    );
    expect(keys.length).toBeGreaterThan(20);
    const cases = keys.map((k) => (k === 'version' ? ['--version'] : [...k.split(' ').filter(Boolean), '--help']));
    // Not a pre-rendered text: `version` names no command (it printed the version; found in review).
    cases.push(['version', '--help'], ['version', '-h']);
    for (const args of cases) {
      const fast = await cli(args);
      const slow = await run(args);
      expect(fast.stdout, args.join(' ')).toBe(slow.stdout);
      expect(fast.code).toBe(0);
    }
    // ~45 processes: a guard against a hang, not a speed bound.
  }, 120_000);

  it('an unknown option exits 2 with a pointer to --help', async () => {
    const r = await cli(['threads', 'list', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown option '--bogus'");
    expect(r.stderr).toContain('--help');
    const u = await cli(['nosuch']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain("error: unknown command 'nosuch'");
    const j = await cli(['threads', 'list', '--bogus', '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stderr.trim().split('\n').pop()!)).toEqual({
      error: { message: "unknown option '--bogus'", status: null, exit_code: 2 },
    });
    for (const group of ['auth', 'threads', 'messages', 'webhook']) {
      expect((await cli([group, '--help'])).stdout, group).toContain(`Examples:\n  $ gurusup ${group} `);
    }
  });

  it('login from stdin, then list threads as a user would; the key never printed', async () => {
    const login = await cli(['auth', 'login', '--with-key', '--debug'], { env, input: `${KEY}\n` });
    expect(login.code).toBe(0);
    const r = await cli(['threads', 'list', '--debug'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^t-0\t[0-9a-f]{32}\tsubject 0$/);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2000);
    for (const out of [login.stdout, login.stderr, r.stdout, r.stderr]) expect(out).not.toContain(KEY);
    expect(r.stderr).toContain('x-api-key: [redacted]');
  });

  it('a reader that closes early ends quietly with exit 0', async () => {
    // --norc: with a socket for stdin (as Node gives a child), bash reads ~/.bashrc as if run by sshd.
    const r = await promisify(execFile)(
      'bash',
      ['--norc', '-c', `set -o pipefail; node ${BIN} threads list | head -1; echo "rc=$?"`],
      {
        env: { ...process.env, ...env, GURUSUP_API_KEY: KEY },
        encoding: 'utf8',
      },
    );
    expect(r.stdout).toMatch(/^t-0\t/);
    expect(r.stdout).toContain('rc=0');
    expect(r.stderr).not.toContain('EPIPE');
  });

  it('a wrong key exits 3', async () => {
    const r = await cli(['threads', 'list'], { env: { ...env, GURUSUP_API_KEY: 'gsk_wrong_000000000000' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: the API rejected the key/);
  });
});
