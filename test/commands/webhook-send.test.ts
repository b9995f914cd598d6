import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, afterAll, beforeAll } from 'vitest';
import { run, startInProcess, tempDir } from '../helpers/io.js';
import { post } from '../helpers/http.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import http from 'node:http';

const KEY = 'gsk_test_trigger_0123456789abcdef';
const env = () => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY });
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('webhook trigger', () => {
  it('POSTs a sample send-message event with the key; a listener receives it', async () => {
    const l = startInProcess(['webhook', 'listen', '--port', '0', '--count', '1'], { env: env() });
    const url = await l.url();
    const r = await run(
      ['webhook', 'trigger', '--to', url, '--thread', 'order-1', '--user', 'u-1', '--body', 'Hi there'],
      { env: env() },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/POST .*: 200 OK/);
    expect(JSON.parse(r.stdout)).toEqual({ received: true });
    expect(await l.done).toBe(0);
    const ev = JSON.parse(l.stdout());
    expect(ev.event).toBe('send_message');
    expect(ev.data).toMatchObject({ body: 'Hi there', thread_fid: 'order-1', user_fid: 'u-1' });
    expect(ev.data._id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('exits 1 on a non-2xx answer, 5 when unreachable, 2 without --to', async () => {
    server = await startServer((_req, res) => sendJson(res, 500, { error: 'boom' }));
    const r = await run(['webhook', 'trigger', '--to', server.url], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('boom');
    expect(server.requests[0]!.headers['x-api-key']).toBe(KEY);
    expect((await run(['webhook', 'trigger', '--to', 'http://127.0.0.1:9/'], { env: env() })).code).toBe(5);
    expect((await run(['webhook', 'trigger'], { env: env() })).code).toBe(2);
    expect((await run(['webhook', 'trigger', '--to', 'not a url'], { env: env() })).code).toBe(2);
  });
});

describe('webhook replay', () => {
  it('re-sends recorded events in order with the key, reporting each status', async () => {
    const file = path.join(tempDir(), 'rec.ndjson');
    const l = startInProcess(['webhook', 'listen', '--port', '0', '--record', file], { env: env() });
    const url = await l.url();
    for (let i = 0; i < 5; i++)
      await post(url, JSON.stringify({ event: 'send_message', data: { n: i } }), { 'x-api-key': KEY });
    l.abort();
    await l.done;

    server = await startServer((_req, res, n) => sendJson(res, n === 3 ? 500 : 200, {}));
    const r = await run(['webhook', 'replay', file, '--to', `${server.url}/in`], { env: env() });
    expect(r.code).toBe(1);
    expect(server.requests.map((q) => (q.json as { data: { n: number } }).data.n)).toEqual([0, 1, 2, 3, 4]);
    expect(server.requests.every((q) => q.headers['x-api-key'] === KEY && q.path === '/in')).toBe(true);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((x) => x.split('\t'));
    expect(rows.map((x) => [x[0], x[1], x[3]])).toEqual([
      ['1', '200', 'send_message'],
      ['2', '200', 'send_message'],
      ['3', '500', 'send_message'],
      ['4', '200', 'send_message'],
      ['5', '200', 'send_message'],
    ]);
  });

  it('replays into a listener: the same events arrive in order', async () => {
    const file = path.join(tempDir(), 'events.ndjson');
    const events = Array.from({ length: 4 }, (_, i) => ({ event: 'send_message', data: { body: `m${i}` } }));
    fs.writeFileSync(
      file,
      events.map((e) => JSON.stringify({ received_at: 'x', headers: {}, body: e })).join('\n') + '\n',
    );
    const l = startInProcess(['webhook', 'listen', '--port', '0', '--count', '4'], { env: env() });
    const url = await l.url();
    const r = await run(['webhook', 'replay', file, '--to', url], { env: env() });
    expect(r.code).toBe(0);
    expect(await l.done).toBe(0);
    expect(
      l
        .stdout()
        .trim()
        .split('\n')
        .map((x) => JSON.parse(x)),
    ).toEqual(events);
  });

  it('refuses a file with a broken line before sending anything', async () => {
    const file = path.join(tempDir(), 'bad.ndjson');
    fs.writeFileSync(file, '{"event":"a"}\n{"event":\n');
    server = await startServer((_req, res) => sendJson(res, 200, {}));
    const r = await run(['webhook', 'replay', file, '--to', server.url], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`line 2 of ${file} is not JSON; nothing was sent`);
    expect(server.requests).toHaveLength(0);
    expect((await run(['webhook', 'replay', '/nonexistent.ndjson', '--to', server.url], { env: env() })).code).toBe(2);
  });
});

describe('--timeout', () => {
  // Review: `webhook trigger` and `webhook replay` ignored --timeout (and GURUSUP_TIMEOUT, the
  // profile's timeout): a receiver that never answers held them for a fixed 30 s.

  const KEY = 'gsk_test_review_timeout_012345678';
  let hang: http.Server;
  let url: string;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    // Reads the request, never answers.
    hang = http.createServer((req) => void req.resume());
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(hang.address() as { port: number }).port}/hook`;
    dir = tempDir();
    env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY };
  });
  afterAll(() => {
    hang.closeAllConnections();
    hang.close();
  });

  describe('webhook trigger and replay honour --timeout', () => {
    it('trigger --timeout 1 against a receiver that never answers: exit 5, timed out', async () => {
      const r = await run(['webhook', 'trigger', '--to', url, '--timeout', '1'], { env });
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/timed out after 1s/);
    }, 15_000);

    it('replay with GURUSUP_TIMEOUT=1: the event fails with a timeout, exit 5', async () => {
      const file = path.join(dir, 'events.ndjson');
      fs.writeFileSync(file, '{"event":"send_message","data":{"body":"hi"}}\n');
      const r = await run(['webhook', 'replay', file, '--to', url], { env: { ...env, GURUSUP_TIMEOUT: '1' } });
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/line 1: .*timed out after 1s/);
    }, 15_000);
  });
});
