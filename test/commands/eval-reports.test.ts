import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { needs } from '../helpers/needs.js';
import { fill, mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';

// Review of gurusup eval (issue 14): the files it writes (--junit, --report, eval init) when the
// path is wrong or the disk is full.
const KEY = 'gsk_test_review_eval_files_012345';
let server: TestServer;
let dir: string;
let env: Record<string, string>;
let suite: string;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const m = req.json as { thread_fid: string };
    sendJson(res, 201, {
      _id: 'r1',
      role: 'assistant',
      thread_fid: m.thread_fid,
      user_fid: 'ai',
      body: 'x'.repeat(3000),
    });
  });
  dir = tempDir('gurusup-review-eval-files-');
  env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, NO_COLOR: '1' };
  suite = path.join(dir, 's.yaml');
  fs.writeFileSync(
    suite,
    'cases:\n  - name: wrong on purpose\n    turns:\n      - send: "hi"\n        expect:\n          - contains: "nope"\n',
  );
});
afterAll(() => server.close());

describe('--junit / --report paths that cannot be written', () => {
  for (const [flag, target, why] of [
    ['--junit', () => path.join(dir, 'missing', 'eval.xml'), 'no such directory'],
    ['--report', () => path.join(dir, 'missing', 'eval.md'), 'no such directory'],
    ['--junit', () => dir, 'it is a directory'],
  ] as const) {
    it(`${flag} ${why}: exit 1 before any message is sent`, async () => {
      server.requests.length = 0;
      const file = target();
      const r = await run(['eval', suite, flag, file], { env });
      expect(r.stderr).toBe(`error: cannot write ${flag} ${file}: ${why}\n`);
      expect(r.code).toBe(1);
      expect(server.requests).toHaveLength(0);
    });
  }
});

describe('a full disk', () => {
  let fsx: Tmpfs | string;
  beforeAll(() => {
    fsx = mountTmpfs();
  });
  afterAll(() => {
    if (typeof fsx !== 'string') fsx.unmount();
  });

  for (const flag of ['--junit', '--report']) {
    it(`${flag}: exit 1, the failure report still shown, and no cut file left for CI to read`, async () => {
      if (typeof fsx === 'string') return needs(fsx);
      const file = path.join(fsx.dir, flag === '--junit' ? 'eval.xml' : 'eval.md');
      const filler = fill(fsx.dir, 1024);
      try {
        const r = await run(['eval', suite, flag, file], { env });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`error: cannot write ${flag} ${file}: no space left on the device`);
        // What failed is still reported before the error.
        expect(r.stderr).toContain('missed     contains: "nope": the reply does not contain "nope"');
        expect(r.stderr).toMatch(/0 passed, 1 failed/);
        expect(fs.existsSync(file)).toBe(false);
      } finally {
        fs.rmSync(filler, { force: true });
      }
    });
  }

  it('eval init: exit 1 and no empty file left behind, so a second try (with space) works', async () => {
    if (typeof fsx === 'string') return needs(fsx);
    const file = path.join(fsx.dir, 'starter.eval.yaml');
    const filler = fill(fsx.dir);
    let r;
    try {
      r = await run(['eval', 'init', file], { env });
    } finally {
      fs.rmSync(filler, { force: true });
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: cannot write ${file}: no space left on the device\n`);
    expect(fs.existsSync(file)).toBe(false);
    const again = await run(['eval', 'init', file], { env });
    expect(again.stderr).toContain(`Wrote ${file} (3 cases).`);
    expect(again.code).toBe(0);
  });

  it('eval init into a missing directory: exit 1, says so', async () => {
    const file = path.join(dir, 'nowhere', 'x.yaml');
    const r = await run(['eval', 'init', file], { env });
    expect(r.stderr).toBe(`error: cannot write ${file}: no such directory\n`);
    expect(r.code).toBe(1);
  });
});
