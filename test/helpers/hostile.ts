import fs from 'node:fs';
import net from 'node:net';

/** mulberry32: a small seeded generator, so a failing fuzz run can be replayed with its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Case {
  kind: string;
  bytes: Buffer;
  /** Close our side after sending, without waiting for an answer. */
  abandon?: boolean;
}

const EVENT = '{"event":"send_message","data":{"body":"fuzz","thread_fid":"f","user_fid":"u"}}';

function request(method: string, headers: string[], body: Buffer | string, path = '/'): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([
    Buffer.from(
      `${method} ${path} HTTP/1.1\r\nhost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}content-length: ${b.length}\r\n\r\n`,
    ),
    b,
  ]);
}

/** One malformed (or occasionally valid) request of a random kind. */
export function hostileCase(r: () => number, key: string): Case {
  const pick = Math.floor(r() * 12);
  const k = `x-api-key: ${key}`;
  const randBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
  switch (pick) {
    case 0:
      return { kind: 'random-bytes', bytes: randBytes(1 + Math.floor(r() * 2000)) };
    case 1:
      return {
        kind: 'bad-method',
        bytes: request(['GET', 'PUT', 'DELETE', 'FROB', 'PATCH'][Math.floor(r() * 5)]!, [k], EVENT),
      };
    case 2:
      return {
        kind: 'huge-header',
        bytes: request('POST', [k, `x-pad: ${'a'.repeat(20_000 + Math.floor(r() * 50_000))}`], EVENT),
      };
    case 3:
      return {
        kind: 'duplicate-headers',
        bytes: request(
          'POST',
          [k, k, 'x-api-key: other', ...Array.from({ length: 50 }, (_, i) => `x-dup: ${i}`)],
          EVENT,
        ),
      };
    case 4:
      return {
        kind: 'invalid-utf8',
        bytes: request(
          'POST',
          [k],
          Buffer.concat([Buffer.from('{"event":"'), randBytes(20).map((b) => b | 0x80), Buffer.from('"}')]),
        ),
      };
    case 5: {
      const i = Math.floor(r() * EVENT.length);
      const mutated = EVENT.slice(0, i) + ['', '"', '{', ',', '\u0000', ']'][Math.floor(r() * 6)] + EVENT.slice(i + 1);
      return { kind: 'almost-json', bytes: request('POST', [k], mutated) };
    }
    case 6:
      return { kind: 'deep-nesting', bytes: request('POST', [k], `${'['.repeat(100_000)}${']'.repeat(100_000)}`) };
    case 7:
      return {
        kind: 'wrong-content-type',
        bytes: request(
          'POST',
          [k, `content-type: ${['text/plain', 'application/xml', 'multipart/form-data', '🙂'][Math.floor(r() * 4)]}`],
          EVENT,
        ),
      };
    case 8:
      return {
        kind: 'endless-chunked',
        bytes: Buffer.from(`POST / HTTP/1.1\r\nhost: x\r\n${k}\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"eve\r\n`),
        abandon: true,
      };
    case 9:
      return { kind: 'wrong-key', bytes: request('POST', [`x-api-key: ${key.slice(0, -1)}x`], EVENT) };
    case 10:
      return { kind: 'oversize', bytes: request('POST', [k], `{"pad":"${'z'.repeat(1_100_000)}"}`) };
    default:
      return {
        kind: 'bad-framing',
        bytes: Buffer.from(`POST / HTTP/1.1\r\n${k}\r\ncontent-length: 5\r\ncontent-length: 7\r\n\r\n{}`),
      };
  }
}

/** Sends raw bytes; resolves with the status code of the answer, or 0 when there was none. */
export function sendRaw(port: number, c: Case, timeoutMs = 3000): Promise<number> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(t);
      sock.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      resolve(m ? Number(m[1]) : 0);
    };
    const t = setTimeout(done, c.abandon ? 50 : timeoutMs);
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (/\r\n\r\n/.test(got)) done();
    });
    sock.on('error', done);
    sock.on('close', done);
    sock.write(c.bytes);
  });
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}
