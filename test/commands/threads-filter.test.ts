import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { applyQuery, newestFirst, parseWhen } from '../../src/model/filters.js';
import { UsageError } from '../../src/errors.js';
import { threadHash } from '../../src/api/hash.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('parseWhen', () => {
  it.each([
    ['90m', NOW - 90 * 60_000],
    ['36h', NOW - 36 * 3_600_000],
    ['7d', NOW - 7 * 86_400_000],
    ['2w', NOW - 14 * 86_400_000],
    ['1d', NOW - 86_400_000],
    ['2026-11-01', Date.UTC(2026, 10, 1)],
    ['2026-11-01T10:00Z', Date.UTC(2026, 10, 1, 10)],
    ['2026-11-01T10:00:30+02:00', Date.UTC(2026, 10, 1, 8, 0, 30)],
    ['2026-11-01T10:00:30.250Z', Date.UTC(2026, 10, 1, 10, 0, 30, 250)],
  ])('%s', (value, expected) => {
    expect(parseWhen(value, '--since', NOW)).toBe(expected);
  });

  it.each([
    'yesterday',
    '7',
    'd7',
    '7 days',
    '-7d',
    '1y',
    '2026-13-01',
    '2026-02-30',
    '2026-11-01T25:00Z',
    '',
    '2026/11/01',
    '7d; rm -rf',
  ])('refuses %j with a usage error naming the flag', (value) => {
    let err: unknown;
    try {
      parseWhen(value, '--until', NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toContain('--until');
  });
});

// Times relative to the real clock, so durations and relative display can be checked end to end.
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const H = 3_600_000;
const D = 24 * H;
const THREADS = [
  {
    thread_fid: 'order-1',
    subject: 'Where is my parcel?',
    user_fid: 'cust-1',
    created_at: ago(10 * D),
    updated_at: ago(3 * H),
  },
  {
    thread_fid: 'REFUND-2',
    subject: 'Money back please',
    user_fid: 'cust-2',
    created_at: ago(5 * D),
    updated_at: ago(2 * D),
  },
  {
    thread_fid: 'billing-3',
    subject: 'A refund for my invoice',
    user_fid: 'cust-1',
    created_at: ago(1 * D),
    updated_at: ago(20 * 60_000),
  },
  { thread_fid: 'old-4', subject: 'Hello', user_fid: 'cust-3', created_at: ago(90 * D), updated_at: ago(61 * D) },
  { thread_fid: 'bare-5' },
];

describe('the fast paths agree with the plain ones', () => {
  it('newestFirst sorts like the comparator, ties and missing times included, packed or not', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const spread of [1e3, 3e10, 1e15]) {
      const times = new Float64Array(3000);
      for (let i = 0; i < times.length; i++)
        times[i] = rand() < 0.05 ? -Infinity : Math.floor(rand() * spread) + 1.7e12;
      const kept = Array.from({ length: 3000 }, (_, i) => i).filter(() => rand() < 0.7);
      const expected = [...kept].sort((a, b) => times[b]! - times[a]! || a - b);
      expect(newestFirst(kept, times)).toEqual(expected);
    }
  });
});

describe('applyQuery', () => {
  it('drops threads without any time from a time filter, keeps them otherwise', () => {
    const fids = (q: Parameters<typeof applyQuery>[1]) =>
      applyQuery(THREADS, q).map((t) => (t as { thread_fid: string }).thread_fid);
    expect(fids({ since: Date.now() - 100 * D })).toEqual(['order-1', 'REFUND-2', 'billing-3', 'old-4']);
    // No updated_at: created_at is compared instead.
    const createdOnly = [{ thread_fid: 'c', created_at: ago(2 * H) }, 'not an object', null];
    expect(applyQuery(createdOnly, { since: Date.now() - 3 * H })).toEqual([createdOnly[0]]);
    expect(applyQuery(createdOnly, { until: Date.now() - 3 * H })).toEqual([]);
    expect(fids({})).toEqual(['order-1', 'REFUND-2', 'billing-3', 'old-4', 'bare-5']);
    expect(fids({ sort: 'created' })).toEqual(['billing-3', 'REFUND-2', 'order-1', 'old-4', 'bare-5']);
    expect(fids({ sort: 'fid' })).toEqual(['REFUND-2', 'bare-5', 'billing-3', 'old-4', 'order-1']);
    expect(fids({ reverse: true })).toEqual(['bare-5', 'old-4', 'billing-3', 'REFUND-2', 'order-1']);
  });
});

