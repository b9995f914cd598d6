import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReply } from '../../src/output/chat-reply.js';
import { plainPaint, TERMINAL_BODY_MAX } from '../../src/output/format.js';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// A huge reply on a terminal is cut (word-wrapping 50 MB took 40 s and 900 MB); piped and --json
// output are never cut.
const KEY = 'gsk_test_body_cap_0123456789abcdef';
const HUGE = `${'word '.repeat(400_000)}END`; // 2 MB
const reply = { _id: '650000000000000000000009', body: HUGE, user_fid: 'gurusup-ai', role: 'assistant' };
let server: TestServer;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startServer((_req, res) => sendJson(res, 201, reply));
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url };
});
afterAll(() => server.close());

const send = ['messages', 'send', '--thread', 't', '--user', 'u', '--body', 'hi'];

describe('a reply too large for a terminal', () => {
  it('on a TTY: the first 100,000 characters, then how many more and --json for all', async () => {
    expect(TERMINAL_BODY_MAX).toBe(100_000);
    const r = await run(send, { env, tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThan(TERMINAL_BODY_MAX * 1.1);
    expect(r.stdout.trimEnd()).toMatch(
      new RegExp(`… ${HUGE.length - TERMINAL_BODY_MAX} more characters \\(--json for all\\)$`),
    );
    expect(r.stdout).not.toContain('END');
  });

  it('piped and --json: whole', async () => {
    const piped = await run(send, { env });
    expect(piped.stdout).toBe(`${HUGE}\n`);
    const json = await run([...send, '--json'], { env });
    expect(JSON.parse(json.stdout).body).toBe(HUGE);
  });

  it("chat's reply line is cut the same way, never inside an emoji", () => {
    const body = `${'a'.repeat(TERMINAL_BODY_MAX - 1)}😀tail`;
    const text = formatReply(body, 1.5, 0, plainPaint);
    expect(text).not.toContain('\ud83d\n');
    expect(text).not.toContain('tail');
    expect(text).toMatch(/… 6 more characters \(the thread has it all/);
  });
});
