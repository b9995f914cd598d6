import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { Io } from '../../src/io.js';
import { fakeIo, run, startInProcess, tempDir } from '../helpers/io.js';
import { post } from '../helpers/http.js';
import { startServer, sendJson } from '../helpers/server.js';
import { cli } from '../helpers/cli.js';
import { LineAppender } from '../../src/webhook/record.js';
import { startListener } from '../../src/webhook/listener.js';
import { waitUntil } from '../helpers/wait.js';
import { needs } from '../helpers/needs.js';
import { compactJson, memberText } from '../../src/webhook/json-text.js';

// Issue 11: the listener's promises (items 1, 4, 6, 7, 8 and the smaller ones).
const KEY = 'gsk_test_edges_listen_0123456789ab';
const env = () => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY });
const EVENT = {
  event: 'send_message',
  data: { _id: '650000000000000000000009', body: 'hi', thread_fid: 'order-1', user_fid: 'u1' },
};
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

let stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const s of stops) await s();
  stops = [];
});

function listen(args: string[] = [], o: Parameters<typeof startInProcess>[1] = {}) {
  const l = startInProcess(['webhook', 'listen', '--port', '0', ...args], { env: env(), ...o });
  stops.push(l.abort);
  return l;
}

/** A stdout whose writes complete only when the test says so (a reader that stalled), or fail. */
class ControlledStdout extends Writable {
  chunks: string[] = [];
  held: Array<() => void> = [];
  failWith?: NodeJS.ErrnoException;
  stalled = true;
  constructor() {
    super();
    // The shim listens for stream errors in the real CLI; here the test stands in for it.
    this.on('error', () => {});
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error) => void): void {
    if (this.failWith) return cb(this.failWith);
    this.chunks.push(chunk.toString());
    if (this.stalled) this.held.push(() => cb());
    else cb();
  }
  release(): void {
    this.stalled = false;
    for (const h of this.held.splice(0)) h();
  }
}

function listenWith(stdout: Writable, args: string[]) {
  const ac = new AbortController();
  const { io: base, stderr } = fakeIo({ env: env() });
  const io: Io = { ...base, stdout, signal: ac.signal };
  const done = main(['webhook', 'listen', '--port', '0', ...args], io);
  stops.push(() => ac.abort());
  const url = async () =>
    (
      await waitUntil(() => /Listening on (http:\/\/\S+)/.exec(stderr.text), {
        what: () => `the listener: ${stderr.text}`,
      })
    )[1]!;
  return { done, url, stderr: () => stderr.text, abort: () => ac.abort() };
}

const until = (cond: () => boolean, what: string) => waitUntil(cond, { what });

describe('--record keeps only whole lines (item 1, injected short write)', () => {
  it('a short write then ENOSPC: the append fails with 507 and the file is cut back to its last whole line', async () => {
    const file = path.join(tempDir(), 'rec.ndjson');
    let calls = 0;
    const rec = await LineAppender.open(file, {
      write: async (fh, buf, off, len) => {
        calls++;
        if (calls === 1) return (await fh.write(buf, off, len)).bytesWritten; // the first line, whole
        if (calls === 2) return (await fh.write(buf, off, Math.floor(len / 2))).bytesWritten; // half of the second
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    });
    await rec.append('{"n":1}');
    await expect(rec.append(`{"n":2,"pad":"${'x'.repeat(100)}"}`)).rejects.toMatchObject({ status: 507 });
    expect(fs.readFileSync(file, 'utf8')).toBe('{"n":1}\n');
    await rec.close();
  });

  it('through the listener: the sender gets 507, never 200, for the event not kept', async () => {
    const file = path.join(tempDir(), 'rec.ndjson');
    let n = 0;
    const rec = await LineAppender.open(file, {
      write: async (fh, buf, off, len) =>
        ++n === 1
          ? (await fh.write(buf, off, len)).bytesWritten
          : n === 2
            ? (await fh.write(buf, off, 10)).bytesWritten
            : 0,
    });
    const accepted: string[] = [];
    const l = await startListener(
      { host: '127.0.0.1', port: 0, path: '/', maxBody: 1 << 20, record: rec },
      { accepted: (ev) => void accepted.push(ev.line), rejected: () => {} },
    );
    // The listener does not own the file: closed here, or the handle is left to the collector (DEP0137).
    stops.push(
      () => l.close(),
      () => rec.close(),
    );
    expect((await post(l.url, '{"a":1}')).status).toBe(200);
    expect((await post(l.url, '{"a":2}')).status).toBe(507);
    expect(accepted).toEqual(['{"a":1}']);
    const lines = fs.readFileSync(file, 'utf8');
    expect(lines.endsWith('\n')).toBe(true);
    expect(lines.trim().split('\n')).toHaveLength(1);
  });

  it('a fragment left by a crash is cut off when the file is opened again', async () => {
    const file = path.join(tempDir(), 'rec.ndjson');
    fs.writeFileSync(file, '{"a":1}\n{"a":');
    const rec = await LineAppender.open(file);
    await rec.append('{"a":2}');
    await rec.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
  });
});

describe('--record must name a regular file', () => {
  it('a FIFO with no reader: exit 2 at start, no hang', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      needs('mkfifo (apt-get install coreutils)');
    }
    const r = await cli(['webhook', 'listen', '--port', '0', '--record', fifo], { env: env(), timeoutMs: 8_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --record must name a regular file/m);
  });

  it('/dev/null and a directory: exit 2', async () => {
    expect((await run(['webhook', 'listen', '--port', '0', '--record', '/dev/null'], { env: env() })).code).toBe(2);
    expect((await run(['webhook', 'listen', '--port', '0', '--record', tempDir()], { env: env() })).code).toBe(2);
  });
});

