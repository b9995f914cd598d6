import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { waitUntil } from '../helpers/wait.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

const KEY = 'gsk_test_signals_0123456789abcdef';
let hang: TestServer;
let big: TestServer;
const many = Array.from({ length: 5000 }, (_, i) => ({ thread_fid: `t-${i}`, subject: `s ${i}` }));

beforeAll(async () => {
  hang = await startServer(() => {});
  big = await startServer((_req, res) => sendJson(res, 200, many));
});
afterAll(async () => {
  await hang.close();
  await big.close();
});

/** The server never answers and --timeout is 10 minutes: only the interrupt can end the command. */
async function interruptAfterRequest(args: string[]) {
  const before = hang.requests.length;
  const child = startCli([...args, '--timeout', '600'], {
    env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: hang.url },
  });
  await waitUntil(() => hang.requests.length > before, {
    what: () => `the request to reach the server: ${child.err()}`,
  });
  child.kill('SIGINT');
  return child.done;
}

describe('Ctrl-C', () => {
  it('during threads list: exit 130 at once (not at --timeout), nothing on stdout', async () => {
    const r = await interruptAfterRequest(['threads', 'list']);
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('error: interrupted\n');
    expect(r.stdout).toBe('');
  });

  it('during messages send: exit 130 at once (not at --timeout), nothing on stdout', async () => {
    const r = await interruptAfterRequest(['messages', 'send', '--thread', 't', '--user', 'u', '--body', 'hello']);
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: interrupted\nhint: the message may have been created; check with: gurusup threads show t\n',
    );
  });
});

describe('a reader that closes early', () => {
  const sh = (cmd: string) =>
    // --norc: with a socket for stdin (as Node gives a child), bash reads ~/.bashrc as if run by sshd.
    promisify(execFile)('bash', ['--norc', '-c', `set -o pipefail; ${cmd}; echo "rc=$?"`], {
      env: { ...process.env, GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: big.url },
    });

  it('threads list | head -1 and --json | head -c 10 end quietly with exit 0', async () => {
    const a = await sh(`node ${BIN} threads list | head -1`);
    expect(a.stdout).toMatch(/^t-0\t[0-9a-f]{32}\ts 0\nrc=0\n$/);
    expect(a.stderr).toBe('');
    const b = await sh(`node ${BIN} threads list --json | head -c 10`);
    expect(b.stdout).toBe('[{"thread_rc=0\n');
    expect(b.stderr).toBe('');
    // Pre-rendered help and version write without process.stdout: a reader already gone is quiet too.
    for (const args of ['--help', '--version', 'threads list --help']) {
      const c = await sh(`(sleep 0.3; node ${BIN} ${args}) | true`);
      expect(c.stdout, args).toBe('rc=0\n');
      expect(c.stderr, args).toBe('');
    }
  });
});
