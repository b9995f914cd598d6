import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

const KEY = 'gsk_test_api_0123456789abcdef';
let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    if (req.path === '/threads')
      return sendJson(res, 200, [{ thread_fid: 'a', subject: 's' }], { 'x-request-id': 'req-1' });
    if (req.path === '/messages' && req.method === 'POST')
      return sendJson(res, 201, {
        echo: req.json,
        ct: req.headers['content-type'],
        extra: req.headers['x-extra'] ?? null,
      });
    if (req.path === '/text') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('plain text');
    }
    if (req.path === '/broken') return sendJson(res, 400, { message: 'field "body" is required' });
    return sendJson(res, 404, { message: 'nope' });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url };
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

describe('gurusup api', () => {
  it('GETs a path with the key and prints the body (pretty on a TTY, as-is in a pipe)', async () => {
    const piped = await run(['api', '/threads'], { env });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe('[{"thread_fid":"a","subject":"s"}]\n');
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/threads' });
    expect(server.requests[0]!.headers['x-api-key']).toBe(KEY);
    const tty = await run(['api', 'threads'], { env, tty: true });
    // Coloured on a terminal (issue 24); the same JSON once the colour is taken out.
    expect(tty.stdout).toContain('\u001b[');
    // eslint-disable-next-line no-control-regex
    expect(tty.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toBe(
      '[\n  {\n    "thread_fid": "a",\n    "subject": "s"\n  }\n]\n',
    );
  });

  it('-f and -F build a JSON body and imply POST; -H adds headers', async () => {
    const r = await run(
      [
        'api',
        '/messages',
        '-f',
        'body=Hello = world',
        '-f',
        'thread_fid=t-1',
        '-F',
        'is_customer_support_agent=false',
        '-F',
        'n=3',
        '-H',
        'X-Extra: yes',
      ],
      { env },
    );
    expect(r.code).toBe(0);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.json).toEqual({ body: 'Hello = world', thread_fid: 't-1', is_customer_support_agent: false, n: 3 });
    expect(req.headers['x-extra']).toBe('yes');
    expect(JSON.parse(r.stdout).ct).toBe('application/json');
  });

  it('-H replaces a header of ours whatever its case: each name goes out once', async () => {
    const r = await run(
      [
        'api',
        '/messages',
        '--input',
        '-',
        '-H',
        'Accept: text/plain',
        '-H',
        'USER-AGENT: mine/1',
        '-H',
        'content-length: 1',
        '-H',
        'Host: api.example.test',
      ],
      { env, stdin: '{"body":"x"}' },
    );
    expect(r.code).toBe(0);
    const raw = server.requests[0]!.rawHeaders;
    const pairs = raw.flatMap((v, i) => (i % 2 ? [] : [[v.toLowerCase(), raw[i + 1]]]));
    const names = pairs.map(([k]) => k);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.fromEntries(pairs)).toMatchObject({
      accept: 'text/plain',
      'user-agent': 'mine/1',
      'content-length': '12',
      host: 'api.example.test',
      'x-api-key': KEY,
    });
    // The last of several -H of one name wins, whatever their case (found in review).
    await run(['api', '/threads', '-H', 'Accept: x', '-H', 'accept: z', '-H', 'User-Agent: a', '-H', 'user-agent: b'], {
      env,
    });
    const last = server.requests.at(-1)!.rawHeaders;
    const got = last.flatMap((v, i) => (i % 2 ? [] : [[v.toLowerCase(), last[i + 1]]]));
    expect(got.filter(([k]) => k === 'accept')).toEqual([['accept', 'z']]);
    expect(got.filter(([k]) => k === 'user-agent')).toEqual([['user-agent', 'b']]);
    // Without -H: the address's own Host, and our user agent.
    await run(['api', '/threads'], { env });
    expect(server.requests.at(-1)!.headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(server.requests.at(-1)!.headers['user-agent']).toMatch(/^gurusup-cli\//);
  });

  it("a base URL's user:password becomes Basic credentials (decoded), unless -H gives an Authorization", async () => {
    const withUser = server.url.replace('http://', 'http://us%40er:p%3Ass@');
    const n = server.requests.length;
    expect((await run(['api', '/threads', '--base-url', withUser], { env })).code).toBe(0);
    expect(server.requests[n]!.headers.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    expect(server.requests[n]!.headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(
      (await run(['api', '/threads', '--base-url', withUser, '-H', 'authorization: Bearer t'], { env })).code,
    ).toBe(0);
    const raw = server.requests[n + 1]!.rawHeaders;
    expect(raw.filter((_v, i) => i % 2 === 0 && raw[i]!.toLowerCase() === 'authorization')).toHaveLength(1);
    expect(server.requests[n + 1]!.headers.authorization).toBe('Bearer t');
  });

  it('--input sends a raw body from a file or stdin', async () => {
    const file = path.join(tempDir(), 'm.json');
    fs.writeFileSync(file, '{"body":"from file"}');
    await run(['api', '/messages', '--input', file], { env });
    await run(['api', '/messages', '--input', '-'], { env, stdin: '{"body":"from stdin"}' });
    expect(server.requests.map((q) => [q.method, q.body])).toEqual([
      ['POST', '{"body":"from file"}'],
      ['POST', '{"body":"from stdin"}'],
    ]);
  });

  it('-i shows the status line and headers on stderr', async () => {
    const r = await run(['api', '/threads', '-i'], { env });
    expect(r.stderr).toMatch(/^HTTP 200 OK\n/);
    expect(r.stderr).toContain('x-request-id: req-1');
    expect(r.stdout).toContain('thread_fid');
  });

  it('exit codes follow the status, and the body is still printed', async () => {
    const nf = await run(['api', '/nope'], { env });
    expect(nf.code).toBe(4);
    expect(nf.stdout).toBe('{"message":"nope"}\n');
    const bad = await run(['api', '/broken'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('field "body" is required');
    const auth = await run(['api', '/threads'], { env: { ...env, GURUSUP_API_KEY: 'gsk_wrong_00000000000' } });
    expect(auth.code).toBe(3);
  });

  it('prints non-JSON bodies as they came; --json fields pick from JSON', async () => {
    expect((await run(['api', '/text'], { env })).stdout).toBe('plain text\n');
    expect((await run(['api', '/threads', '--json', 'subject'], { env })).stdout).toBe('[{"subject":"s"}]\n');
  });

  it('rejects bad usage with exit 2 before any request', async () => {
    for (const args of [
      ['api', 'https://evil.example/threads'],
      ['api', '/messages', '-f', 'novalue'],
      ['api', '/messages', '-H', 'x-api-key: other'],
      ['api', '/messages', '-f', 'a=b', '--input', 'x.json'],
      ['api', '/messages', '-X', 'FROB'],
    ]) {
      const r = await run(args, { env });
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect(server.requests).toHaveLength(0);
  });
});
