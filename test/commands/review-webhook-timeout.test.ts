import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';

// Review: `webhook trigger` and `webhook replay` ignored --timeout (and GURUSUP_TIMEOUT, the
// profile's timeout): a receiver that never answers held them for a fixed 30 s.

const KEY = 'gsk_test_review_timeout_012345678';
let hang: http.Server;
let url: string;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  // Reads the request, never answers.
  hang = http.createServer((req) => void req.resume());
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(hang.address() as { port: number }).port}/hook`;
  dir = tempDir();
  env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY };
});
afterAll(() => {
  hang.closeAllConnections();
  hang.close();
});

describe('webhook trigger and replay honour --timeout', () => {
  it('trigger --timeout 1 against a receiver that never answers: exit 5, timed out', async () => {
    const r = await run(['webhook', 'trigger', '--to', url, '--timeout', '1'], { env });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/timed out after 1s/);
  }, 15_000);

  it('replay with GURUSUP_TIMEOUT=1: the event fails with a timeout, exit 5', async () => {
    const file = path.join(dir, 'events.ndjson');
    fs.writeFileSync(file, '{"event":"send_message","data":{"body":"hi"}}\n');
    const r = await run(['webhook', 'replay', file, '--to', url], { env: { ...env, GURUSUP_TIMEOUT: '1' } });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/line 1: .*timed out after 1s/);
  }, 15_000);
});
