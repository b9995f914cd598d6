// The one key check and the one size-limited body reader that the webhook listener and the sandbox
// share (src/server/http-server.ts), over real loopback requests.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keyDigest, keyMatches, readBodyLimited, type BodyRead } from '../../src/server/http-server.js';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server whose handler reads the body with the limit and reports what it got. */
async function reader(limit: number): Promise<{ port: number; next: () => Promise<BodyRead> }> {
  const results: Array<(r: BodyRead) => void> = [];
  const got: BodyRead[] = [];
  server = http.createServer(async (req, res) => {
    const r = await readBodyLimited(req, limit);
    const waiting = results.shift();
    if (waiting) waiting(r);
    else got.push(r);
    if (!res.destroyed) res.end('ok');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { port, next: () => (got.length ? Promise.resolve(got.shift()!) : new Promise((r) => results.push(r))) };
}

function send(port: number, raw: string, end = true): net.Socket {
  const s = net.connect(port, '127.0.0.1', () => (end ? s.end(raw) : s.write(raw)));
  s.on('error', () => {});
  s.resume();
  return s;
}

describe('readBodyLimited', () => {
  it('reads a body whole, across chunks', async () => {
    const r = await reader(100);
    send(
      r.port,
      'POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );
    const got = await r.next();
    expect('body' in got && got.body.toString()).toBe('hello world');
  });

  it('a declared length over the limit is refused before any byte is kept', async () => {
    const r = await reader(10);
    send(r.port, 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 11\r\n\r\nhello world');
    expect(await r.next()).toEqual({ tooLarge: 0 });
  });

  it('an undeclared (chunked) body is cut off as soon as it passes the limit', async () => {
    const r = await reader(10);
    send(
      r.port,
      'POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n',
    );
    expect(await r.next()).toEqual({ tooLarge: 16 });
  });

  it('a sender that leaves mid-body is `gone`', async () => {
    const r = await reader(100);
    const s = send(r.port, 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 50\r\n\r\nonly part', false);
    setTimeout(() => s.destroy(), 50);
    expect(await r.next()).toEqual({ gone: true });
  });
});

describe('keyMatches', () => {
  it('the key or its digest; anything else, or nothing, does not match', () => {
    const d = keyDigest('gsk_the_key');
    expect(keyMatches('gsk_the_key', d)).toBe(true);
    expect(keyMatches('gsk_the_key', 'gsk_the_key')).toBe(true);
    expect(keyMatches('gsk_the_kez', d)).toBe(false);
    expect(keyMatches('gsk_the_key_', d)).toBe(false);
    expect(keyMatches('', d)).toBe(false);
    expect(keyMatches(undefined, d)).toBe(false);
  });
});
