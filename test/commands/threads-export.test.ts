import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, afterAll, beforeAll } from 'vitest';
import { run, tempDir, fakeIo } from '../helpers/io.js';
import { startCli } from '../helpers/cli.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { threadHash } from '../../src/api/hash.js';
import { waitUntil } from '../helpers/wait.js';
import { progressLine } from '../../src/output/progress.js';
import { main } from '../../src/cli.js';

const KEY = 'gsk_test_export_0123456789abcdef';
const N = 60;
const threads = Array.from({ length: N }, (_, i) => ({ thread_fid: `t-${i}` }));
const byHash = new Map(threads.map((t) => [threadHash(t.thread_fid), t.thread_fid]));

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A Gurusup-like server; `fault(n)` may answer instead (429s, 503s, slowness). */
async function exportServer(
  fault?: (n: number, res: import('node:http').ServerResponse, path: string) => boolean,
  delayMs = 0,
) {
  let inFlight = 0;
  let maxInFlight = 0;
  const s = await startServer(async (req, res, n) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, {});
    if (req.path === '/threads') return sendJson(res, 200, threads);
    if (fault?.(n, res, req.path)) return;
    const fid = byHash.get(req.path.split('/')[2]!);
    if (!fid) return sendJson(res, 404, {});
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    inFlight--;
    sendJson(res, 200, {
      thread: threadHash(fid),
      thread_fid: fid,
      messages: [{ body: `hello ${fid}` }, { body: 'bye' }],
    });
  });
  return Object.assign(s, { maxInFlight: () => maxInFlight });
}

const envFor = (url: string) => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url });
const fids = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { thread_fid: string }).thread_fid);

