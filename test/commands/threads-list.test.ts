import { Writable } from 'node:stream';
import http from 'node:http';
import { afterEach, describe, expect, it, afterAll, beforeAll } from 'vitest';
import { fakeIo, run, startInProcess, tempDir } from '../helpers/io.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { main } from '../../src/cli.js';

// `threads list --json` in a pipe streams the API's array to stdout as it arrives (issue 13):
// the same bytes, checked on the way, and every way it can end badly still ends with exit 1.

const KEY = 'gsk_test_stream_0123456789';
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(respond: (res: http.ServerResponse) => unknown): Promise<Record<string, string>> {
  server = await startServer((_req, res) => respond(res));
  return { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url };
}

const threads = (n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ thread_fid: `t-${i}`, subject: `Subject ${i}` })));

describe('threads list --json, piped: the streamed pass-through', () => {
  it('writes the start before the API has sent the rest, and the whole array byte for byte', async () => {
    let seen = false;
    let sent = ' [{"thread_fid":"first"}';
    const env = await serve(async (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(sent);
      // More elements until the start shows on stdout: a buffered pass-through never shows it.
      for (let i = 0; !seen && i < 2000; i++) {
        const more = `,{"n":${i}}`;
        sent += more;
        res.write(more);
        await new Promise((r) => setTimeout(r, 5));
      }
      sent += ',{"thread_fid":"last"}]  ';
      res.end(',{"thread_fid":"last"}]  ');
    });
    const p = startInProcess(['threads', 'list', '--json'], { env });
    await p.waitFor(/^ \[\{"thread_fid":"first"\}/, 'stdout');
    seen = true;
    expect(p.stdout()).not.toContain('last');
    expect(await p.done).toBe(0);
    expect(p.stdout()).toBe(`${sent}\n`);
  });

  it('a body that goes on after its ] is an error with exit 1 (not JSON), and the closing ] is never written', async () => {
    const env = await serve((res) => {
      const body = '[{"thread_fid":"a"},{"thread_fid":"b"}\n<html>oops</html>';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    const r = await run(['threads', 'list', '--json'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: unexpected response from the API \(200 OK, application\/json\), not JSON: \[\{"thread_fid":"a"\}/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout.trimEnd().endsWith(']')).toBe(false);
  });

  it('a body cut off mid-array is exit 1 naming the cut, with no closing ]', async () => {
    const env = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('[{"thread_fid":"a"},{"thread_f');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const r = await run(['threads', 'list', '--json'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was cut off after \d+ bytes/);
    expect(r.stdout).not.toContain(']');
  });

  it('a body that is not an array (HTML, an object) is not streamed: nothing on stdout, exit 1 with its start', async () => {
    const env = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('  <html><body>captive portal</body></html>');
    });
    const r = await run(['threads', 'list', '--json'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/not JSON: <html><body>captive portal/);
  });

  it('a JSON object instead of an array: nothing on stdout, exit 1', async () => {
    const env = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"threads":[]}');
    });
    const r = await run(['threads', 'list', '--json'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('expected a JSON array');
  });

  it('a byte-order mark before the array is still accepted (parsed, not streamed)', async () => {
    const env = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`\ufeff${threads(2)}`);
    });
    const r = await run(['threads', 'list', '--json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(threads(2)));
  });

  it('an error status is not streamed: the API error, exit code of its class', async () => {
    const env = await serve((res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('[{"message":"boom"}]');
    });
    const r = await run(['threads', 'list', '--json'], { env: { ...env, GURUSUP_RETRIES: '0' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('waits for a slow reader: stdout never holds more than a few chunks of a 6 MB body', async () => {
    const body = threads(120_000);
    const env = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    const { io, stderr } = fakeIo({ env });
    const got: Buffer[] = [];
    let most = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        got.push(Buffer.from(chunk));
        setImmediate(cb);
      },
    });
    const origWrite = slow.write.bind(slow);
    slow.write = ((...a: Parameters<typeof origWrite>) => {
      const r = origWrite(...a);
      most = Math.max(most, slow.writableLength);
      return r;
    }) as typeof slow.write;
    io.stdout = slow;
    const code = await main(['threads', 'list', '--json'], io);
    await new Promise<void>((r) => slow.end(r));
    expect(stderr.text).toBe('');
    expect(code).toBe(0);
    expect(Buffer.concat(got).toString()).toBe(`${body}\n`);
    // Without back-pressure the whole body would be queued in stdout at once.
    expect(most).toBeLessThan(1024 * 1024);
    expect(Buffer.byteLength(body)).toBeGreaterThan(5 * 1024 * 1024);
  });

  it('a stdout that fails mid-stream (disk full) is one error line and exit 1', async () => {
    const body = threads(50_000);
    const env = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    const { io, stderr } = fakeIo({ env });
    let n = 0;
    io.stdout = new Writable({
      highWaterMark: 16 * 1024,
      write(_chunk, _enc, cb) {
        if (++n > 2) return cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
        cb();
      },
    });
    io.stdout.on('error', () => {});
    const code = await main(['threads', 'list', '--json'], io);
    expect(code).toBe(1);
    expect(stderr.text).toMatch(/^error: cannot write to stdout: no space left on device\n/);
    expect(stderr.text).not.toMatch(/\n\s+at /);
  });

  it('a reader that goes away (EPIPE) stops quietly with exit 0', async () => {
    const body = threads(50_000);
    const env = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    const { io, stderr } = fakeIo({ env });
    let n = 0;
    io.stdout = new Writable({
      write(_chunk, _enc, cb) {
        if (++n > 1) return cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        cb();
      },
    });
    io.stdout.on('error', () => {});
    const code = await main(['threads', 'list', '--json'], io);
    expect(code).toBe(0);
    expect(stderr.text).toBe('');
  });

  it('with a field list, a filter or a limit, the array is parsed as before (no pass-through)', async () => {
    const env = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`  ${threads(3)}  `);
    });
    const r = await run(['threads', 'list', '--json', '--limit', '2'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(threads(2)));
    expect(r.stdout.startsWith('  ')).toBe(false);
  });
});

describe('a body that is not JSON', () => {
  // Review: piped `threads list --json` passed the body through when its first and last non-blank
  // bytes were [ and ], so a body that is not JSON in between was printed with exit 0. The
  // pass-through now checks the bytes as JSON on the way (a scanner, no values built).

  let api: http.Server;
  let url: string;

  beforeAll(async () => {
    api = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[{"thread_fid":"a"}, <html>proxy error</html> ]');
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  });
  afterAll(() => api.close());

  describe('threads list --json, piped, with a body that is not JSON between [ and ]', () => {
    it('without --json: exit 1, not JSON', async () => {
      const r = await run(['threads', 'list'], {
        env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: 'gsk_test_review_pass_0123456', GURUSUP_BASE_URL: url },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/not JSON/);
    });

    it('with --json: exit 1 as well, the same error line, nothing on stdout', async () => {
      const r = await run(['threads', 'list', '--json'], {
        env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: 'gsk_test_review_pass_0123456', GURUSUP_BASE_URL: url },
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const message =
        'unexpected response from the API (200 OK, application/json), not JSON: [{"thread_fid":"a"}, <html>proxy error</html> ]';
      expect(r.stderr).toBe(
        `error: ${message}\n` +
          'hint: is --base-url pointing at the Gurusup API? A proxy or captive portal may be answering instead\n' +
          `${JSON.stringify({ error: { message, status: 200, exit_code: 1 } })}\n`,
      );
    });

    it('with --json, the bad bytes arriving after some were printed: what is printed never reads as a whole array', async () => {
      const chunks = ['[{"thread_fid":"a"}', ',{"thread_fid":"b"}', ',{"thread_fid":"c" <html>}', ']'];
      const server = http.createServer(async (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        for (const c of chunks) {
          res.write(c);
          await new Promise((r) => setImmediate(r));
        }
        res.end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const r = await run(['threads', 'list', '--json'], {
          env: {
            GURUSUP_CONFIG_DIR: tempDir(),
            GURUSUP_API_KEY: 'gsk_test_review_pass_0123456',
            GURUSUP_BASE_URL: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
          },
        });
        expect(r.code).toBe(1);
        // Written: only chunks known to be JSON, and never the bad one or the ] after it.
        expect(chunks.join('').startsWith(r.stdout)).toBe(true);
        expect(r.stdout).not.toContain('html');
        expect(r.stdout).not.toMatch(/\]\s*$/);
        expect(r.stderr).toMatch(/^error: unexpected response from the API \(200 OK, application\/json\), not JSON: /);
      } finally {
        server.close();
      }
    });
  });
});
