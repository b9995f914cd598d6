import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../helpers/needs.js';
import { tempDir } from '../helpers/io.js';
import { HAS_SCRIPT, NO_SCRIPT, pty, screenLines } from '../helpers/pty.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Cutting an ASCII cell must not load string-width: it builds an Intl.Segmenter at load (~20 ms
// of a 60 ms listing). A hook counts the Segmenters made while `threads list` draws its table.
const KEY = 'gsk_test_ascii_cut_0123456789abcdef';
let server: TestServer;
beforeAll(async () => {
  const recent = new Date(Date.now() - 3 * 3600_000).toISOString();
  const threads = Array.from({ length: 5 }, (_, i) => ({
    thread_fid: `order-${i}`,
    subject: `Order ${i} arrived damaged and the customer asks for a refund or a replacement today`,
    user_fid: `cust-${i}`,
    message_count: 3,
    updated_at: recent,
  }));
  server = await startServer((_req, res) => sendJson(res, 200, threads));
});
afterAll(() => server.close());

describe('threads list on a terminal, ASCII cells cut', () => {
  beforeAll(() => needs(!HAS_SCRIPT && NO_SCRIPT));
  it('cuts with … and never builds an Intl.Segmenter', async () => {
    const dir = tempDir();
    const marker = path.join(dir, 'segmenters');
    const hook = path.join(dir, 'hook.cjs');
    fs.writeFileSync(
      hook,
      `const S = Intl.Segmenter; Intl.Segmenter = function (...a) { require('fs').appendFileSync(${JSON.stringify(marker)}, 'x'); return new S(...a); };`,
    );
    const r = await pty(['threads', 'list'], {
      cols: 100,
      env: {
        GURUSUP_CONFIG_DIR: tempDir(),
        GURUSUP_API_KEY: KEY,
        GURUSUP_BASE_URL: server.url,
        NODE_OPTIONS: `--require ${hook}`,
      },
    });
    expect(r.code).toBe(0);
    const rows = screenLines(r.out).filter((l) => l.startsWith('order-'));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toContain('…');
    expect(rows[0]).toMatch(/3 hours ago/);
    expect(fs.existsSync(marker)).toBe(false);
  });
});
