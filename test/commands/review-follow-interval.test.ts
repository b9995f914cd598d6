import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startInProcess, tempDir } from '../helpers/io.js';
import { waitUntil } from '../helpers/wait.js';
import { InterruptedError } from '../../src/errors.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

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
    const p = startInProcess(['threads', 'show', 'i-1', '--follow', '--interval', '2147483'], { env, deps: { clock } });
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
