import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startInProcess, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Review: a password in a URL was shown by `auth status` (table, TSV and --json, and its spinner),
// by `webhook trigger`'s status line and by the listener's failed-forward lines.

const KEY = 'gsk_test_review_secrets_012345678';
const PW = 's3cretPW99';
let api: TestServer;
let env: Record<string, string>;
const withPw = (url: string) => url.replace('http://', `http://bob:${PW}@`);

/** GET /threads is answered once this opens: on a terminal, after the spinner was seen. */
let gate: Promise<void> = Promise.resolve();

beforeAll(async () => {
  api = await startServer((req, res) => {
    if (req.path.endsWith('/threads')) return void gate.then(() => sendJson(res, 200, []));
    return sendJson(res, 500, { message: 'receiver down' });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, FORCE_COLOR: '0' };
});
afterAll(() => api.close());

describe('a password in a URL is never shown', () => {
  it.each([
    ['piped', {}],
    ['--json', { json: true }],
    ['on a terminal (with its spinner)', { tty: true }],
  ])('auth status, %s', async (_name, o: { json?: boolean; tty?: boolean }) => {
    let open = () => {};
    if (o.tty) gate = new Promise((r) => (open = r));
    const p = startInProcess(['auth', 'status', '--base-url', withPw(api.url), ...(o.json ? ['--json'] : [])], {
      env,
      tty: o.tty,
    });
    // The spinner's text, while the check waits.
    if (o.tty) await p.waitFor(/Checking the key with http:\/\/\[redacted\]@127\.0\.0\.1/);
    open();
    expect(await p.done).toBe(0);
    expect(p.stdout()).toContain('//[redacted]@127.0.0.1');
    expect(p.stdout() + p.stderr()).not.toContain(PW);
  });

  it('webhook trigger --to with a password', async () => {
    const r = await run(['webhook', 'trigger', '--to', withPw(`${api.url}/hook`)], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('500 Internal Server Error');
    expect(r.stdout + r.stderr).not.toContain(PW);
    // Sent as the credentials they are, as curl would, to the receiver only.
    const got = api.requests.at(-1)!;
    expect(got.path).toBe('/hook');
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from(`bob:${PW}`).toString('base64')}`);
  });

  it('webhook listen --forward-to with a password: failing and refused targets', async () => {
    for (const target of [`${api.url}/hook`, 'http://127.0.0.1:1/hook']) {
      const p = startInProcess(['webhook', 'listen', '--port', '0', '--forward-to', withPw(target)], { env });
      const url = await p.url();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: '{"event":"e"}',
      });
      expect(res.status).toBe(200);
      await p.waitFor(/✗ .*forward/);
      p.abort();
      expect(await p.done).toBe(0);
      expect(p.stderr()).toContain('//[redacted]@127.0.0.1');
      expect(p.stderr()).not.toContain(PW);
    }
  });
});

// An API (hostile, or echoing a request) that quotes the key back: Output hides every known secret
// from stdout too, in every mode; only `auth key`, whose job is to print it, prints it.
describe('the key quoted back by the API never reaches stdout', () => {
  let echo: TestServer;
  beforeAll(async () => {
    echo = await startServer((req, res) => {
      const body = `your key is ${KEY}, and \u001b[2Jagain ${encodeURIComponent(KEY)}`;
      if (req.path.startsWith('/messages/'))
        return sendJson(res, 200, { _id: 'm1', thread_fid: 't1', body, created_at: '2026-12-01T10:00:00Z' });
      return sendJson(res, 200, { raw: body });
    });
  });
  afterAll(() => echo.close());

  it.each([
    ['piped', []],
    ['--json', ['--json']],
    ['on a terminal', [], true],
  ])('messages get, %s', async (_name, flags: string[], tty?: boolean) => {
    const r = await run(['messages', 'get', 'm1', '--base-url', echo.url, ...flags], { env, tty });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('your key is [redacted]');
    expect(r.stdout + r.stderr).not.toContain(KEY);
    // On a terminal the escape sequence from the API is shown, not acted on.
    if (tty) expect(r.stdout).not.toContain('\u001b[2J');
  });

  it('gurusup api, piped and on a terminal', async () => {
    for (const tty of [false, true]) {
      const r = await run(['api', '/anything', '--base-url', echo.url], { env, tty });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('[redacted]');
      expect(r.stdout).not.toContain(KEY);
    }
  });

  it('auth key prints the key itself', async () => {
    const r = await run(['auth', 'key'], { env });
    expect(r).toMatchObject({ code: 0, stdout: `${KEY}\n` });
  });
});

describe('the key in a threads list passed through byte for byte (--json in a pipe)', () => {
  let split: TestServer;
  beforeAll(async () => {
    // The key cut in two by the body's chunks: the client sees its halves in two reads.
    const body = `[{"thread_fid":"t1","last_message":"${KEY}"}]`;
    const cut = body.indexOf(KEY) + 7;
    split = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(body.slice(0, cut));
      setTimeout(() => res.end(body.slice(cut)), 50);
    });
  });
  afterAll(() => split.close());

  it('is hidden, and the output stays the same JSON', async () => {
    const r = await run(['threads', 'list', '--json', '--base-url', split.url], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(KEY);
    expect(JSON.parse(r.stdout)).toEqual([{ thread_fid: 't1', last_message: '[redacted]' }]);
  });
});

describe('a key of digits, where a number could hold it', () => {
  let numbers: TestServer;
  beforeAll(async () => {
    numbers = await startServer((_req, res) =>
      sendJson(res, 200, [{ thread_fid: 't', n: 91234567890, s: 'x12345678' }]),
    );
  });
  afterAll(() => numbers.close());

  it('threads list --json, piped and on a terminal: still JSON, and the key nowhere', async () => {
    for (const tty of [false, true]) {
      const r = await run(['threads', 'list', '--json', '--base-url', numbers.url], {
        env: { ...env, GURUSUP_API_KEY: '12345678' },
        tty,
      });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('12345678');
      expect(() => JSON.parse(r.stdout)).not.toThrow();
    }
  });
});
