import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startInProcess, tempDir, run } from '../helpers/io.js';
import { post } from '../helpers/http.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

const KEY = 'gsk_test_listen_0123456789abcdef';
const env = () => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY });
const EVENT = {
  event: 'send_message',
  data: {
    _id: '650000000000000000000009',
    body: 'Your parcel ships today.',
    thread_fid: 'order-1234',
    user_fid: 'gurusup-ai',
  },
};

let stops: Array<() => void> = [];
afterEach(() => {
  for (const s of stops) s();
  stops = [];
});

function listen(args: string[] = [], o: Parameters<typeof startInProcess>[1] = {}) {
  const l = startInProcess(['webhook', 'listen', '--port', '0', ...args], { env: env(), ...o });
  stops.push(l.abort);
  return l;
}

describe('webhook listen', () => {
  it('accepts a valid event: 200 {"received":true}, one compact NDJSON line when piped', async () => {
    const l = listen();
    const url = await l.url();
    expect(l.stderr()).toContain('(x-api-key verified) — Ctrl-C to stop');
    const r = await post(url, JSON.stringify(EVENT, null, 2), { 'x-api-key': KEY });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ received: true });
    expect(l.stdout()).toBe(`${JSON.stringify(EVENT)}\n`);
    l.abort();
    expect(await l.done).toBe(0);
    expect(l.stderr()).toContain('Stopped: 1 accepted, 0 rejected');
  });

  it('TTY: a readable block with event type, thread, user and body', async () => {
    const l = listen([], { tty: true, env: { ...env(), NO_COLOR: '1' } });
    const url = await l.url();
    await post(url, JSON.stringify(EVENT), { 'x-api-key': KEY });
    // The local time it arrived (one time style with transcripts: local, no milliseconds).
    expect(l.stdout()).toMatch(
      /\d\d:\d\d:\d\d  send_message  thread order-1234  user gurusup-ai\n  Your parcel ships today\.\n/,
    );
    await post(url, JSON.stringify({ something: 'else' }), { 'x-api-key': KEY });
    expect(l.stdout()).toContain('"something": "else"');
  });

  it('--json on a TTY still prints NDJSON', async () => {
    const l = listen(['--json'], { tty: true });
    const url = await l.url();
    await post(url, JSON.stringify(EVENT), { 'x-api-key': KEY });
    expect(l.stdout()).toBe(`${JSON.stringify(EVENT)}\n`);
  });

  it('rejects wrong or missing keys (401), other methods (405), other paths (404), bad JSON (400), nothing on stdout', async () => {
    const l = listen(['--path', '/hooks/gurusup']);
    const url = await l.url();
    expect(url).toMatch(/\/hooks\/gurusup$/);
    expect((await post(url, JSON.stringify(EVENT), { 'x-api-key': 'gsk_wrong_key_0000000000' })).status).toBe(401);
    expect((await post(url, JSON.stringify(EVENT))).status).toBe(401);
    expect((await post(url, '', { 'x-api-key': KEY }, 'GET')).status).toBe(405);
    expect(
      (await post(url.replace('/hooks/gurusup', '/other'), JSON.stringify(EVENT), { 'x-api-key': KEY })).status,
    ).toBe(404);
    expect((await post(url, '{"event": ', { 'x-api-key': KEY })).status).toBe(400);
    expect(l.stdout()).toBe('');
    const lines = l
      .stderr()
      .split('\n')
      .filter((x) => x.startsWith('✗'));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('401 POST /hooks/gurusup');
    expect(lines[0]).toContain('wrong x-api-key');
    expect(lines[1]).toContain('missing x-api-key');
    expect(l.stderr()).not.toContain('gsk_wrong_key_0000000000');
    expect((await post(url, JSON.stringify(EVENT), { 'x-api-key': KEY })).status).toBe(200);
    expect(l.stdout().trim().split('\n')).toHaveLength(1);
  });

  it('oversize bodies get 413 without being buffered, and the next event is still served', async () => {
    const l = listen(['--max-body', '1000']);
    const url = await l.url();
    const big = JSON.stringify({ event: 'x', pad: 'a'.repeat(5000) });
    expect((await post(url, big, { 'x-api-key': KEY })).status).toBe(413);
    // chunked, no content-length: the limit is enforced while streaming
    const chunked = await post(url, big, { 'x-api-key': KEY, 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    expect((await post(url, JSON.stringify(EVENT), { 'x-api-key': KEY })).status).toBe(200);
    expect(l.stdout()).toBe(`${JSON.stringify(EVENT)}\n`);
  });

  it('200 concurrent events: 200 NDJSON lines, each valid, none lost or interleaved; --record has them all, key redacted', async () => {
    const file = path.join(tempDir(), 'events.ndjson');
    const l = listen(['--record', file]);
    const url = await l.url();
    const sent = Array.from({ length: 200 }, (_, i) => ({
      event: 'send_message',
      data: { n: i, body: `message ${i} ${'x'.repeat(i * 10)}` },
    }));
    const replies = await Promise.all(sent.map((e) => post(url, JSON.stringify(e), { 'x-api-key': KEY })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const lines = l.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(200);
    const got = lines.map((x) => JSON.parse(x) as { data: { n: number } });
    expect(got.map((e) => e.data.n).sort((a, b) => a - b)).toEqual(sent.map((_, i) => i));
    const recorded = fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((x) => JSON.parse(x));
    expect(recorded).toHaveLength(200);
    expect(recorded.map((r) => r.body)).toEqual(got);
    expect(recorded[0].headers['x-api-key']).toBe('[redacted]');
    expect(typeof recorded[0].received_at).toBe('string');
    expect(fs.readFileSync(file, 'utf8')).not.toContain(KEY);
  });

  it('--forward-to posts the same body and key to the app and reports status', async () => {
    const app = await startServer((_req, res) => sendJson(res, 202, { ok: true }));
    try {
      const l = listen(['--forward-to', `${app.url}/gurusup`]);
      const url = await l.url();
      const raw = JSON.stringify(EVENT, null, 1);
      await post(url, raw, { 'x-api-key': KEY });
      await l.waitFor(/forwarded to .*202 Accepted/);
      expect(app.requests).toHaveLength(1);
      expect(app.requests[0]!.path).toBe('/gurusup');
      expect(app.requests[0]!.body).toBe(raw);
      expect(app.requests[0]!.headers['x-api-key']).toBe(KEY);
    } finally {
      await app.close();
    }
  });

  it('a forward target that is down is reported, and the listener keeps going', async () => {
    const l = listen(['--forward-to', 'http://127.0.0.1:9/down']);
    const url = await l.url();
    expect((await post(url, JSON.stringify(EVENT), { 'x-api-key': KEY })).status).toBe(200);
    await l.waitFor(/forward to http:\/\/127\.0\.0\.1:9\/down failed: cannot connect/);
    expect((await post(url, JSON.stringify(EVENT), { 'x-api-key': KEY })).status).toBe(200);
    expect(l.stdout().trim().split('\n')).toHaveLength(2);
    l.abort();
    await l.done;
    expect(l.stderr()).toMatch(/Stopped: 2 accepted, 0 rejected, 2 forward failures/);
  });

  it('--count 1 returns 0 after the first event', async () => {
    const l = listen(['--count', '1']);
    const url = await l.url();
    await post(url, JSON.stringify(EVENT), { 'x-api-key': KEY });
    expect(await l.done).toBe(0);
    expect(l.stdout()).toBe(`${JSON.stringify(EVENT)}\n`);
  });

  it('--no-verify accepts without a key, with a warning', async () => {
    const l = listen(['--no-verify'], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    const url = await l.url();
    expect(l.stderr()).toContain('warning: --no-verify');
    expect((await post(url, JSON.stringify(EVENT))).status).toBe(200);
  });

  it('no key and no --no-verify exits 3 at start', async () => {
    const r = await run(['webhook', 'listen', '--port', '0'], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--no-verify');
  });

  it('a port in use exits 1 with "port N is in use"', async () => {
    const busy = await startServer(() => {});
    try {
      const r = await run(['webhook', 'listen', '--port', String(busy.port)], { env: env() });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: port ${busy.port} is in use`);
    } finally {
      await busy.close();
    }
  });

  it('--no-verify on a non-loopback address is refused (exit 2)', async () => {
    const r = await run(['webhook', 'listen', '--host', '0.0.0.0', '--no-verify'], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing');
  });

  it('warns when bound to a non-loopback address', async () => {
    const l = listen(['--host', '0.0.0.0']);
    await l.url();
    expect(l.stderr()).toContain('warning: listening on 0.0.0.0: others on the network can reach');
  });
});

describe('--json fields', () => {
  // Review: `webhook listen --json a,b` re-serialized the picked members, so the numbers the contract
  // keeps as sent were rewritten there (12345678901234567890 → 12345678901234567000, 1.10 → 1.1,
  // 1e400 → null), unlike a line without a field list.

  const KEY = 'gsk_test_review_fields_0123456789';

  describe('webhook listen --json with fields keeps the sender bytes of each member', () => {
    it('numbers, escapes and key order inside a picked member stay as sent; a missing one is null', async () => {
      const p = startInProcess(['webhook', 'listen', '--port', '0', '--json', 'data,missing,event'], {
        env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY },
      });
      const url = await p.url();
      const body =
        '{ "event" : "send_message", "data" : { "n" : 12345678901234567890, "f": 1.10, "big": 1e400, "s": "\\u00e9" }, "other": 1 }';
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
      await p.waitFor(/\n/, 'stdout');
      p.abort();
      expect(await p.done).toBe(0);
      expect(p.stdout()).toBe(
        '{"data":{"n":12345678901234567890,"f":1.10,"big":1e400,"s":"\\u00e9"},"missing":null,"event":"send_message"}\n',
      );
    });
  });
});

describe('--path', () => {
  // Review: `webhook listen --path` with an escape sequence started a listener no request could reach
  // (Node refuses control characters in a request line) and printed the path raw in its
  // "Listening on …" line: ESC ] retitled the terminal, U+202E reversed the rest of the line.

  describe('webhook listen --path with control characters', () => {
    it.each([['/a\u001b]0;pwned\u0007'], ['/hooks/\u202eevil'], ['/a b'], ['/x\u009b31m']])(
      '%j: exit 2, nothing raw on stderr',
      async (path) => {
        const r = await run(['webhook', 'listen', '--port', '0', '--path', path], {
          env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: 'gsk_test_review_path_0123456' },
        });
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^error: --path cannot contain/);
        expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      },
    );
  });
});
