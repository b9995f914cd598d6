import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { SandboxStore } from '../../src/sandbox/store.js';
import { seedThreads } from '../../src/sandbox/seed.js';

const KEY = 'gsk_test_firstfive_eval_0123456789';
let sb: Sandbox;
let env: Record<string, string>;
const SUITE = path.resolve(__dirname, '../../examples/support.eval.yaml');

beforeAll(async () => {
  sb = await startSandbox({ host: '127.0.0.1', port: 0, apiKey: KEY, store: new SandboxStore(seedThreads()) });
  env = { GURUSUP_BASE_URL: sb.url, GURUSUP_API_KEY: KEY, GURUSUP_CONFIG_DIR: tempDir() };
});
afterAll(() => sb.close());

describe('eval, piped', () => {
  it('--baseline adds the sixth column: the mark of each case', async () => {
    const dir = tempDir();
    const base = await run(['eval', SUITE, '--json'], { env });
    expect(base.code).toBe(0);
    fs.writeFileSync(path.join(dir, 'baseline.json'), base.stdout);
    const r = await run(['eval', SUITE, '--baseline', path.join(dir, 'baseline.json')], { env });
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.length).toBe(4);
    for (const row of rows) {
      expect(row).toHaveLength(6);
      expect(row[5]).toBe('unchanged');
    }
    const plain = await run(['eval', SUITE], { env });
    for (const l of plain.stdout.trimEnd().split('\n')) expect(l.split('\t')).toHaveLength(5);
  });

  it('a suite file that is not there is named without a made-up line, with a hint about the path', async () => {
    const r = await run(['eval', 'nope.yaml'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: nope.yaml: cannot read the suite: no such file\nhint: check the path; gurusup eval init <file> writes a starter suite there\n',
    );
  });
});
