import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { KEY, ask, events, killAll, openStream, sendEvent, startInspecting, until } from './harness.js';

// The inspector of the built CLI (`webhook listen --inspect`), over real loopback HTTP.
const servers: TestServer[] = [];
afterEach(async () => {
  killAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function receiver(respond: Parameters<typeof startServer>[0] = (_r, res) => sendJson(res, 200, { ok: true })) {
  const s = await startServer(respond);
  servers.push(s);
  return s;
}

// Numbers and escapes as a sender may write them: JSON.parse + stringify would change each.
const EXACT =
  '{"event":"send_message","data":{"thread_fid":"t-1","user_fid":"u-1","body":"caf\\u00e9","n":12345678901234567890,"p":1.10}}';

describe('webhook listen --inspect: the server', () => {
  it('announces itself, serves the page with a strict CSP and no inline script', async () => {
    const l = await startInspecting();
    expect(l.child.err()).toMatch(/^Listening on .*\nInspector on http:\/\/127\.0\.0\.1:\d+\/\n/);
    const page = await ask(l.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'self'(;|$)/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // Every <script> loads a file; no inline handler attribute.
    const scripts = page.body.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [];
    expect(scripts).toEqual(['<script src="/page.js" defer></script>']);
    expect(page.body).not.toMatch(/\son[a-z]+\s*=/i);
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    for (const [path, type] of [
      ['/page.js', /^text\/javascript/],
      ['/page.css', /^text\/css/],
      ['/api/events', /^application\/json/],
      ['/nope', /^application\/json/],
    ] as const) {
      const r = await ask(l.port, path);
      expect(r.headers['content-type'], path).toMatch(type);
      expect(r.headers['content-security-policy'], path).toMatch(/^default-src 'self'/);
    }
    expect((await ask(l.port, '/nope')).status).toBe(404);
    // Methods it does not serve, and a HEAD of the stream, are answered and leave it running.
    expect((await ask(l.port, '/api/stream', { method: 'HEAD' })).status).toBe(200);
    expect((await ask(l.port, '/', { method: 'DELETE' })).status).toBe(405);
    expect((await ask(l.port, '/', { method: 'POST' })).status).toBe(405);
    expect((await ask(l.port, '/api/events', { method: 'POST' })).status).toBe(404);
    expect((await ask(l.port, '/api/status')).status).toBe(200);
    // The page script never parses HTML: it only ever sets text.
    const js = (await ask(l.port, '/page.js')).body;
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  });

  it('answers 403 to a Host that is not its own (DNS rebinding)', async () => {
    const l = await startInspecting();
    for (const host of [`127.0.0.1:${l.port}`, `localhost:${l.port}`, `[::1]:${l.port}`, `LOCALHOST:${l.port}`])
      expect((await ask(l.port, '/api/events', { host })).status, host).toBe(200);
    for (const host of [
      `evil.example:${l.port}`,
      'evil.example',
      `127.0.0.1:${l.port + 1}`,
      '127.0.0.1',
      `127.0.0.1.evil.example:${l.port}`,
    ]) {
      const r = await ask(l.port, '/api/events', { host });
      expect(r.status, host).toBe(403);
      expect(r.body).not.toContain('[');
    }
    // No Host at all: Node itself refuses an HTTP/1.1 request without one.
    const none = await ask(l.port, '/', { host: null });
    expect([400, 403]).toContain(none.status);
    expect(none.body).not.toContain('<html');
    expect((await ask(l.port, '/', { host: `evil.example:${l.port}` })).body).not.toContain('<html');
  });

  it('answers 403 to a POST from another origin, and nothing is replayed', async () => {
    const app = await receiver();
    const l = await startInspecting(['--forward-to', app.url]);
    expect((await sendEvent(l.listenUrl, EXACT)).status).toBe(200);
    await until('the forward', () => (app.requests.length === 1 ? true : undefined));
    for (const origin of [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${l.port + 1}`,
      `https://127.0.0.1:${l.port}`,
    ]) {
      const r = await ask(l.port, '/api/events/1/replay', { method: 'POST', headers: { origin }, body: '{}' });
      expect(r.status, origin).toBe(403);
    }
    for (const site of ['cross-site', 'same-site']) {
      const r = await ask(l.port, '/api/events/1/replay', { method: 'POST', headers: { 'sec-fetch-site': site } });
      expect(r.status, site).toBe(403);
    }
    // Its own origin, and a script (no Origin), may.
    const own = await ask(l.port, '/api/events/1/replay', {
      method: 'POST',
      headers: { origin: `http://127.0.0.1:${l.port}` },
    });
    expect(own.status).toBe(200);
    expect((await ask(l.port, '/api/events/1/replay', { method: 'POST' })).status).toBe(200);
    expect(app.requests).toHaveLength(3);
  });

  it('GET /api/events: newest first, key redacted, bodies as sent, with the forward result', async () => {
    const app = await receiver((_r, res, n) => sendJson(res, n === 1 ? 200 : 500, { seen: n }));
    const l = await startInspecting(['--forward-to', `${app.url}/hooks`]);
    expect((await sendEvent(l.listenUrl, EXACT)).status).toBe(200);
    expect((await sendEvent(l.listenUrl, '{"event":"second"}')).status).toBe(200);
    const list = await until('two forward results', async () => {
      const e = await events(l.port);
      return e.length === 2 && e.every((x) => x.forward) ? e : undefined;
    });
    expect(list.map((e) => e.id)).toEqual([2, 1]);
    const [second, first] = list;
    expect(Object.keys(first!).sort()).toEqual(['body', 'forward', 'headers', 'id', 'received_at']);
    expect(new Date(first!.received_at as string).toISOString()).toBe(first!.received_at);
    expect((first!.headers as Record<string, string>)['x-api-key']).toBe('[redacted]');
    expect(first!.forward).toEqual({ status: 200, latency_ms: expect.any(Number), response_body: '{"seen":1}' });
    expect((second!.forward as { status: number }).status).toBe(500);
    // The sender's bytes: the big number and 1.10 as written.
    const raw = (await ask(l.port, '/api/events')).body;
    expect(raw).toContain('"n":12345678901234567890,"p":1.10');
    expect(raw).toContain('caf\\u00e9');
    // One event by id, as scripts may want it.
    expect(JSON.parse((await ask(l.port, '/api/events/1')).body)).toEqual(first);
    expect((await ask(l.port, '/api/events/99')).status).toBe(404);
    // stdout is the listener's, as without --inspect.
    expect(l.child.out()).toBe(`${EXACT}\n{"event":"second"}\n`);
    const status = JSON.parse((await ask(l.port, '/api/status')).body);
    expect(status).toEqual({
      listening: l.listenUrl,
      forward_to: `${app.url}/hooks`,
      events: 2,
      dropped: 0,
      max_events: 1000,
    });
  });

  it('never serves the key: not from headers, bodies, receiver answers or the stream', async () => {
    const app = await receiver((r, res) => sendJson(res, 200, { echo: r.headers['x-api-key'] }));
    const l = await startInspecting(['--forward-to', app.url]);
    const stream = await openStream(l.port);
    const body = JSON.stringify({ data: { body: `my key is ${KEY}`, url: `https://x/?k=${encodeURIComponent(KEY)}` } });
    expect(
      (await sendEvent(l.listenUrl, body, { 'x-echo': `Bearer ${KEY}`, authorization: `Bearer ${KEY}` })).status,
    ).toBe(200);
    await until('the forward', async () => ((await events(l.port))[0]?.forward ? true : undefined));
    const replay = await ask(l.port, '/api/events/1/replay', { method: 'POST' });
    expect(replay.status).toBe(200);
    await until('the forward on the stream', () =>
      stream.messages.some((m) => m.event === 'forward') ? true : undefined,
    );
    stream.close();
    const served = [
      (await ask(l.port, '/api/events')).body,
      (await ask(l.port, '/api/events/1')).body,
      (await ask(l.port, '/api/status')).body,
      (await ask(l.port, '/')).body,
      (await ask(l.port, '/page.js')).body,
      replay.body,
      ...stream.messages.map((m) => m.data),
    ].join('\n');
    expect(served).toContain('[redacted]');
    expect(served).not.toContain(KEY);
    expect(served).not.toContain(encodeURIComponent(KEY).slice(0, 12));
    expect(served).not.toContain(KEY.slice(4, 20));
    // ... while the receiver did get it, from the forward and the replay.
    expect(app.requests.map((r) => r.headers['x-api-key'])).toEqual([KEY, KEY]);
  });

  it('replays an event, as it came or edited, through the forwarder with the key', async () => {
    const app = await receiver((_r, res) => sendJson(res, 202, { took: 'it' }));
    const other = await receiver((_r, res) => sendJson(res, 418, 'teapot'));
    const l = await startInspecting(['--forward-to', app.url]);
    // Whitespace and all: a replay sends the body exactly as it was received.
    const sent = '{ "event" : "send_message",\n "data": {"n": 12345678901234567890} }';
    expect((await sendEvent(l.listenUrl, sent)).status).toBe(200);
    await until('the forward', () => (app.requests.length === 1 ? true : undefined));

    const same = await ask(l.port, '/api/events/1/replay', { method: 'POST' });
    expect(same.status).toBe(200);
    expect(JSON.parse(same.body)).toEqual({
      status: 202,
      latency_ms: expect.any(Number),
      response_body: '{"took":"it"}',
    });
    expect(app.requests[1]!.body).toBe(sent);
    expect(app.requests[1]!.headers['x-api-key']).toBe(KEY);
    expect(app.requests[1]!.headers['content-type']).toBe('application/json');

    const edited = '{"event":"send_message","data":{"n":98765432109876543210,"body":"edited"}}';
    const r = await ask(l.port, '/api/events/1/replay', {
      method: 'POST',
      body: `{"to":${JSON.stringify(`${other.url}/elsewhere`)},"body":${edited}}`,
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ status: 418, response_body: '"teapot"' });
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]!.path).toBe('/elsewhere');
    expect(other.requests[0]!.body).toBe(edited);
    expect(other.requests[0]!.headers['x-api-key']).toBe(KEY);
    expect(l.child.err()).toContain(`↻ replayed to ${other.url}/elsewhere: 418`);

    // Refusals send nothing.
    const refusals: Array<[string, string, number]> = [
      ['/api/events/1/replay', '{"to":"ftp://x"}', 400],
      ['/api/events/1/replay', '{"to":42}', 400],
      ['/api/events/1/replay', 'not json', 400],
      ['/api/events/1/replay', '[1]', 400],
      ['/api/events/7/replay', '{}', 404],
    ];
    for (const [path, body, status] of refusals) {
      const x = await ask(l.port, path, { method: 'POST', body });
      expect(x.status, body).toBe(status);
      expect(JSON.parse(x.body).error, body).toEqual(expect.any(String));
    }
    expect(app.requests).toHaveLength(2);
    expect(other.requests).toHaveLength(1);
    // Nothing answering: 502 with the reason, the listener goes on.
    const down = await ask(l.port, '/api/events/1/replay', { method: 'POST', body: '{"to":"http://127.0.0.1:9/"}' });
    expect(down.status).toBe(502);
    expect(JSON.parse(down.body)).toMatchObject({ status: null, error: expect.stringContaining('127.0.0.1:9') });
    expect((await sendEvent(l.listenUrl, '{"after":1}')).status).toBe(200);
  });

  it('--no-verify: a replay sends the configured key, else the key the event came with', async () => {
    const app = await receiver();
    const l = await startInspecting(['--no-verify', '--forward-to', app.url]);
    await sendEvent(l.listenUrl, '{"a":1}', { 'x-api-key': 'gsk_sender_own_key_000000' });
    await until('the forward', () => (app.requests.length === 1 ? true : undefined));
    expect((await ask(l.port, '/api/events/1/replay', { method: 'POST' })).status).toBe(200);
    // The forward passes the sender's key on, as without --inspect; the replay sends the configured one.
    expect(app.requests.map((r) => r.headers['x-api-key'])).toEqual(['gsk_sender_own_key_000000', KEY]);
    expect((await ask(l.port, '/api/events')).body).not.toContain('gsk_sender_own_key');

    const bare = await startInspecting(['--no-verify', '--forward-to', app.url], { GURUSUP_API_KEY: '' });
    await sendEvent(bare.listenUrl, '{"b":2}', { 'x-api-key': 'gsk_sender_own_key_111111' });
    await until('the forward', () => (app.requests.length === 3 ? true : undefined));
    expect((await ask(bare.port, '/api/events/1/replay', { method: 'POST' })).status).toBe(200);
    expect(app.requests[3]!.headers['x-api-key']).toBe('gsk_sender_own_key_111111');
  });

  it('without --forward-to a replay needs a URL', async () => {
    const app = await receiver();
    const l = await startInspecting();
    await sendEvent(l.listenUrl, '{"a":1}');
    await until('the event', async () => ((await events(l.port)).length === 1 ? true : undefined));
    const r = await ask(l.port, '/api/events/1/replay', { method: 'POST' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toMatch(/no URL to replay to/);
    const ok = await ask(l.port, '/api/events/1/replay', { method: 'POST', body: JSON.stringify({ to: app.url }) });
    expect(ok.status).toBe(200);
    expect(app.requests[0]!.body).toBe('{"a":1}');
  });

  it('keeps the last 1,000 events and counts the dropped ones', async () => {
    const l = await startInspecting(['--json']);
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 8 });
    const http = await import('node:http');
    const one = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          l.listenUrl,
          { method: 'POST', agent, headers: { 'x-api-key': KEY, 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(`{"i":${i}}`);
      });
    for (let i = 1; i <= 1005; i += 8) {
      const batch = [];
      for (let j = i; j < i + 8 && j <= 1005; j++) batch.push(one(j));
      expect(new Set(await Promise.all(batch))).toEqual(new Set([200]));
    }
    agent.destroy();
    const list = await events(l.port);
    expect(list).toHaveLength(1000);
    expect(list[0]!.id).toBe(1005);
    expect(list[999]!.id).toBe(6);
    expect(JSON.parse((await ask(l.port, '/api/status')).body)).toMatchObject({ events: 1000, dropped: 5 });
    expect((await ask(l.port, '/api/events/5')).status).toBe(404);
    // stdout holds them all: the cap is the inspector's only.
    expect(l.child.out().split('\n').filter(Boolean)).toHaveLength(1005);
  });

  it('streams new events and forward results to open pages', async () => {
    const app = await receiver();
    const l = await startInspecting(['--forward-to', app.url]);
    const stream = await openStream(l.port);
    await until('the status message', () => (stream.messages[0]?.event === 'status' ? true : undefined));
    await sendEvent(l.listenUrl, '{"event":"live"}');
    const ev = await until('the event on the stream', () => stream.messages.find((m) => m.event === 'event'));
    expect(JSON.parse(ev.data)).toMatchObject({ id: 1, body: { event: 'live' } });
    const fwd = await until('the forward on the stream', () => stream.messages.find((m) => m.event === 'forward'));
    expect(JSON.parse(fwd.data)).toMatchObject({ id: 1, forward: { status: 200 } });
    // Ctrl-C with a page still connected: the listener stops as usual.
    const done = await l.stop();
    stream.close();
    expect(done.code).toBe(0);
    expect(done.stderr).toMatch(/Stopped: 1 accepted, 0 rejected, 0 forward failures\n$/);
  });

  it('a page that stops reading its stream is cut off, not buffered for without limit', async () => {
    const l = await startInspecting(['--json']);
    const sock = net.connect(l.port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${l.port}\r\n\r\n`);
    sock.pause();
    let closed = false;
    sock.on('close', () => (closed = true));
    sock.on('error', () => {});
    // 40 MiB of events: more than the kernel's buffers and the 16 MiB the inspector holds for a page.
    const body = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 - 20) });
    for (let i = 0; i < 40; i++) expect((await sendEvent(l.listenUrl, body)).status).toBe(200);
    let got = 0;
    sock.on('data', (d: Buffer) => (got += d.length));
    sock.resume();
    await until('the stream to be cut', () => (closed ? true : undefined), 10_000);
    expect(got).toBeLessThan(40 * body.length);
    // The listener and the inspector go on.
    expect((await sendEvent(l.listenUrl, '{"after":1}')).status).toBe(200);
    expect((await events(l.port))[0]!.body).toEqual({ after: 1 });
  });

  it('--count and --record with --inspect: exactly n entries, each recorded, then exit 0', async () => {
    const record = path.join(tempDir(), 'events.ndjson');
    const l = await startInspecting(['--count', '2', '--json', '--record', record]);
    const answers = await Promise.all([1, 2, 3].map((i) => sendEvent(l.listenUrl, `{"i": ${i}}`)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 503]);
    const done = await l.child.done;
    expect(done.code).toBe(0);
    const lines = done.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    const recorded = fs.readFileSync(record, 'utf8').split('\n').filter(Boolean);
    expect(recorded.map((r) => JSON.stringify(JSON.parse(r).body)).sort()).toEqual([...lines].sort());
  });

  it('a taken inspector port is a clear error (exit 1)', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const r = await cli(['webhook', 'listen', '--port', '0', '--inspect', String(port)], {
        env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: port ${port} is in use (--inspect)`);
      expect(r.stderr).toContain('--inspect 0');
      expect(r.stderr).not.toContain('    at ');
    } finally {
      busy.close();
    }
    const bad = await cli(['webhook', 'listen', '--port', '0', '--inspect', 'abc'], {
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--inspect');
  });
});