describe('rejected requests are answered at once (item 4)', () => {
  it('an endless chunked POST without a key gets its 401 and the connection is closed, its body not read', async () => {
    const l = listen(['--max-body', '1024']);
    const url = new URL(await l.url());
    const sock = net.connect(Number(url.port), '127.0.0.1');
    let got = '';
    let sent = 0;
    let closed = false;
    sock.on('data', (d) => (got += d.toString('latin1')));
    sock.on('error', () => {});
    const gone = new Promise<void>((r) => sock.on('close', () => ((closed = true), r())));
    sock.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
    const chunk = `4000\r\n${'x'.repeat(0x4000)}\r\n`;
    // Keep sending as fast as the server takes it, up to 256 MiB: it must hang up long before.
    while (!closed && sent < 256 * 1024 * 1024) {
      sent += chunk.length;
      if (!sock.write(chunk)) await Promise.race([new Promise((r) => sock.once('drain', r)), gone]);
    }
    await gone;
    expect(got).toMatch(/^HTTP\/1\.1 401/);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(l.stderr()).toMatch(/401 POST \/ from .*missing x-api-key/);
  });

  it('a wrong path or method with a huge declared body is answered without reading it', async () => {
    const l = listen();
    const url = new URL(await l.url());
    for (const head of ['POST /other HTTP/1.1', 'PUT / HTTP/1.1']) {
      const sock = net.connect(Number(url.port), '127.0.0.1');
      let got = '';
      sock.on('data', (d) => (got += d.toString('latin1')));
      sock.on('error', () => {});
      await new Promise<void>((resolve) => {
        sock.on('close', () => resolve());
        sock.write(`${head}\r\nhost: x\r\nx-api-key: ${KEY}\r\ncontent-length: 1000000000000\r\n\r\n{`);
      });
      expect(got).toMatch(/^HTTP\/1\.1 40[45]/);
      // The server hangs up itself instead of waiting for a body it will never use.
      expect(got).toMatch(/\r\nconnection: close\r\n/i);
    }
  });

  it('the reject line hides a key the sender put in the URL path', async () => {
    const l = listen();
    const url = new URL(await l.url());
    expect((await post(`${url.origin}/${KEY}`, '{}', { 'x-api-key': KEY })).status).toBe(404);
    expect((await post(`${url.origin}/hooks/${encodeURIComponent(KEY)}x`, '{}', { 'x-api-key': KEY })).status).toBe(
      404,
    );
    expect(l.stderr()).toContain('404 POST /[redacted]');
    expect(l.stderr()).not.toContain(KEY);
  });
});

describe('--count N accepts exactly N (item 6)', () => {
  it('twenty events at once with --count 1 --record: one 200, the rest 503, stdout one entry, exit 0', async () => {
    const file = path.join(tempDir(), 'rec.ndjson');
    const l = listen(['--count', '1', '--json', '--record', file]);
    const url = await l.url();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(url, JSON.stringify({ ...EVENT, i }), { 'x-api-key': KEY }).catch(() => ({ status: 0 })),
      ),
    );
    const codes = results.map((r) => r.status);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c !== 200 && c !== 503 && c !== 0)).toEqual([]);
    expect(await l.done).toBe(0);
    expect(l.stdout().trim().split('\n')).toHaveLength(1);
    JSON.parse(l.stdout());
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('stdout back-pressure (item 7)', () => {
  it('the 200 waits until stdout has taken the entry', async () => {
    const out = new ControlledStdout();
    const l = listenWith(out, ['--json']);
    const url = await l.url();
    let answered = false;
    const first = post(url, JSON.stringify(EVENT), { 'x-api-key': KEY }).then((r) => ((answered = true), r));
    await until(() => out.chunks.length === 1, 'the entry to reach stdout');
    // A full round trip to the same listener: a 200 sent at write time would have arrived by now.
    expect((await post(url.replace(/\/$/, '/elsewhere'), '{}')).status).toBe(404);
    expect(answered).toBe(false);
    out.release();
    expect((await first).status).toBe(200);
  });

  it('a stdout that fails (a full disk): the event gets 503, the listener stops with one error line, exit 1', async () => {
    const out = new ControlledStdout();
    out.failWith = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const l = listenWith(out, ['--json']);
    const url = await l.url();
    const r = await post(url, JSON.stringify(EVENT), { 'x-api-key': KEY }).catch(() => ({ status: 0 }));
    expect(r.status).not.toBe(200);
    expect(await l.done).toBe(1);
    expect(l.stderr()).toMatch(/^error: cannot write to stdout: no space left on device$/m);
    expect(l.stderr()).not.toMatch(/\n\s+at /);
  });

  it('EPIPE on stdout stops the listener quietly with exit 0', async () => {
    const out = new ControlledStdout();
    out.failWith = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    const l = listenWith(out, ['--json']);
    const url = await l.url();
    const r = await post(url, JSON.stringify(EVENT), { 'x-api-key': KEY }).catch(() => ({ status: 0 }));
    expect(r.status).not.toBe(200);
    expect(await l.done).toBe(0);
    expect(l.stderr()).not.toMatch(/^error:/m);
  });
});

