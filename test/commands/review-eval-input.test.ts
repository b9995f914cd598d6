import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { needs } from '../helpers/needs.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Review of gurusup eval (issue 14): a suite "file" that never ends (/dev/zero, a wrong path in a
// script) was read whole: 512 MiB of memory, then "cannot read the suite: Invalid string length"
// (and an out-of-memory crash where memory is tighter, as in a CI container).
const KEY = 'gsk_test_review_eval_input_012345';
let server: TestServer;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  server = await startServer((req, res) =>
    sendJson(res, 201, {
      _id: 'r',
      role: 'assistant',
      body: 'hello',
      thread_fid: (req.json as { thread_fid: string }).thread_fid,
    }),
  );
  dir = tempDir('gurusup-review-eval-input-');
  env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, NO_COLOR: '1' };
});
afterAll(() => server.close());

describe('suite files that are not suite files', () => {
  it('/dev/zero: a load error naming the limit (exit 2), nothing sent', async () => {
    needs(!fs.existsSync('/dev/zero') && '/dev/zero');
    const r = await run(['eval', '/dev/zero'], { env });
    expect(r.stderr).toContain(
      'error: /dev/zero:1:1: cannot read the suite: larger than 16 MiB, so not a suite file\n',
    );
    expect(r.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it('a suite of ordinary size still loads and runs', async () => {
    const file = path.join(dir, 'ok.yaml');
    fs.writeFileSync(
      file,
      `# ${'x'.repeat(200_000)}\ncases:\n  - name: a\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "hello"\n`,
    );
    const r = await run(['eval', file], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^passed\ta\t1\.00\t1\t\d+\n$/);
  });
});