describe('threads export', () => {
  it('writes every thread with its messages as NDJSON on stdout, with bounded concurrency', async () => {
    const s = (server = await exportServer(undefined, 20));
    const r = await run(['threads', 'export', '--concurrency', '4'], { env: envFor(s.url) });
    expect(r.code).toBe(0);
    expect(fids(r.stdout).sort()).toEqual(threads.map((t) => t.thread_fid).sort());
    expect(JSON.parse(r.stdout.split('\n')[0]!).messages).toHaveLength(2);
    expect(s.maxInFlight()).toBeLessThanOrEqual(4);
    expect(s.maxInFlight()).toBeGreaterThan(1);
    expect(r.stderr).toContain(`Exported ${N} threads`);
    expect(r.stderr).not.toContain('ETA');
  });

  it('--out writes a file; a TTY gets a progress bar on stderr', async () => {
    server = await exportServer();
    const file = path.join(tempDir(), 'out.ndjson');
    const r = await run(['threads', 'export', '--out', file], { env: envFor(server.url), stderrTTY: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(fids(fs.readFileSync(file, 'utf8'))).toHaveLength(N);
    expect(r.stderr).toContain(`${N}/${N}`);
    expect(r.stderr).toContain('ETA');
  });

  it('429s and 503s slow the export down instead of failing it', async () => {
    // Each path fails at most twice, whatever the order the workers' requests arrive in (with a
    // failure every 7th and 11th request overall, an unlucky interleaving failed a thread 4 times).
    const seen = new Map<string, number>();
    server = await exportServer((n, res, p) => {
      const tries = (seen.get(p) ?? 0) + 1;
      seen.set(p, tries);
      if (tries > 2) return false;
      if (n % 7 === 0 || (tries === 2 && n % 2 === 0)) {
        sendJson(res, 429, {}, { 'retry-after': '0' });
        return true;
      }
      if (n % 11 === 0) {
        sendJson(res, 503, {});
        return true;
      }
      return false;
    });
    const r = await run(['threads', 'export'], { env: envFor(server.url) });
    expect(r.code).toBe(0);
    expect(new Set(fids(r.stdout)).size).toBe(N);
    expect(fids(r.stdout)).toHaveLength(N);
    expect(server.requests.length).toBeGreaterThan(N + 1);
  });

  it('a thread that keeps failing is reported with exit 1 and a --resume hint; the rest is written', async () => {
    const bad = threadHash('t-5');
    server = await startServer((req, res) => {
      if (req.path === '/threads') return sendJson(res, 200, threads);
      if (req.path.endsWith(bad)) return sendJson(res, 500, { message: 'boom' });
      const fid = byHash.get(req.path.split('/')[2]!)!;
      sendJson(res, 200, { thread_fid: fid, messages: [] });
    });
    const file = path.join(tempDir(), 'out.ndjson');
    const r = await run(['threads', 'export', '--out', file], { env: envFor(server.url) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 thread could not be exported: t-5');
    expect(r.stderr).toContain('--resume');
    expect(fids(fs.readFileSync(file, 'utf8'))).toHaveLength(N - 1);
  });

  it('killed mid-export, then --resume: all threads once, no duplicates, only complete lines', async () => {
    const s = (server = await exportServer(undefined, 30));
    const dir = tempDir();
    const file = path.join(dir, 'out.ndjson');
    const env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: s.url };
    const child = startCli(['threads', 'export', '--out', file, '--concurrency', '2'], { env });
    await waitUntil(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').split('\n').length >= 10, {
      what: () => `10 lines in the export file: ${child.err()}`,
    });
    child.kill('SIGKILL');
    await child.done;
    const partial = fs.readFileSync(file, 'utf8');
    const before = fids(partial);
    expect(before.length).toBeGreaterThan(5);
    expect(before.length).toBeLessThan(N);
    // A crash can only cut the last line; simulate the worst case too.
    fs.appendFileSync(file, '{"thread_fid":"t-half');
    const requestsBefore = s.requests.length;
    const r = await run(['threads', 'export', '--out', file, '--resume'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`(${before.length} already in ${file})`);
    const after = fids(fs.readFileSync(file, 'utf8'));
    expect(after).toHaveLength(N);
    expect(new Set(after).size).toBe(N);
    expect(s.requests.length - requestsBefore).toBe(1 + N - before.length);
  });

  it('Ctrl-C leaves only complete lines and exits 130', async () => {
    server = await exportServer(undefined, 50);
    const file = path.join(tempDir(), 'out.ndjson');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const { fakeIo } = await import('../helpers/io.js');
    const { main } = await import('../../src/cli.js');
    const { io, stderr } = fakeIo({ env: envFor(server.url), signal: ac.signal });
    const code = await main(['threads', 'export', '--out', file], io);
    expect(code).toBe(130);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(fids(text).length).toBeGreaterThan(0);
    expect(fids(text).length).toBeLessThan(N);
    expect(stderr.text).toContain('--resume');
  });

  it('--resume needs --out (exit 2)', async () => {
    const r = await run(['threads', 'export', '--resume'], { env: envFor('http://127.0.0.1:9') });
    expect(r.code).toBe(2);
  });

  it('progressLine shows done/total, rate and ETA', () => {
    expect(progressLine('Exporting', 50, 100, 10_000, 10)).toBe('Exporting [#####-----] 50/100  5.0/s  ETA 10s');
    expect(progressLine('Exporting', 100, 100, 10_000, 10)).toContain('ETA 0s');
  });
});

describe('edges', () => {
  // Issue 11, smaller defects: threads export --out.
  const KEY = 'gsk_test_edges_export_0123456789';
  const threads = Array.from({ length: 12 }, (_, i) => ({ thread_fid: `t-${i}` }));
  const byHash = new Map(threads.map((t) => [threadHash(t.thread_fid), t.thread_fid]));

  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Thread GETs wait for `gate` (so an export can be held mid-run). */
  async function exportServer(gate: Promise<void> = Promise.resolve()) {
    return startServer(async (req, res) => {
      if (req.path === '/threads') return sendJson(res, 200, threads);
      await gate;
      const fid = byHash.get(req.path.split('/')[2]!);
      if (!fid) return sendJson(res, 404, {});
      sendJson(res, 200, { thread: threadHash(fid), thread_fid: fid, messages: [{ body: `hello ${fid} é` }] });
    });
  }

  const envFor = (url: string) => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url });

  describe('threads export --out holds an exclusive lock', () => {
    it('a second export to the same file exits 1 naming it, and the first completes whole', async () => {
      let open!: () => void;
      const s = (server = await exportServer(new Promise<void>((r) => (open = r))));
      const file = path.join(tempDir(), 'same.ndjson');
      const first = fakeIo({ env: envFor(s.url) });
      const firstDone = main(['threads', 'export', '--out', file], first.io);
      // The first export is past its listing and waiting on the threads: it holds the file.
      await waitUntil(() => s.requests.some((r) => r.path !== '/threads'), {
        what: "the first export's thread request",
      });
      const second = await run(['threads', 'export', '--out', file], { env: envFor(s.url) });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(`^error: another export is writing to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
      );
      const resumed = await run(['threads', 'export', '--out', file, '--resume'], { env: envFor(s.url) });
      expect(resumed.code).toBe(1);
      open();
      expect(await firstDone).toBe(0);
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(threads.length);
      expect(new Set(lines.map((l) => JSON.parse(l).thread_fid)).size).toBe(threads.length);
      expect(fs.existsSync(`${file}.lock`)).toBe(false);
    });

    it('a lock left by a process that died does not block the next export', async () => {
      const s = (server = await exportServer());
      const file = path.join(tempDir(), 'out.ndjson');
      // pid 2^22+1 is above Linux's pid_max default: no such process
      fs.writeFileSync(`${file}.lock`, `4194305 ${(await import('node:os')).hostname()}\n`);
      const r = await run(['threads', 'export', '--out', file], { env: envFor(s.url) });
      expect(r.code).toBe(0);
      expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(threads.length);
    });
  });

  describe('threads export --resume works in bytes', () => {
    it('an invalid UTF-8 byte earlier in the file does not misplace the cut of the last line', async () => {
      const s = (server = await exportServer());
      const file = path.join(tempDir(), 'out.ndjson');
      // Two complete lines, the first with a stray 0xff byte inside a string, then a line cut short.
      const good = (fid: string, extra = '') =>
        Buffer.from(`{"thread":"${threadHash(fid)}","thread_fid":"${fid}","messages":[],"note":"${extra}`);
      fs.writeFileSync(
        file,
        Buffer.concat([
          good('t-0'),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('"}\n'),
          good('t-1'),
          Buffer.from('"}\n'),
          Buffer.from('{"thread":"abc","thread_fid":"t-2","mess'),
        ]),
      );
      const r = await run(['threads', 'export', '--out', file, '--resume'], { env: envFor(s.url) });
      expect(r.code).toBe(0);
      const lines = fs.readFileSync(file, 'latin1').split('\n');
      expect(lines.pop()).toBe('');
      // Every line parses, every thread is there exactly once.
      const got = lines.map((l) => JSON.parse(Buffer.from(l, 'latin1').toString('utf8')).thread_fid as string);
      expect(got.sort()).toEqual(threads.map((t) => t.thread_fid).sort());
    });
  });
});

describe('on a terminal', () => {
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
});
