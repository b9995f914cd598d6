import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { SandboxStore } from '../../src/sandbox/store.js';
import { seedThreads } from '../../src/sandbox/seed.js';

// The seeds are dated back from the sandbox's start, so relative times and `--since 1d` show
// something on the first run (contract: minutes to a few days old, one older than 30 days).
const KEY = 'gsk_test_seed_0123456789abcdef';
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ host: '127.0.0.1', port: 0, apiKey: KEY, store: new SandboxStore(seedThreads()) });
});
afterAll(() => sb.close());

const env = () => ({ GURUSUP_BASE_URL: sb.url, GURUSUP_API_KEY: KEY, GURUSUP_CONFIG_DIR: tempDir() });

describe('sandbox seeds', () => {
  it('are dated relative to the given start: minutes to days old, one older than 30 days', () => {
    const now = new Date('2030-01-15T12:00:00.000Z');
    const ages = seedThreads(now).map((t) => (now.getTime() - Date.parse(t.updated_at as string)) / 3_600_000);
    expect(Math.min(...ages)).toBeGreaterThan(0);
    expect(Math.min(...ages)).toBeLessThan(1);
    expect(ages.filter((h) => h < 24).length).toBeGreaterThanOrEqual(2);
    expect(ages.filter((h) => h > 30 * 24)).toHaveLength(1);
    for (const t of seedThreads(now)) {
      const times = (t.messages as { created_at: string }[]).map((m) => Date.parse(m.created_at));
      expect(times, t.thread_fid as string).toEqual([...times].sort((a, b) => a - b));
      expect(Date.parse(t.created_at as string)).toBe(times[0]);
    }
  });

  it('`threads list --since 1d` shows the recent threads and not the old ones', async () => {
    const r = await run(['threads', 'list', '--since', '1d'], { env: env() });
    expect(r.code).toBe(0);
    const fids = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t')[0]);
    expect(fids).toEqual(expect.arrayContaining(['order-1042', 'refund-778']));
    expect(fids).not.toContain('chat-9001');
  });

  it('on a terminal, recent threads read as relative times', async () => {
    const r = await run(['threads', 'list', '--sort', 'updated'], { env: env(), tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/minutes ago/);
    expect(r.stdout).toMatch(/days ago/);
  });
});