describe("the sender's bytes are kept (item 8)", () => {
  const body =
    '{ "event" : "send_message",\n  "n": 12345678901234567890, "big": 1e400, "d": 1.10,\t"s": "a \\u00e9 \\"q\\" b",\r\n "arr": [ 1 , 2 ] }';
  const compact =
    '{"event":"send_message","n":12345678901234567890,"big":1e400,"d":1.10,"s":"a \\u00e9 \\"q\\" b","arr":[1,2]}';

  it('compactJson drops only insignificant whitespace', () => {
    expect(compactJson(body)).toBe(compact);
    expect(compactJson('"  a  "')).toBe('"  a  "');
    // Compact already (the fast path), loose only at the ends, and a string that looks loose.
    expect(compactJson('{"a":"b c","d":[1,2]}')).toBe('{"a":"b c","d":[1,2]}');
    expect(compactJson(' {"a":1}\n')).toBe('{"a":1}');
    expect(compactJson('{"a":"x, y ]"}')).toBe('{"a":"x, y ]"}');
    expect(compactJson('[1,\t2]')).toBe('[1,2]');
  });

  it('stdout, --record and replay carry the numbers and escapes exactly as sent', async () => {
    const file = path.join(tempDir(), 'rec.ndjson');
    const l = listen(['--json', '--record', file]);
    const url = await l.url();
    expect((await post(url, body, { 'x-api-key': KEY })).status).toBe(200);
    expect(l.stdout()).toBe(`${compact}\n`);
    const line = fs.readFileSync(file, 'utf8').trim();
    expect(memberText(line, 'body')).toBe(compact);
    l.abort();
    await l.done;
    const target = await startServer((_r, res) => sendJson(res, 200, { ok: true }));
    stops.push(() => target.close());
    const r = await run(['webhook', 'replay', file, '--to', target.url], { env: env() });
    expect(r.code).toBe(0);
    expect(target.requests[0]!.body).toBe(compact);
  });
});

