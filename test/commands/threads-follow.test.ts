import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startInProcess, tempDir, run } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { threadHash } from '../../src/api/hash.js';
import { waitUntil } from '../helpers/wait.js';
import { fastDeps } from '../helpers/clock.js';
import { messageKey } from '../../src/commands/threads-follow.js';
import { InterruptedError } from '../../src/errors.js';

const KEY = 'gsk_test_follow_0123456789abcdef';
const FID = 'live-1';
const HASH = threadHash(FID);

// The thread the server answers with; tests make it grow and make the server fail on cue.
let messages: Array<Record<string, unknown>>;
let failNext: number | undefined;
let authFails = false;
let server: TestServer;
let env: Record<string, string>;

const msg = (n: number, body: string, extra: Record<string, unknown> = {}) => ({
  _id: `65000000000000000000000${n}`,
  body,
  user_fid: n % 2 ? 'cust-1' : 'gurusup-ai',
  is_customer_support_agent: n % 2 === 0,
  created_at: `2026-11-25T10:0${n}:00Z`,
  ...extra,
});

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (authFails || req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    if (req.path !== `/threads/${HASH}`) return sendJson(res, 404, { message: 'Not found' });
    if (failNext !== undefined) {
      const status = failNext;
      failNext = undefined;
      return sendJson(res, status, { message: 'upstream exploded' });
    }
    // A fresh copy each time, as the wire would give.
    return sendJson(res, 200, {
      thread: HASH,
      thread_fid: FID,
      subject: 'Live',
      messages: messages.map((m) => ({ ...m })),
    });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url };
});
afterAll(() => server.close());
beforeEach(() => {
  messages = [msg(1, 'first question')];
  failNext = undefined;
  authFails = false;
  server.requests.length = 0;
});

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('messageKey', () => {
  it('is the _id, else the position', () => {
    expect(messageKey({ _id: 'abc' }, 3)).toBe('id:abc');
    expect(messageKey({ body: 'x' }, 3)).toBe('pos:3');
    expect(messageKey('junk', 0)).toBe('pos:0');
  });
});

