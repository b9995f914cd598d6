import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { headersFrom } from '../../src/webhook/inspect/headers.js';
import { EventStore, RESPONSE_LIMIT, hideInJson, keyForms } from '../../src/webhook/inspect/store.js';

const KEY = 'gsk_test_store_0123456789';
const received = (line: string, rawHeaders: string[] = ['X-Api-Key', KEY]) => ({
  line,
  raw: line,
  receivedAt: new Date('2026-01-02T03:04:05.678Z'),
  rawHeaders,
});

/** What Node's own req.headers is for these raw header lines. */
function nodeHeaders(lines: string): Promise<{ headers: http.IncomingHttpHeaders; raw: string[] }> {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      resolve({ headers: req.headers, raw: req.rawHeaders });
      res.end();
      server.close();
    });
    server.listen(0, '127.0.0.1', () => {
      const c = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1', () =>
        c.end(`POST / HTTP/1.1\r\n${lines}Connection: close\r\nContent-Length: 0\r\n\r\n`),
      );
      c.on('data', () => {});
    });
  });
}

describe('the inspector store', () => {
  it('builds headers from the raw lines exactly as Node builds req.headers', async () => {
    const { headers, raw } = await nodeHeaders(
      'Host: a\r\nHost: b\r\nX-A: 1\r\nx-a: 2\r\nSet-Cookie: s1\r\nset-cookie: s2\r\nCookie: c1\r\nCookie: c2\r\n' +
        'User-Agent: u1\r\nUser-Agent: u2\r\nContent-Type: application/json\r\ncontent-type: text/plain\r\n' +
        'X-Api-Key: k1\r\nX-API-KEY: k2\r\nAuthorization: one\r\nauthorization: two\r\n',
    );
    expect(headersFrom(raw)).toEqual(headers);
  });

  it('keeps the newest events within the count and the bytes, counting the dropped ones', () => {
    const byCount = new EventStore({ maxEvents: 3, maxBytes: 1e9 }, keyForms(KEY));
    for (let i = 1; i <= 5; i++) byCount.add(received(`{"i":${i}}`));
    expect(JSON.parse(byCount.listJson()).map((e: { id: number }) => e.id)).toEqual([5, 4, 3]);
    expect(byCount.dropped).toBe(2);
    expect(byCount.get(2)).toBeUndefined();

    // Large bodies: the byte budget drops older ones first, but keeps the newest whatever its size.
    const byBytes = new EventStore({ maxEvents: 1000, maxBytes: 50_000 }, []);
    const big = `{"b":"${'x'.repeat(10_000)}"}`;
    for (let i = 0; i < 10; i++) byBytes.add(received(big));
    expect(byBytes.size).toBeLessThan(10);
    expect(byBytes.size).toBeGreaterThan(0);
    expect(byBytes.dropped).toBe(10 - byBytes.size);
    const huge = `{"b":"${'y'.repeat(100_000)}"}`;
    byBytes.add(received(huge));
    expect(byBytes.size).toBe(1);
    expect(JSON.parse(byBytes.listJson())[0].body.b).toHaveLength(100_000);
  });

  it('a forward answer is cut at 64 KiB and the key hidden in it', () => {
    const store = new EventStore({ maxEvents: 10, maxBytes: 1e9 }, keyForms(KEY));
    const e = store.add(received('{"a":1}'));
    store.setForward(e, { status: 200, latency_ms: 3, response_body: `${KEY} ${'z'.repeat(RESPONSE_LIMIT)}` });
    const f = JSON.parse(e.json).forward;
    expect(f.truncated).toBe(true);
    expect(f.response_body).toHaveLength(RESPONSE_LIMIT - KEY.length + '[redacted]'.length);
    expect(f.response_body.startsWith('[redacted] zzz')).toBe(true);
    expect(e.json).not.toContain(KEY);
    // The headers: the x-api-key header, and any other value that carries the key.
    const h = store.add(received('{}', ['X-Api-Key', KEY, 'X-Other', `Bearer ${KEY}`, 'X-Fine', 'ok']));
    expect(JSON.parse(h.json).headers).toEqual({ 'x-api-key': '[redacted]', 'x-other': '[redacted]', 'x-fine': 'ok' });
  });

  it('hides the key inside JSON strings, and hides a body that holds it anywhere else', () => {
    const forms = keyForms(KEY);
    expect(hideInJson(`{"a":"x ${KEY} y","b":"\\"${KEY}"}`, forms)).toBe('{"a":"x [redacted] y","b":"\\"[redacted]"}');
    expect(hideInJson('{"a":1}', forms)).toBe('{"a":1}');
    const digits = keyForms('12345678');
    expect(JSON.parse(hideInJson('{"n":9123456789}', digits))).toBe('[hidden: it carries the API key]');
    expect(hideInJson('{"n":"9123456789"}', digits)).toBe('{"n":"9[redacted]9"}');
    expect(keyForms('abc')).toEqual([]);
    expect([...keyForms('a b/c+d')].sort()).toEqual(['a b/c+d', 'a%20b%2Fc%2Bd']);
  });
});