describe('senders that half-close (nc -N)', () => {
  it('with --record, a request followed by a FIN still gets its 200', async () => {
    const file = path.join(tempDir(), 'rec.ndjson');
    const l = listen(['--record', file]);
    const url = new URL(await l.url());
    const payload = JSON.stringify(EVENT);
    const got = await new Promise<string>((resolve) => {
      const sock = net.connect(Number(url.port), '127.0.0.1');
      let text = '';
      sock.on('data', (d) => (text += d.toString()));
      sock.on('error', () => resolve(text));
      sock.on('close', () => resolve(text));
      sock.end(
        `POST / HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
      );
    });
    expect(got).toMatch(/^HTTP\/1\.1 200/);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('the terminal block escapes what senders send', () => {
  it('an event without a data object: C1 and bidi characters are shown as \\u escapes', async () => {
    const l = listen([], { tty: true, env: { ...env(), NO_COLOR: '1' } });
    const url = await l.url();
    const r = await post(url, JSON.stringify({ event: 'x', other: 'A\u009b31mB\u202eC\u0085D' }), { 'x-api-key': KEY });
    expect(r.status).toBe(200);
    expect(l.stdout()).toContain('\\u009b31mB\\u202eC\\u0085D');
    expect(l.stdout()).not.toMatch(RAW);
  });

  it('--json on a terminal: the line stays valid JSON with C1 written as \\u escapes', async () => {
    const l = listen(['--json'], { tty: true });
    const url = await l.url();
    const sent = JSON.stringify({ event: 'x', s: 'A\u009bB' });
    await post(url, sent, { 'x-api-key': KEY });
    expect(l.stdout()).not.toMatch(RAW);
    expect(JSON.parse(l.stdout())).toEqual(JSON.parse(sent));
  });
});

describe('the terminal block keeps one header line', () => {
  it('a thread_fid with a newline and escapes cannot start a forged line', async () => {
    const l = listen([], { tty: true, env: { ...env(), NO_COLOR: '1' } });
    const url = await l.url();
    await post(
      url,
      JSON.stringify({ event: 'send_message', data: { thread_fid: 'a\nFORGED \x1b[2J', user_fid: 'u', body: 'b' } }),
      { 'x-api-key': KEY },
    );
    expect(l.stdout()).toContain('thread a\\nFORGED \\x1b[2J');
    expect(
      l
        .stdout()
        .split('\n')
        .some((line) => line.startsWith('FORGED')),
    ).toBe(false);
  });
});

describe('headers read without building req.headers', () => {
  const raw = (url: string, headers: string[], body: string) =>
    new Promise<string>((resolve, reject) => {
      const u = new URL(url);
      const s = net.connect(Number(u.port), u.hostname, () =>
        s.end(
          `POST ${u.pathname} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`,
        ),
      );
      let out = '';
      s.on('data', (d) => (out += d));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });

  it('the key in any case is accepted; two x-api-key headers are one wrong key, even when one is right', async () => {
    const l = listen(['--json']);
    const url = await l.url();
    const body = JSON.stringify(EVENT);
    expect(await raw(url, [`X-Api-Key: ${KEY}`], body)).toMatch(/^HTTP\/1\.1 200/);
    expect(await raw(url, [`x-api-key: ${KEY}`, 'x-api-key: other'], body)).toMatch(/^HTTP\/1\.1 401/);
    expect(await raw(url, ['x-api-key: other', `X-API-KEY: ${KEY}`], body)).toMatch(/^HTTP\/1\.1 401/);
    // Over the 1,000 header fields Node keeps (req.headers would drop the rest), a request is refused
    // whole, on every Node line: Node 22.23+ and 24 do it in the parser, the listener on Node 20.
    const many = Array.from({ length: 1000 }, (_, i) => `h${i}: v`);
    expect(await raw(url, [...many, `x-api-key: ${KEY}`], body)).toMatch(/^HTTP\/1\.1 431/);
    expect(await raw(url, [`x-api-key: ${KEY}`, ...many, 'x-api-key: other'], body)).toMatch(/^HTTP\/1\.1 431/);
    // Right at the limit (1,000 fields in all), the key is read wherever it stands.
    const most = many.slice(0, 1000 - 5);
    expect(await raw(url, [...most, `x-api-key: ${KEY}`], body)).toMatch(/^HTTP\/1\.1 200/);
    expect(await raw(url, [...most, 'x-api-key: other'], body)).toMatch(/^HTTP\/1\.1 401/);
    expect(l.stdout().trimEnd().split('\n')).toHaveLength(2);
  });

  it('a request pipelined behind a refused one is not accepted: no line without a 200 (found in review)', async () => {
    const l = listen(['--json']);
    const url = await l.url();
    const u = new URL(url);
    const req = (key: string, n: number) => {
      const body = JSON.stringify({ ...EVENT, n });
      return `POST ${u.pathname} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nx-api-key: ${key}\r\n\r\n${body}`;
    };
    const out = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(u.port), u.hostname, () => s.write(req(KEY, 1) + req('wrong', 2) + req(KEY, 3)));
      let text = '';
      s.on('data', (d) => (text += d));
      s.on('close', () => resolve(text));
      s.on('error', reject);
    });
    expect(out.match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 401']);
    const lines = l.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).n).toBe(1);
  });

  it('a declared Content-Length over --max-body, in any case, is refused with 413 before the body is read', async () => {
    const l = listen(['--json', '--max-body', '64']);
    const url = await l.url();
    const body = JSON.stringify({ ...EVENT, pad: 'x'.repeat(100) });
    // The helper writes "Content-Length"; the same in upper case from a raw request below.
    expect(await raw(url, [`x-api-key: ${KEY}`], body)).toMatch(/^HTTP\/1\.1 413/);
    const upper = await new Promise<string>((resolve, reject) => {
      const u = new URL(url);
      const s = net.connect(Number(u.port), u.hostname, () =>
        s.end(
          `POST ${u.pathname} HTTP/1.1\r\nHOST: x\r\nCONTENT-LENGTH: ${Buffer.byteLength(body)}\r\nX-API-KEY: ${KEY}\r\nConnection: close\r\n\r\n`,
        ),
      );
      let out = '';
      s.on('data', (d) => (out += d));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    // Answered without the body ever being sent: the limit came from the header.
    expect(upper).toMatch(/^HTTP\/1\.1 413/);
    expect(l.stdout()).toBe('');
  });
});
