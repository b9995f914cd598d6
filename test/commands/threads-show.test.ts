import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

describe('who sent a message', () => {
  // Review: the sender of a message was judged "system" whenever its role merely contained the
  // letters "ai": a role of "email" or "maintainer" was shown as the AI's message. Contract: label
  // messages by what the fields say; never invent a value.

  let api: TestServer;
  const messages = [
    { _id: '1', body: 'a', role: 'email', is_customer_support_agent: false },
    { _id: '2', body: 'b', role: 'maintainer' },
    { _id: '3', body: 'c', role: 'ai' },
    { _id: '4', body: 'd', role: 'AI_assistant' },
    { _id: '5', body: 'e', sender_type: 'gen-ai' },
  ];

  beforeAll(async () => {
    api = await startServer((_req, res) => sendJson(res, 200, { thread_fid: 's-1', messages }));
  });
  afterAll(() => api.close());

  describe('who sent a message', () => {
    it('"ai" counts as a word, not as letters inside another', async () => {
      const r = await run(['threads', 'show', 's-1'], {
        env: {
          GURUSUP_CONFIG_DIR: tempDir(),
          GURUSUP_API_KEY: 'gsk_test_review_sender_0123',
          GURUSUP_BASE_URL: api.url,
        },
      });
      expect(r.code).toBe(0);
      expect(
        r.stdout
          .trimEnd()
          .split('\n')
          .map((l) => l.split('\t')[1]),
      ).toEqual(['customer', '', 'system', 'system', 'system']);
    });
  });
});

describe('an empty argument', () => {
  // Review: `threads show ""` requested GET /threads/d41d8cd98f00b204e9800998ecf8427e (md5 of the
  // empty string) and ended "thread not found" (exit 4); `messages get ""` is a usage error (exit 2).

  let api: TestServer;
  beforeAll(async () => {
    api = await startServer((_req, res) => sendJson(res, 404, { message: 'Not found' }));
  });
  afterAll(() => api.close());

  describe('threads show with an empty argument', () => {
    it.each([[[]], [['--follow']], [['--hash']]])('threads show "" %j: exit 2 before any request', async (extra) => {
      const r = await run(['threads', 'show', '', ...extra], {
        env: {
          GURUSUP_CONFIG_DIR: tempDir(),
          GURUSUP_API_KEY: 'gsk_test_review_empty_0123',
          GURUSUP_BASE_URL: api.url,
        },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      expect(api.requests).toHaveLength(0);
    });
  });
});
