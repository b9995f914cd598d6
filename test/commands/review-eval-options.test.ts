import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// Review of gurusup eval (issue 14): option values at the edges. Every run is planned up front,
// so --repeat 99999999999 was "error: internal error: Invalid array length" (exit 1), and a
// repeat in the hundreds of millions ran out of memory before sending anything.
const KEY = 'gsk_test_review_eval_options_0123';
let server: TestServer;
let env: Record<string, string>;
let suite: string;

beforeAll(async () => {
  server = await startServer((req, res) =>
    sendJson(res, 201, {
      _id: 'r',
      role: 'assistant',
      body: 'hello',
      thread_fid: (req.json as { thread_fid: string }).thread_fid,
    }),
  );
  const dir = tempDir('gurusup-review-eval-options-');
  env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, NO_COLOR: '1' };
  suite = path.join(dir, 's.yaml');
  fs.writeFileSync(
    suite,
    'cases:\n  - name: one\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "hello"\n',
  );
});
afterAll(() => server.close());

describe('--repeat bounds', () => {
  for (const n of ['1001', '99999999999', '300000000']) {
    it(`--repeat ${n}: a usage error (exit 2), nothing sent`, async () => {
      server.requests.length = 0;
      const r = await run(['eval', suite, '--repeat', n], { env });
      expect(r.stderr).toContain(`error: --repeat must be a whole number from 1 to 1000, not '${n}'`);
      expect(r.code).toBe(2);
      expect(server.requests).toHaveLength(0);
    });
  }

  it('--repeat 1000 is allowed', async () => {
    server.requests.length = 0;
    const r = await run(['eval', suite, '--repeat', '1000', '--concurrency', '50'], { env });
    expect(r.stdout).toMatch(/^passed\tone\t1\.00\t1000\t\d+\n$/);
    expect(r.code).toBe(0);
    expect(server.requests).toHaveLength(1000);
  });
});
