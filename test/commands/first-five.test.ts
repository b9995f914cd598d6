import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo, run, tempDir } from '../helpers/io.js';
import { main } from '../../src/cli.js';
import { startCli, waitForStderr } from '../helpers/cli.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Correctness items a newcomer hit in the first five minutes (issue 24), each against a real
// server on loopback.
const KEY = 'gsk_test_firstfive_0123456789abcdef';
let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    if (req.method === 'GET' && req.path === '/threads') return sendJson(res, 200, [{ thread_fid: 'x-1' }]);
    if (req.method === 'GET' && req.path.startsWith('/threads/'))
      return sendJson(res, 200, { thread_fid: 'x-1', messages: [{ body: 'hi', user_fid: 'c' }] });
    if (req.method === 'POST' && req.path === '/messages') {
      const sent = req.json as Record<string, unknown>;
      // An API that answers an agent's message with the message itself (as the sandbox does).
      if (sent.is_customer_support_agent) return sendJson(res, 201, { _id: 'm-echo', ...sent });
      return sendJson(res, 201, { _id: 'm-reply', body: 'The reply.', role: 'assistant', thread_fid: sent.thread_fid });
    }
    return sendJson(res, 404, { message: 'Not found' });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url };
});
afterAll(() => server.close());

describe('messages send --agent', () => {
  const args = ['messages', 'send', '--thread', 't-1', '--user', 'agent-7', '--agent', '--body', 'Refund issued.'];

  it('piped: prints nothing when the API answers with the sent message; a note on stderr', async () => {
    const r = await run(args, { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no automatic reply is expected');
  });

  it('--json: null, not the sent object', async () => {
    const r = await run([...args, '--json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toBeNull();
  });

  it('on a terminal: no transcript block of your own message', async () => {
    const r = await run(args, { env, tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Refund issued.');
    expect(r.stderr).toContain('no automatic reply is expected');
  });

  it('piped chat --agent: an empty line per echoed message (one line per message still), --json null', async () => {
    const r = await run(['chat', '--thread', 't-1', '--agent'], { env, stdin: 'Refund issued.\nAnything else?\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('\n\n');
    const j = await run(['chat', '--thread', 't-1', '--agent', '--json'], { env, stdin: 'Refund issued.\n' });
    expect(j.stdout).toBe('null\n');
  });

  it('a customer message still prints the reply', async () => {
    const r = await run(['messages', 'send', '--thread', 't-1', '--user', 'c-1', '--body', 'Hi'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('The reply.\n');
  });
});

describe('api', () => {
  it('--json <fields> on a 404 prints nothing on stdout: the error line says what happened', async () => {
    const r = await run(['api', '/nope/0123', '--json', 'thread_fid,messages'], { env });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*404/m);
  });

  it('a 401 with GURUSUP_API_KEY set says that variable is the key in use', async () => {
    const r = await run(['api', '/threads'], { env: { ...env, GURUSUP_API_KEY: 'gsk_wrong_key_000000000000' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('hint: the key in use comes from the GURUSUP_API_KEY environment variable');
  });
});

describe('chat on a terminal', () => {
  it('checks the key at start: a rejected key ends it with exit 3 and the env hint, before any message', async () => {
    const { io, stderr } = fakeIo({
      env: { ...env, GURUSUP_API_KEY: 'gsk_wrong_key_000000000000', FORCE_COLOR: '0' },
      tty: true,
    });
    const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => void };
    input.isTTY = true;
    input.setRawMode = () => undefined;
    io.stdin = input;
    const before = server.requests.length;
    const code = await Promise.race([
      main(['chat'], io),
      new Promise((r) => setTimeout(() => r('still running'), 5000)),
    ]);
    input.end();
    expect(code).toBe(3);
    expect(stderr.text).toContain('hint: the key in use comes from the GURUSUP_API_KEY environment variable');
    expect(server.requests.slice(before).filter((q) => q.method === 'POST')).toHaveLength(0);
  });
});

describe('threads export --out an existing file', () => {
  it('refuses without --resume or --force (exit 2, the file untouched); --force overwrites', async () => {
    const file = path.join(tempDir(), 'threads.ndjson');
    fs.writeFileSync(file, '{"thread_fid":"old"}\n');
    const r = await run(['threads', 'export', '--out', file], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --out file ${file} already exists`);
    expect(r.stderr).toContain('hint: pass --resume to add the missing threads to it, or --force to overwrite it');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"thread_fid":"old"}\n');
    const forced = await run(['threads', 'export', '--out', file, '--force'], { env });
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain('"x-1"');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('"old"');
    const both = await run(['threads', 'export', '--out', file, '--force', '--resume'], { env });
    expect(both.code).toBe(2);
    const empty = path.join(tempDir(), 'empty.ndjson');
    fs.writeFileSync(empty, '');
    expect((await run(['threads', 'export', '--out', empty], { env })).code).toBe(0);
  });
});

describe('webhook replay to an endpoint that is not there', () => {
  it('stops at the first connection failure with exit 5, not trying every event', async () => {
    // A port that was just free: nothing listens on it.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const file = path.join(tempDir(), 'events.ndjson');
    const ev = (n: number) => JSON.stringify({ event: 'send_message', data: { body: `e${n}` } });
    fs.writeFileSync(file, [1, 2, 3, 4, 5].map(ev).join('\n') + '\n');
    const r = await run(['webhook', 'replay', file, '--to', `http://127.0.0.1:${port}/`], { env });
    expect(r.code).toBe(5);
    expect(r.stderr.match(/^error: /gm)).toHaveLength(1);
    expect(r.stderr).toMatch(/error: line 1: .*stopped, 5 of 5 events not sent/);
    expect(r.stderr).not.toContain('line 2');
  });
});

describe('auth status with nothing stored', () => {
  it('says not logged in, with the command to run, and creates nothing', async () => {
    const dir = path.join(tempDir(), 'config');
    for (const o of [{}, { tty: true }]) {
      const r = await run(['auth', 'status'], { env: { GURUSUP_CONFIG_DIR: dir, NO_COLOR: '1' }, ...o });
      expect(r.code).toBe(3);
      expect(r.stdout).not.toContain('default');
      expect(r.stderr).toContain("error: not logged in\nhint: run 'gurusup auth login', or set GURUSUP_API_KEY");
    }
    const tty = await run(['auth', 'status'], { env: { GURUSUP_CONFIG_DIR: dir }, tty: true });
    expect(tty.stdout).toMatch(/^Not logged in/);
    const json = await run(['auth', 'status', '--json'], { env: { GURUSUP_CONFIG_DIR: dir } });
    expect(JSON.parse(json.stdout)).toMatchObject({ check: 'missing', profiles: [] });
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('threads show --follow when the API goes away', () => {
  it('says "connection refused", as every other error does, not "(ECONNREFUSED)"', async () => {
    const gone = await startServer((_req, res) => sendJson(res, 200, { thread_fid: 'f-1', messages: [] }));
    const child = startCli(['threads', 'show', 'f-1', '-f', '--interval', '1'], {
      env: { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: gone.url, GURUSUP_CONFIG_DIR: tempDir() },
    });
    await waitForStderr(child, /Following f-1/);
    await gone.close();
    await waitForStderr(child, /still following/);
    child.kill('SIGINT');
    const r = await child.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('connection refused');
    expect(r.stderr).not.toContain('ECONNREFUSED');
  });
});