let server: TestServer;
let env: Record<string, string>;
const KEY = 'gsk_test_filters_0123456789abcdef';

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    return sendJson(res, 200, THREADS);
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url };
});
afterAll(() => server.close());

const firstColumn = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0]);

describe('threads list filters and sort', () => {
  it('--grep matches thread_fid or subject, any case (piped)', async () => {
    const r = await run(['threads', 'list', '--grep', 'refund'], { env });
    expect(r.code).toBe(0);
    expect(firstColumn(r.stdout)).toEqual(['REFUND-2', 'billing-3']);
  });

  it('--since 1d --grep refund: both filters at once, in the one request', async () => {
    server.requests.length = 0;
    const r = await run(['threads', 'list', '--since', '1d', '--grep', 'refund'], { env });
    expect(firstColumn(r.stdout)).toEqual(['billing-3']);
    expect(server.requests).toHaveLength(1);
  });

  it('--user keeps exact user_fid matches', async () => {
    const r = await run(['threads', 'list', '--user', 'cust-1'], { env });
    expect(firstColumn(r.stdout)).toEqual(['order-1', 'billing-3']);
  });

  it('--since/--until compare updated_at, else created_at', async () => {
    const r = await run(['threads', 'list', '--since', '4w', '--until', '36h'], { env });
    expect(firstColumn(r.stdout)).toEqual(['REFUND-2']);
    const iso = await run(['threads', 'list', '--until', new Date(Date.now() - 60 * D).toISOString()], { env });
    expect(firstColumn(iso.stdout)).toEqual(['old-4']);
  });

  it('--sort and --reverse, then --limit', async () => {
    const r = await run(['threads', 'list', '--sort', 'updated'], { env });
    expect(firstColumn(r.stdout)).toEqual(['billing-3', 'order-1', 'REFUND-2', 'old-4', 'bare-5']);
    const rev = await run(['threads', 'list', '--sort', 'updated', '--reverse', '--limit', '2'], { env });
    expect(firstColumn(rev.stdout)).toEqual(['bare-5', 'old-4']);
    const fid = await run(['threads', 'list', '--sort', 'fid', '--limit', '1', '--grep', 'o'], { env });
    expect(firstColumn(fid.stdout)).toEqual(['REFUND-2']);
  });

  it('--json: filtered, sorted and limited like the other modes; objects unchanged', async () => {
    const r = await run(['threads', 'list', '--json', '--grep', 'REFUND', '--sort', 'fid', '--reverse'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([THREADS[2], THREADS[1]]);
    const f = await run(['threads', 'list', '--json', 'thread_fid', '--user', 'cust-3'], { env });
    expect(JSON.parse(f.stdout)).toEqual([{ thread_fid: 'old-4' }]);
  });

  it('--json with no filter stays the byte pass-through', async () => {
    const r = await run(['threads', 'list', '--json'], { env });
    expect(r.stdout).toBe(`${JSON.stringify(THREADS)}\n`);
  });

  it('TTY: the table shows relative times, and filters apply there too', async () => {
    const r = await run(['threads', 'list', '--user', 'cust-1', '--sort', 'updated'], {
      env: { ...env, FORCE_COLOR: '0' },
      tty: true,
    });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^billing-3 .*20 minutes ago$/);
    expect(lines[2]).toMatch(/^order-1 .*3 hours ago$/);
    expect(r.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('TTY: a time beyond 30 days is absolute; piped keeps the API value', async () => {
    const r = await run(['threads', 'list', '--grep', 'old'], { env: { ...env, FORCE_COLOR: '0' }, tty: true });
    expect(r.stdout).toMatch(/old-4 .*\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    const p = await run(['threads', 'list', '--grep', 'order'], { env });
    expect(p.stdout).toBe(
      `order-1\t${threadHash('order-1')}\tWhere is my parcel?\tcust-1\t${THREADS[0]!.updated_at}\n`,
    );
  });

  it('TTY: nothing matches says so on stderr', async () => {
    const r = await run(['threads', 'list', '--grep', 'nothing-like-this'], { env, tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('No threads match.');
  });

  it('an unparseable --since is exit 2 before any request', async () => {
    server.requests.length = 0;
    const r = await run(['threads', 'list', '--since', 'last tuesday'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --since: cannot read "last tuesday"/);
    expect(r.stderr).toContain('hint:');
    expect(server.requests).toHaveLength(0);
  });

  it('an unknown --sort key is exit 2', async () => {
    const r = await run(['threads', 'list', '--sort', 'size'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('size');
    expect(r.stderr).toMatch(/updated, created, fid/);
  });
});
