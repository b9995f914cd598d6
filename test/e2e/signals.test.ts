import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
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

async function interruptAfterRequest(args: string[]) {
  const before = hang.requests.length;
  const child = startCli(args, {
    env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: hang.url },
  });
  for (let i = 0; i < 1000 && hang.requests.length === before; i++) await new Promise((r) => setTimeout(r, 5));
  const sent = performance.now();
  child.kill('SIGINT');
  const r = await child.done;
  return { ...r, ms: performance.now() - sent };
}

describe('Ctrl-C', () => {
  it('during threads list: exit 130 within 500 ms, nothing on stdout', async () => {
    const r = await interruptAfterRequest(['threads', 'list']);
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(500);
    expect(r.stdout).toBe('');
  });

  it('during messages send: exit 130 within 500 ms, nothing on stdout', async () => {
    const r = await interruptAfterRequest(['messages', 'send', '--thread', 't', '--user', 'u', '--body', 'hello']);
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(500);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: interrupted\nhint: the message may have been created; check with: gurusup threads show t\n',
    );
  });
});

describe('a reader that closes early', () => {
  const sh = (cmd: string) =>
    promisify(execFile)('bash', ['-c', `set -o pipefail; ${cmd}; echo "rc=$?"`], {
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
