import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startCli, waitForStderr } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { threadHash } from '../../src/api/hash.js';

const KEY = 'gsk_test_e2e_sandbox_0123456789abcdef';
let sandbox: ReturnType<typeof startCli>;
let listener: ReturnType<typeof startCli>;
let apiUrl: string;
let env: Record<string, string>;

async function match(child: ReturnType<typeof startCli>, re: RegExp): Promise<string> {
  return (await waitForStderr(child, re))[1]!;
}

beforeAll(async () => {
  const dir = tempDir();
  listener = startCli(['webhook', 'listen', '--port', '0', '--count', '1', '--json'], {
    env: { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY },
  });
  const hookUrl = await match(listener, /Listening on (http:\/\/\S+)/);
  sandbox = startCli(['sandbox', '--port', '0', '--api-key', KEY, '--webhook-url', hookUrl], {
    env: { GURUSUP_CONFIG_DIR: dir },
  });
  apiUrl = await match(sandbox, /sandbox on (http:\/\/\S+)/);
  env = { GURUSUP_CONFIG_DIR: dir };
});
afterAll(async () => {
  sandbox.kill('SIGINT');
  listener.kill('SIGINT');
  await Promise.all([sandbox.done, listener.done]);
});

describe('end to end against the sandbox', () => {
  it('login, list, send, show, get, and the webhook event, as a user would', async () => {
    const login = await cli(['auth', 'login', '--with-key', '--base-url', apiUrl], { env, input: `${KEY}\n` });
    expect(login.code).toBe(0);

    const list = await cli(['threads', 'list', '--json'], { env });
    expect(list.code).toBe(0);
    const threads = JSON.parse(list.stdout) as Array<{ thread: string; thread_fid: string }>;
    expect(threads.length).toBe(5);
    for (const t of threads) expect(t.thread).toBe(threadHash(t.thread_fid));

    const piped = await cli(['threads', 'list'], { env });
    expect(
      piped.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual(threads.map((t) => t.thread_fid));

    const send = await cli(
      [
        'messages',
        'send',
        '--thread',
        'e2e-1',
        '--user',
        'cust-e2e',
        '--lang',
        'es',
        '--body',
        'Hola, ¿dónde está mi pedido?',
        '--json',
      ],
      { env },
    );
    expect(send.code).toBe(0);
    const reply = JSON.parse(send.stdout);
    expect(reply.body).toMatch(/^Los pedidos salen/);

    const show = await cli(['threads', 'show', 'e2e-1', '--json'], { env });
    const thread = JSON.parse(show.stdout);
    expect(thread.thread).toBe(threadHash('e2e-1'));
    expect(thread.messages.map((m: { body: string }) => m.body)).toEqual(['Hola, ¿dónde está mi pedido?', reply.body]);

    const get = await cli(['messages', 'get', reply._id, '--json'], { env });
    expect(JSON.parse(get.stdout)).toEqual(reply);

    const hook = await listener.done;
    expect(hook.code).toBe(0);
    expect(JSON.parse(hook.stdout)).toEqual({ event: 'send_message', data: reply });

    expect(sandbox.err()).toMatch(/POST \/messages 201 \d+ms/);
    for (const out of [login.stdout, login.stderr, list.stdout, send.stdout, show.stdout])
      expect(out).not.toContain(KEY);
  });

  it('exit 3 on a wrong key and 4 on unknown ids', async () => {
    const bad = await cli(['threads', 'list'], {
      env: { ...env, GURUSUP_API_KEY: 'gsk_wrong_000000000000', GURUSUP_BASE_URL: apiUrl },
    });
    expect(bad.code).toBe(3);
    const nf = await cli(['threads', 'show', 'no-such-thread'], { env });
    expect(nf.code).toBe(4);
    expect(nf.stderr).toContain(`thread not found: no-such-thread (hash ${threadHash('no-such-thread')})`);
    const nm = await cli(['messages', 'get', '000000000000000000000000'], { env });
    expect(nm.code).toBe(4);
    expect(nm.stderr).toContain('message not found: 000000000000000000000000');
  });
});

describe('npm run demo', () => {
  it('runs the whole flow and exits 0', async () => {
    const script = path.resolve(import.meta.dirname, '../../scripts/demo.mjs');
    const r = await promisify(execFile)(process.execPath, [script], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      timeout: 60_000,
    });
    expect(r.stdout).toContain('$ gurusup threads list');
    expect(r.stdout).toContain('"event": "send_message"');
    expect(r.stdout).toContain('Demo finished');
  }, 60_000);
});
