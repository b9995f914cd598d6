import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

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
