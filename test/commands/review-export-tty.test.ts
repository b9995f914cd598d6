import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { threadHash } from '../../src/api/hash.js';

// Review: `threads export` with stdout on a terminal printed C1 controls (U+009B, a one-byte CSI)
// and bidi overrides raw inside its NDJSON, and drew its progress bar on the same terminal, so each
// line came glued to a bar ("Exporting [###---] 1/2 …\x1b[K{"thread":…}").

const KEY = 'gsk_test_review_export_0123456789';
const EVIL = 'x\u009b31m\u202eevil\u001b[2J';
const FIDS = ['ex-1', 'ex-2', 'ex-3'];
let api: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  api = await startServer((req, res) => {
    if (req.path === '/threads')
      return sendJson(
        res,
        200,
        FIDS.map((f) => ({ thread_fid: f })),
      );
    const fid = FIDS.find((f) => req.path === `/threads/${threadHash(f)}`);
    return sendJson(res, 200, { thread_fid: fid, subject: EVIL, messages: [{ _id: 'm', body: EVIL }] });
  });
  env = {
    GURUSUP_CONFIG_DIR: tempDir(),
    GURUSUP_API_KEY: KEY,
    GURUSUP_BASE_URL: api.url,
    FORCE_COLOR: '0',
    TERM: 'xterm',
  };
});
afterAll(() => api.close());

describe('threads export on a terminal', () => {
  it('stdout a terminal: NDJSON lines escaped (same JSON), no progress bar drawn over them', async () => {
    const r = await run(['threads', 'export', '--concurrency', '1'], { env, tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0080-\u009f\u202a-\u202e]/);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(JSON.parse(l).subject).toBe(EVIL);
    expect(r.stderr).not.toContain('Exporting [');
  });

  it('--out a file: the bar is still drawn on the terminal, the file keeps the raw bytes', async () => {
    const file = path.join(tempDir(), 'all.ndjson');
    const r = await run(['threads', 'export', '--out', file], { env, tty: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Exporting [');
    expect(fs.readFileSync(file, 'utf8')).toContain('\u009b31m\u202e');
  });
});
