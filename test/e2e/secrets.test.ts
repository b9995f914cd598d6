import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startCli, waitForStderr, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';

const KEY = 'gsk_live_SWEEP_5f3c9a7e1d2b4c6a8e0f';
let sandbox: ReturnType<typeof startCli>;
let apiUrl: string;
let dir: string;

async function stderrMatch(child: ReturnType<typeof startCli>, re: RegExp): Promise<string> {
  return (await waitForStderr(child, re))[1]!;
}

function listFiles(root: string): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(root, e.name)) : [path.join(root, e.name)]));
}

beforeAll(async () => {
  dir = tempDir();
  sandbox = startCli(['sandbox', '--port', '0', '--api-key', KEY, '--debug'], { env: { GURUSUP_CONFIG_DIR: dir } });
  apiUrl = await stderrMatch(sandbox, /sandbox on (http:\/\/\S+)/);
});
afterAll(async () => {
  sandbox.kill('SIGINT');
  await sandbox.done;
});

describe('the API key never leaks', () => {
  it('through any command, debug trace, error path, or file other than the 0600 config', async () => {
    const env = { GURUSUP_CONFIG_DIR: dir };
    const outputs: Array<[string, CliResult]> = [];
    const go = async (args: string[], o: { env?: Record<string, string>; input?: string } = {}) => {
      const r = await cli(args, { env: { ...env, ...o.env }, input: o.input });
      outputs.push([args.join(' '), r]);
      return r;
    };
    await go(['auth', 'login', '--with-key', '--debug', '--base-url', apiUrl], { input: KEY });
    await go(['auth', 'status', '--debug']);
    await go(['auth', 'status', '--json']);
    await go(['threads', 'list', '--debug']);
    await go(['threads', 'list', '--json', '--debug']);
    await go(['threads', 'show', 'order-1042', '--debug']);
    await go(['threads', 'show', 'missing-thread', '--debug', '--json']);
    const sent = await go([
      'messages',
      'send',
      '--thread',
      'sweep',
      '--user',
      'u',
      '--body',
      'refund please',
      '--json',
      '--debug',
    ]);
    await go(['messages', 'get', JSON.parse(sent.stdout)._id, '--debug']);
    await go(['messages', 'get', 'nope', '--debug']);
    await go(['api', '/threads', '-i', '--debug']);
    await go(['api', '/nope', '--debug']);
    await go(['threads', 'export', '--out', path.join(dir, 'export.ndjson'), '--debug']);
    await go(['threads', 'list', '--debug'], { env: { GURUSUP_BASE_URL: 'http://127.0.0.1:9' } });
    await go(['threads', 'list', '--debug'], { env: { GURUSUP_API_KEY: `${KEY}x` } });

    const record = path.join(dir, 'events.ndjson');
    const listener = startCli(
      ['webhook', 'listen', '--port', '0', '--record', record, '--forward-to', `${apiUrl}/not-a-webhook`, '--debug'],
      { env },
    );
    const hook = await stderrMatch(listener, /Listening on (http:\/\/\S+)/);
    await go(['webhook', 'trigger', '--to', hook, '--debug']);
    await go(['webhook', 'replay', record, '--to', hook, '--debug']);
    listener.kill('SIGINT');
    outputs.push(['webhook listen', await listener.done]);

    const printed = await go(['auth', 'key']);
    expect(printed.stdout).toBe(`${KEY}\n`);

    for (const [what, r] of outputs) {
      if (what === 'auth key') continue;
      expect(r.stdout, `${what} stdout`).not.toContain(KEY);
      expect(r.stderr, `${what} stderr`).not.toContain(KEY);
    }
    expect(sandbox.err()).not.toContain(KEY);
    const files = listFiles(dir);
    expect(files).toContain(record);
    for (const f of files) {
      if (path.basename(f) === 'config.json') {
        expect(fs.statSync(f).mode & 0o777).toBe(0o600);
        continue;
      }
      expect(fs.readFileSync(f, 'utf8'), f).not.toContain(KEY);
    }
  }, 60_000);
});