describe('threads show --follow', () => {
  it('piped: the transcript, then each new message once, through a failure in between; Ctrl-C is exit 0', async () => {
    const p = startInProcess(['threads', 'show', FID, '--follow', '--interval', '1'], { env });
    await p.waitFor(/first question/, 'stdout');
    messages.push(msg(2, 'first answer'));
    await p.waitFor(/first answer/, 'stdout');
    // The server fails once (a 500 is not retried by the client itself: the follow must cope).
    failNext = 500;
    await p.waitFor(/upstream exploded.*still following/);
    messages.push({
      body: 'a message without an id\non two lines',
      created_at: '2026-11-25T10:05:00Z',
      is_customer_support_agent: false,
    });
    await p.waitFor(/without an id/, 'stdout');
    // Let one more poll pass with nothing new: nothing is printed twice.
    const polls = server.requests.length;
    await waitUntil(() => server.requests.length > polls, { what: 'one more poll' });
    p.abort();
    expect(await p.done).toBe(0);
    const out = p.stdout();
    expect(out).toBe(
      '2026-11-25T10:01:00Z\tcustomer\tfirst question\n' +
        '2026-11-25T10:02:00Z\tagent\tfirst answer\n' +
        '2026-11-25T10:05:00Z\tcustomer\ta message without an id\\non two lines\n',
    );
    expect(count(p.stderr(), 'still following')).toBe(1);
    expect(p.stderr()).not.toMatch(/^error:/m);
  }, 20_000);

  it('--json: the thread object on one line, then one message object per line (NDJSON)', async () => {
    const p = startInProcess(['threads', 'show', FID, '-f', '--interval', '1', '--json'], { env, tty: true });
    await p.waitFor(/first question/, 'stdout');
    messages.push(msg(2, 'second'), msg(3, 'third'));
    await p.waitFor(/third/, 'stdout');
    p.abort();
    expect(await p.done).toBe(0);
    const lines = p
      .stdout()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ thread_fid: FID, messages: [{ body: 'first question' }] });
    expect(lines[1]).toEqual(msg(2, 'second'));
    expect(lines[2]).toEqual(msg(3, 'third'));
    // No chatter mixed into JSON runs on stderr either.
    expect(p.stderr()).toBe('');
  }, 20_000);

  it('TTY: the transcript block for each new message, bodies escaped', async () => {
    const p = startInProcess(['threads', 'show', FID, '--follow', '--interval', '1'], {
      env: { ...env, FORCE_COLOR: '0' },
      tty: true,
    });
    await p.waitFor(/first question/, 'stdout');
    messages.push(msg(2, 'evil \u001b[2J answer'));
    await p.waitFor(/answer/, 'stdout');
    p.abort();
    expect(await p.done).toBe(0);
    expect(p.stdout()).toContain('thread live-1');
    // On a terminal the time reads relative (the API value stays in pipes and --json).
    expect(p.stdout()).toMatch(
      /\nagent \(gurusup-ai\)  (\d+ \w+ ago|in \d+ \w+|just now|\d{4}-\d\d-\d\d \d\d:\d\d)\n  evil \\x1b\[2J answer\n$/,
    );
    expect(p.stdout()).not.toContain('\u001b');
    expect(p.stderr()).toContain('Following live-1');
  }, 20_000);

  it('a 429 while following is waited out too, reported once', async () => {
    const p = startInProcess(['threads', 'show', FID, '--follow', '--interval', '1'], { env });
    await p.waitFor(/first question/, 'stdout');
    failNext = 429;
    await p.waitFor(/still following/);
    messages.push(msg(2, 'after the storm'));
    await p.waitFor(/after the storm/, 'stdout');
    p.abort();
    expect(await p.done).toBe(0);
    expect(count(p.stderr(), 'still following')).toBe(1);
  }, 20_000);

  it('the API going away and coming back: reported once, then the follow picks up where it was', async () => {
    const { startServer: start } = await import('../helpers/server.js');
    let thread = [msg(1, 'before the outage')];
    const own = await start((req, res) => sendJson(res, 200, { thread_fid: FID, messages: thread }));
    const port = own.port;
    const p = startInProcess(['threads', 'show', FID, '--follow', '--interval', '1'], {
      env: { ...env, GURUSUP_BASE_URL: own.url },
    });
    await p.waitFor(/before the outage/, 'stdout');
    await own.close();
    await p.waitFor(/still following/);
    // Back on the same port, with a message more.
    thread = [msg(1, 'before the outage'), msg(2, 'after the outage')];
    own.server.listen(port, '127.0.0.1');
    await p.waitFor(/after the outage/, 'stdout');
    p.abort();
    expect(await p.done).toBe(0);
    await own.close();
    expect(count(p.stderr(), 'still following')).toBe(1);
    // Refused, or reset when a poll was on the connection the server dropped: named either way.
    expect(p.stderr()).toMatch(/the API did not answer \((ECONNREFUSED|ECONNRESET)\)|connection (refused|reset)/);
    expect(count(p.stdout(), 'before the outage')).toBe(1);
  }, 30_000);

  it('401 while following ends it with exit 3', async () => {
    const p = startInProcess(['threads', 'show', FID, '--follow', '--interval', '1'], { env });
    await p.waitFor(/first question/, 'stdout');
    authFails = true;
    expect(await p.done).toBe(3);
    expect(p.stderr()).toMatch(/^error: the API rejected the key \(401 Unauthorized\)/m);
  }, 20_000);

  it('--interval without --follow is a usage error', async () => {
    const p = startInProcess(['threads', 'show', FID, '--interval', '5'], { env });
    expect(await p.done).toBe(2);
    expect(p.stderr()).toContain('--interval only applies with --follow');
    expect(server.requests).toHaveLength(0);
  });

  it('--interval under 1 is a usage error', async () => {
    const p = startInProcess(['threads', 'show', FID, '--follow', '--interval', '0.5'], { env });
    expect(await p.done).toBe(2);
    expect(p.stderr()).toMatch(/--interval/);
    expect(server.requests).toHaveLength(0);
  });

  it('a lower floor handed to main() (tests only) is the one --interval is held to', async () => {
    const deps = { ...fastDeps(), minIntervalS: 0.01 };
    const p = startInProcess(['threads', 'show', FID, '--follow', '--interval', '0.05'], { env, deps });
    await waitUntil(() => deps.clock.waits.length > 0, { what: () => `the first wait; stderr: ${p.stderr()}` });
    p.abort();
    expect(await p.done).toBe(0);
    expect(deps.clock.waits[0]).toBe(50);
    const under = await run(['threads', 'show', FID, '--follow', '--interval', '0.005'], { env, deps });
    expect(under.code).toBe(2);
    expect(under.stderr).toMatch(/^error: --interval must be a number of seconds, 0\.01 or more, not '0\.005'/);
  });
});

describe('--interval bounds', () => {
  // Review: `threads show -f --interval 3000000` (35 days) overflowed setTimeout, which then fires
  // after 1 ms: the follow polled the API in a tight loop (1,800 requests in 3 s here), printing a
  // TimeoutOverflowWarning each time.

  const KEY = 'gsk_test_review_interval_01234567';
  let api: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await startServer((_req, res) => sendJson(res, 200, { thread_fid: 'i-1', messages: [] }));
    env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url };
  });
  afterAll(() => api.close());

  describe('threads show --follow --interval bounds', () => {
    it('an interval a timer cannot hold is a usage error (exit 2), nothing requested', async () => {
      const r = await run(['threads', 'show', 'i-1', '--follow', '--interval', '3000000'], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: .*--interval.*at most 2147483 seconds/);
      expect(api.requests).toHaveLength(0);
    });

    it('the largest interval allowed waits: one request until Ctrl-C', async () => {
      api.requests.length = 0;
      // A clock that records the wait asked and holds it until Ctrl-C.
      const waits: number[] = [];
      const clock = {
        now: Date.now,
        sleep: (ms: number, signal?: AbortSignal) =>
          new Promise<void>((_resolve, reject) => {
            waits.push(ms);
            signal?.addEventListener('abort', () => reject(new InterruptedError()), { once: true });
          }),
      };
      const p = startInProcess(['threads', 'show', 'i-1', '--follow', '--interval', '2147483'], {
        env,
        deps: { clock },
      });
      await waitUntil(() => waits.length > 0, { what: () => `the follow's first wait; stderr: ${p.stderr()}` });
      p.abort();
      expect(await p.done).toBe(0);
      // The whole interval in one wait a timer can hold (2^31-1 ms at most): no poll before Ctrl-C.
      expect(waits).toEqual([2_147_483_000]);
      expect(waits[0]).toBeLessThanOrEqual(2 ** 31 - 1);
      expect(api.requests).toHaveLength(1);
      expect(p.stderr()).not.toMatch(/TimeoutOverflowWarning/);
    });
  });
});
