import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { run, tempDir } from '../helpers/io.js';
import { hardBody, PROBES } from '../../src/webhook/verify.js';

const KEY = 'gsk_test_verify_0123456789abcdef';

interface Receiver {
  url: string;
  bodies: Array<{ key: string | undefined; body: string }>;
  close(): Promise<void>;
}

type Grade = (key: string | undefined, body: string) => number;

/** A receiver as a user would write it: reads the body, decides a status. */
async function receiver(grade: Grade): Promise<Receiver> {
  const bodies: Receiver['bodies'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const key = req.headers['x-api-key'] as string | undefined;
      bodies.push({ key, body });
      const status = grade(key, body);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status < 300 ? { received: true } : { error: `status ${status}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const parses = (body: string) => {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
};

let correct: Receiver;
let anyKey: Receiver;
let crashes: Receiver;
let env: Record<string, string>;

beforeAll(async () => {
  // Checks the key, refuses bodies that are not JSON with 400: passes every probe.
  correct = await receiver((key, body) => (key !== KEY ? 401 : parses(body) ? 200 : 400));
  // Never looks at the key.
  anyKey = await receiver((_key, body) => (parses(body) ? 200 : 400));
  // Checks the key but falls over on a body that is not JSON.
  crashes = await receiver((key, body) => (key !== KEY ? 401 : parses(body) ? 200 : 500));
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY };
});
afterAll(async () => {
  await Promise.all([correct.close(), anyKey.close(), crashes.close()]);
});

describe('webhook verify', () => {
  it('the hard body is 10,000 characters with emoji and right-to-left text', () => {
    const b = hardBody();
    expect(b).toHaveLength(10_000);
    expect(b).toMatch(/\p{Extended_Pictographic}/u);
    expect(b).toMatch(/[\u0590-\u06ff]/);
  });

  it("a correct receiver: every probe passes, exit 0, the probes it received are the contract's", async () => {
    correct.bodies.length = 0;
    const r = await run(['webhook', 'verify', correct.url, '--json'], { env });
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(results.map((x) => x.probe)).toEqual([
      'valid-event',
      'duplicate',
      'wrong-key',
      'missing-key',
      'unicode-10k',
      'not-json',
    ]);
    expect(results.map((x) => x.status)).toEqual([200, 200, 401, 401, 200, 400]);
    for (const x of results) {
      expect(Object.keys(x)).toEqual(['probe', 'pass', 'status', 'latency_ms', 'detail']);
      expect(x.pass).toBe(true);
      expect(typeof x.latency_ms).toBe('number');
    }
    const got = correct.bodies;
    expect(got).toHaveLength(6);
    // The duplicate is the very same event (same _id).
    expect(got[1]!.body).toBe(got[0]!.body);
    expect(JSON.parse(got[0]!.body)).toMatchObject({
      event: 'send_message',
      data: { _id: expect.stringMatching(/^[0-9a-f]{24}$/) },
    });
    expect(got[2]!.key).toMatch(/^gsk_wrong_/);
    expect(got[3]!.key).toBeUndefined();
    expect((JSON.parse(got[4]!.body) as { data: { body: string } }).data.body).toBe(hardBody());
    expect(parses(got[5]!.body)).toBe(false);
    // The key is sent to the receiver but never printed.
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('a receiver that accepts any key: the two key probes fail with why it matters, exit 1 (TTY checklist)', async () => {
    const r = await run(['webhook', 'verify', anyKey.url], { env: { ...env, FORCE_COLOR: '0' }, tty: true });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('✓'))).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith('✗'))).toHaveLength(2);
    expect(r.stdout).toMatch(
      /✗ 200 +\d+ ms  a wrong x-api-key\n    expected 401 or 403, got 200 OK \(\{"received":true\}\)\n    why it matters: a receiver that accepts a wrong key lets anyone post messages to your customers\n/,
    );
    expect(r.stdout).toMatch(/✗ 200 +\d+ ms  no x-api-key\n/);
    expect(r.stderr).toContain('4 of 6 probes passed');
  });

  it('a receiver that answers 500 to non-JSON: that probe fails, piped TSV', async () => {
    const r = await run(['webhook', 'verify', crashes.url], { env });
    expect(r.code).toBe(1);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row).toHaveLength(5);
    expect(rows.map((x) => [x[0], x[1], x[2]])).toEqual([
      ['valid-event', 'pass', '200'],
      ['duplicate', 'pass', '200'],
      ['wrong-key', 'pass', '401'],
      ['missing-key', 'pass', '401'],
      ['unicode-10k', 'pass', '200'],
      ['not-json', 'fail', '500'],
    ]);
    expect(rows[5]![3]).toMatch(/^\d+$/);
    expect(rows[5]![4]).toContain('expected 4xx, got 500 Internal Server Error');
    expect(rows[5]![4]).toContain(PROBES[5]!.why);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('an unreachable URL is exit 5 with one error line', async () => {
    const gone = await receiver(() => 200);
    const url = gone.url;
    await gone.close();
    const r = await run(['webhook', 'verify', url], { env });
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: no answer from http:\/\/127\.0\.0\.1:\d+\/hooks: cannot connect to 127\.0\.0\.1:\d+: connection refused\nhint: /m,
    );
  });

  it('a password in the URL is never shown', async () => {
    const gone = await receiver(() => 200);
    const url = gone.url.replace('http://', 'http://hooks:s3cr3t-pass@');
    await gone.close();
    const r = await run(['webhook', 'verify', url, '--json'], { env });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('//[redacted]@127.0.0.1');
    expect(r.stdout + r.stderr).not.toContain('s3cr3t-pass');
    correct.bodies.length = 0;
    const ok = await run(['webhook', 'verify', correct.url.replace('http://', 'http://hooks:s3cr3t-pass@')], {
      env,
      tty: true,
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain('s3cr3t-pass');
    expect(correct.bodies).toHaveLength(6);
  });

  it('--timeout after the URL bounds each probe; a receiver that never answers fails in time', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = http.createServer(() => {});
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    const r = await run(['webhook', 'verify', url, '--timeout', '0.2', '--json'], { env });
    for (const s of sockets) s.destroy();
    await new Promise((res) => silent.close(res));
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('timed out after 0.2s waiting for a response');
  });

  it('no key: exit 3 before sending anything', async () => {
    correct.bodies.length = 0;
    const r = await run(['webhook', 'verify', correct.url], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    expect(r.code).toBe(3);
    expect(correct.bodies).toHaveLength(0);
  });

  it('a URL that is not http(s) is exit 2', async () => {
    const r = await run(['webhook', 'verify', 'ftp://example.com/x'], { env });
    expect(r.code).toBe(2);
  });
});

describe('a cut-off answer', () => {
  // Review: a receiver that crashed in the middle of its answer to one probe (headers sent, body cut
  // off) made `webhook verify` stop there with "the response … was cut off" (exit 1): the probes after
  // it never ran, the checklist was incomplete and --json printed nothing at all.

  const KEY = 'gsk_test_review_cutoff_0123456789';
  let receiver: http.Server;
  let url: string;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.headers['x-api-key'] !== KEY) return void res.writeHead(401).end('{}');
        // The long unicode body makes this receiver fall over halfway through its answer.
        if (body.length > 5000) {
          res.writeHead(200, { 'content-length': '100' });
          res.write('{"ok":');
          return void setTimeout(() => res.destroy(), 20);
        }
        if (!body.trim().endsWith('}')) return void res.writeHead(400).end('{}');
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  });
  afterAll(() => receiver.close());

  const env = () => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY });

  describe('webhook verify against a receiver that cuts one answer off', () => {
    it('piped: every probe is graded, the cut-off one fails, exit 1', async () => {
      const r = await run(['webhook', 'verify', url], { env: env() });
      expect(r.code).toBe(1);
      const rows = r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 2));
      expect(rows).toEqual([
        ['valid-event', 'pass'],
        ['duplicate', 'pass'],
        ['wrong-key', 'pass'],
        ['missing-key', 'pass'],
        ['unicode-10k', 'fail'],
        ['not-json', 'pass'],
      ]);
    });

    it('--json: the six results', async () => {
      const r = await run(['webhook', 'verify', url, '--json'], { env: env() });
      expect(r.code).toBe(1);
      const results = JSON.parse(r.stdout) as Array<{ probe: string; pass: boolean; detail: string }>;
      expect(results).toHaveLength(6);
      expect(results.find((x) => x.probe === 'unicode-10k')).toMatchObject({
        pass: false,
        detail: expect.stringMatching(/cut off/),
      });
    });
  });
});
