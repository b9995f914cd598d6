import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { HAS_SCRIPT, NO_SCRIPT, startPty } from '../helpers/pty.js';
import { tempDir } from '../helpers/io.js';
import { needs } from '../helpers/needs.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { INIT, INITIALIZED, KEY, baseEnv, connect, exited, rawSession, waitFor } from './helpers.js';

// The process edge: stdout carries JSON-RPC only, and the server ends cleanly however it is asked.
let api: TestServer;
beforeAll(async () => {
  api = await startServer((req, res) => {
    if (req.path.startsWith('/hang/')) return; // never answers
    sendJson(res, 200, [{ thread_fid: 'one', subject: 'One' }]);
  });
});
afterAll(() => api.close());

const env = (extra: Record<string, string | undefined> = {}) =>
  baseEnv({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, ...extra });
const LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
const CALL = (id: number, name = 'gurusup_threads_list', args = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

function jsonRpcLines(lines: string[]): unknown[] {
  return lines.map((l) => {
    const m = JSON.parse(l) as { jsonrpc?: string };
    expect(m.jsonrpc, l).toBe('2.0');
    return m;
  });
}

describe('gurusup mcp on stdio', () => {
  it('writes only JSON-RPC lines on stdout, and stdin closing ends it with exit 0', async () => {
    const s = await rawSession(['mcp'], env(), [INIT, INITIALIZED, LIST, CALL(3), CALL(4, 'nope')], 4);
    const { code, signal } = await exited(s.exit, 5000, 'after stdin closed');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(jsonRpcLines(s.lines())).toHaveLength(4);
    expect(s.lines().find((l) => l.includes('"id":4'))).toContain('error: no tool named nope');
    expect(s.stderr()).toBe('');
  });

  it('a line that is not JSON-RPC is ignored with a warning on stderr; the session goes on', async () => {
    const s = await rawSession(['mcp'], env(), ['not json', INIT, { hello: 'world' }, INITIALIZED, LIST], 2);
    expect((await exited(s.exit, 5000, 'after stdin closed')).code).toBe(0);
    expect(jsonRpcLines(s.lines())).toHaveLength(2);
    expect(s.stderr()).toMatch(/^warning: ignored input that is not an MCP message: /m);
  });

  it('a piped session (stdin ends right after the requests) still gets its answers, then exit 0', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp'], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stdin.end([INIT, INITIALIZED, CALL(2)].map((m) => `${JSON.stringify(m)}\n`).join(''));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(await exited(exit, 5000, 'after the piped input ended')).toBe(0);
    const answer = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id?: number; result?: { structuredContent?: unknown } })
      .find((m) => m.id === 2);
    expect(answer?.result?.structuredContent).toEqual({
      threads: [{ thread_fid: 'one', subject: 'One' }],
      total: 1,
      shown: 1,
    });
  });

  it('console.log, a raw stdout write and a warning while serving all go to stderr', async () => {
    // A library misbehaving once the server runs: it writes to stdout every few milliseconds.
    const dir = tempDir();
    const noisy = path.join(dir, 'noisy.cjs');
    fs.writeFileSync(
      noisy,
      `const write = process.stdout.write;
const t = setInterval(() => {
  if (process.stdout.write === write) return;
  clearInterval(t);
  console.log('noise from console.log');
  console.info('noise from console.info');
  process.stdout.write('noise from stdout.write\\n');
  process.emitWarning('noise from a warning');
}, 5);
t.unref();`,
    );
    const s = await rawSession(['mcp'], env({ NODE_OPTIONS: `--require ${noisy}` }), [INIT, INITIALIZED], 1, {
      keepOpen: true,
    });
    // Once the noise is on stderr, one more exchange proves stdout is still clean after it.
    await waitFor(
      () => s.stderr().includes('noise from a warning'),
      () => `the noise on stderr: ${s.stderr()}`,
    );
    s.child.stdin!.write(`${JSON.stringify(LIST)}\n`);
    await waitFor(
      () => s.stdout().includes('"id":2'),
      () => `the tools/list answer: ${s.stdout()}`,
    );
    s.child.stdin!.end();
    const { code } = await exited(s.exit, 5000, 'after stdin closed');
    expect(code).toBe(0);
    for (const noise of ['console.log', 'console.info', 'stdout.write', 'a warning'])
      expect(s.stderr()).toContain(`noise from ${noise}`);
    expect(jsonRpcLines(s.lines())).toHaveLength(2);
    expect(s.stdout()).not.toContain('noise');
  });

  it('--debug traces each request on stderr, the key redacted, and nothing on stdout but JSON-RPC', async () => {
    const s = await rawSession(['--debug', 'mcp'], env(), [INIT, INITIALIZED, CALL(2)], 2);
    expect((await exited(s.exit, 5000, 'after stdin closed')).code).toBe(0);
    jsonRpcLines(s.lines());
    expect(s.stderr()).toContain('> GET http://127.0.0.1');
    expect(s.stderr()).toContain('x-api-key: [redacted]');
    expect(s.stderr()).not.toContain(KEY);
  });

  it('stdin closing while a request waits on a silent API still ends it at once with exit 0', async () => {
    const s = await rawSession(['mcp'], env({ GURUSUP_BASE_URL: `${api.url}/hang` }), [INIT, INITIALIZED, CALL(2)], 1);
    await new Promise((r) => setTimeout(r, 300));
    // The request has a 30 s timeout: the exit waits at most the half second calls get to answer.
    const { code } = await exited(s.exit, 5000, 'with a request pending');
    expect(code).toBe(0);
  });

  for (const sig of ['SIGTERM', 'SIGINT'] as const)
    it(`${sig} ends it with exit 0`, async () => {
      const s = await rawSession(['mcp'], env(), [INIT], 1, { keepOpen: true });
      s.child.kill(sig);
      expect(await exited(s.exit, 5000, `after ${sig}`)).toEqual({ code: 0, signal: null });
    });

  it("the SDK client's close (stdin closed) ends the server without a signal", async () => {
    const s = await connect(['mcp'], env());
    const exit = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
    await s.close();
    expect(await exited(exit, 5000, 'after client.close()')).toBe(0);
    expect(s.signalled()).toBe(false);
  });
});

describe('gurusup mcp typed at a terminal', () => {
  beforeAll(() => needs(!HAS_SCRIPT && NO_SCRIPT));
  it('says on stderr what it is waiting for; Ctrl-D ends it with exit 0', async () => {
    const p = startPty(['mcp'], { cols: 40, env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY } });
    await p.waitFor(/waiting for\s+a client on stdin/);
    p.child.stdin.write('\u0004');
    const { code } = await exited(p.done, 5000, 'after Ctrl-D');
    expect(code).toBe(0);
  });
});
