import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, startCli, waitForStderr } from '../helpers/cli.js';
import { post } from '../helpers/http.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/io.js';
import { fill, mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { needs } from '../helpers/needs.js';
import { threadHash } from '../../src/api/hash.js';

// Issue 11, items 1 and 2 and the full-disk defects, on /dev/full and a real 64 KiB tmpfs.
const KEY = 'gsk_test_disk_full_0123456789abcd';
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);
const errorLines = (s: string) => s.split('\n').filter((l) => l.startsWith('error:'));

/** Runs the built CLI with stdout going to `target` (a path), as `gurusup … > target` would. */
function cliTo(target: string, args: string[], env: Record<string, string>) {
  const fd = fs.openSync(target, 'w');
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', fd, 'pipe'],
  });
  fs.closeSync(fd);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
  return { child, done, err: () => stderr };
}

const threads = Array.from({ length: 40 }, (_, i) => ({ thread_fid: `thread-${i}`, subject: 'x'.repeat(200) }));
const byHash = new Map(threads.map((t) => [threadHash(t.thread_fid), t]));
let api: TestServer;
let env: Record<string, string>;
beforeAll(async () => {
  api = await startServer((req, res) => {
    if (req.path === '/threads') return sendJson(res, 200, threads);
    const t = byHash.get(req.path.split('/')[2] ?? '');
    if (!t) return sendJson(res, 404, {});
    sendJson(res, 200, { thread: threadHash(t.thread_fid), ...t, messages: [{ body: 'y'.repeat(1500) }] });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url };
});
afterAll(() => api.close());

describe('stdout on /dev/full (item 2)', () => {
  for (const args of [['--version'], ['--help'], ['threads', 'list', '--json'], ['threads', 'export']]) {
    it(`gurusup ${args.join(' ')} > /dev/full: one error line, exit 1, no stack`, async () => {
      const r = await cliTo('/dev/full', args, env).done;
      expect(r.code).toBe(1);
      expect(errorLines(r.stderr)).toEqual(['error: cannot write to stdout: no space left on device (ENOSPC)']);
      noStack(r.stderr);
    });
  }

  it('webhook listen --json > /dev/full: the sender gets a 503, then one error line and exit 1 (found in review)', async () => {
    const c = cliTo('/dev/full', ['webhook', 'listen', '--port', '0', '--json'], env);
    const url = (await waitForStderr(c, /Listening on (http:\/\/\S+)/))[1];
    const r = await post(url!, JSON.stringify({ event: 'send_message', data: { n: 1 } }), { 'x-api-key': KEY });
    expect(r.status).toBe(503);
    const done = await c.done;
    expect(done.code).toBe(1);
    expect(errorLines(done.stderr)).toEqual(['error: cannot write to stdout: no space left on device (ENOSPC)']);
    noStack(done.stderr);
  });

  it('EPIPE stays quiet: a reader that closed early is exit 0', async () => {
    const r = await cli(['threads', 'list', '--json'], { env });
    expect(r.code).toBe(0);
    const sh = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const c = spawn(
        'sh',
        ['-c', `"${process.execPath}" "${BIN}" threads export | head -c 1 > /dev/null; echo "exit=\${PIPESTATUS:-x}"`],
        { env: { PATH: process.env.PATH, ...env } },
      );
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      c.on('close', (code) => resolve({ code, stderr }));
    });
    expect(sh.stderr).not.toMatch(/error:|EPIPE/);
  });
});

const mount = process.platform === 'linux' ? mountTmpfs('size=64k') : 'tmpfs needs Linux';
const fs64 = typeof mount === 'string' ? undefined : (mount as Tmpfs);

describe('a real full filesystem (64 KiB tmpfs)', () => {
  beforeAll(() => needs(typeof mount === 'string' && mount));
  afterAll(() => fs64?.unmount());
  const fresh = (name: string) => {
    for (const f of fs.readdirSync(fs64!.dir)) fs.rmSync(path.join(fs64!.dir, f), { recursive: true, force: true });
    return path.join(fs64!.dir, name);
  };

  it('--record: every 200 is one complete line, the rest get 507/503, the file stays readable by replay (item 1)', async () => {
    const file = fresh('rec.ndjson');
    const child = startCli(['webhook', 'listen', '--port', '0', '--record', file, '--json'], { env });
    try {
      const url = (await waitForStderr(child, /Listening on (http:\/\/\S+)/))[1]!;
      const filler = fill(fs64!.dir, 9 * 1024);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const r = await post(
          url,
          JSON.stringify({ event: 'send_message', data: { n: i, body: 'z'.repeat(1000 + i) } }),
          { 'x-api-key': KEY },
        );
        statuses.push(r.status);
      }
      const ok = statuses.filter((s) => s === 200).length;
      expect(ok).toBeGreaterThan(0);
      expect(statuses.filter((s) => s !== 200).every((s) => s === 507 || s === 503)).toBe(true);
      expect(statuses).toContain(507);
      let text = fs.readFileSync(file, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.trim().split('\n')).toHaveLength(ok);
      // Space comes back: the next event is appended as a line of its own.
      fs.rmSync(filler);
      expect(
        (await post(url, JSON.stringify({ event: 'send_message', data: { n: 99 } }), { 'x-api-key': KEY })).status,
      ).toBe(200);
      text = fs.readFileSync(file, 'utf8');
      const lines = text.trim().split('\n');
      expect(lines).toHaveLength(ok + 1);
      for (const l of lines) JSON.parse(l);
      const target = await startServer((_r, res) => sendJson(res, 200, {}));
      try {
        const r = await cli(['webhook', 'replay', file, '--to', target.url], { env });
        expect(r.code).toBe(0);
        expect(target.requests).toHaveLength(ok + 1);
      } finally {
        await target.close();
      }
    } finally {
      child.kill('SIGINT');
      await child.done;
    }
  });

  it('--help >> a file with room for part of it: error line, exit 1, the file as it was (found in review)', async () => {
    // tmpfs allocates whole pages: 3,096 bytes leave ~1,000 free in the file's page, the rest full.
    const out = fresh('help.txt');
    const kept = `${'k'.repeat(3095)}\n`;
    fs.writeFileSync(out, kept);
    fill(fs64!.dir);
    const fd = fs.openSync(out, 'a');
    const child = spawn(process.execPath, [BIN, '--help'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', fd, 'pipe'],
    });
    fs.closeSync(fd);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual(['error: cannot write to stdout: no space left on device (ENOSPC)']);
    expect(fs.readFileSync(out, 'utf8')).toBe(kept);
  });

  it('threads list --json > a full file: error line, exit 1 (not exit 0 with an empty file)', async () => {
    const out = fresh('list.json');
    fs.writeFileSync(out, '');
    fill(fs64!.dir);
    const r = await cliTo(out, ['threads', 'list', '--json'], env).done;
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: cannot write to stdout: no space left on device/m);
    noStack(r.stderr);
  });

  it('threads export > a full file: error line, exit 1, no stack trace', async () => {
    const out = fresh('export.ndjson');
    fs.writeFileSync(out, '');
    fill(fs64!.dir, 8 * 1024);
    const r = await cliTo(out, ['threads', 'export', '--concurrency', '2'], env).done;
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toHaveLength(1);
    noStack(r.stderr);
    // No cut line: what is in the file is whole lines.
    const text = fs.readFileSync(out, 'utf8');
    expect(text === '' || text.endsWith('\n')).toBe(true);
    for (const l of text.split('\n').filter(Boolean)) JSON.parse(l);
  });

  it('webhook listen --json > a full file: the event is not acknowledged, error line, exit 1', async () => {
    const out = fresh('events.ndjson');
    fs.writeFileSync(out, '');
    const l = cliTo(out, ['webhook', 'listen', '--port', '0', '--json'], env);
    const url = (await waitForStderr(l, /Listening on (http:\/\/\S+)/))[1];
    // Room for part of the entry: the write to stdout comes up short, then fails.
    fill(fs64!.dir, 8 * 1024);
    const r = await post(url!, JSON.stringify({ event: 'send_message', data: { body: 'x'.repeat(12000) } }), {
      'x-api-key': KEY,
    }).catch(() => ({ status: 0 }));
    expect(r.status).not.toBe(200);
    const done = await l.done;
    expect(done.code).toBe(1);
    expect(errorLines(done.stderr)).toHaveLength(1);
    noStack(done.stderr);
    // The part of the entry that fitted was cut back off: no half line in the file.
    expect(fs.readFileSync(out, 'utf8')).toBe('');
  });

  it('threads export --out on a full disk: only whole lines, and only those counted', async () => {
    const out = fresh('out.ndjson');
    fill(fs64!.dir, 12 * 1024);
    const r = await cli(['threads', 'export', '--out', out, '--concurrency', '1'], { env });
    expect(r.code).toBe(1);
    const m = /^error: cannot write to .*: no space left on device; (\d+) complete threads are in it$/m.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const text = fs.readFileSync(out, 'utf8');
    expect(text === '' || text.endsWith('\n')).toBe(true);
    const lines = text ? text.trim().split('\n') : [];
    for (const l of lines) JSON.parse(l);
    expect(lines).toHaveLength(Number(m![1]));
    expect(fs.existsSync(`${out}.lock`)).toBe(false);
    noStack(r.stderr);
  });

  it('the sandbox on a full disk: 500, the message not kept, no stack trace, no .tmp left', async () => {
    const data = fresh('sandbox.json');
    const sb = startCli(['sandbox', '--port', '0', '--data', data, '--api-key', KEY], {
      env: { GURUSUP_CONFIG_DIR: tempDir() },
    });
    try {
      const base = (await waitForStderr(sb, /(http:\/\/127\.0\.0\.1:\d+)/))[1]!;
      fill(fs64!.dir);
      const r = await post(
        `${base}/messages`,
        JSON.stringify({ body: 'will not fit '.repeat(500), user_fid: 'u', thread_fid: 'full-disk-thread' }),
        { 'x-api-key': KEY },
      );
      expect(r.status).toBe(500);
      const t = await new Promise<number>((resolve) =>
        import('node:http').then((http) =>
          http.get(
            `${base}/threads/${threadHash('full-disk-thread')}`,
            { headers: { 'x-api-key': KEY } },
            (res) => (res.resume(), resolve(res.statusCode ?? 0)),
          ),
        ),
      );
      expect(t).toBe(404);
      expect(fs.readdirSync(fs64!.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      noStack(sb.err());
    } finally {
      sb.kill('SIGINT');
      await sb.done;
    }
  });
});

describe('stderr on /dev/full', () => {
  // Review: with stderr on a full disk (or a closed pipe), a usage error's write failed and the
  // unhandled 'error' event ended the process with exit 1 (and a stack trace) instead of exit 2.

  const HAS_DEV_FULL = fs.existsSync('/dev/full');

  function runWithStderr(args: string[], fd: number): Promise<number | null> {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, GURUSUP_CONFIG_DIR: tempDir() },
      stdio: ['ignore', 'ignore', fd],
    });
    return new Promise((resolve) => child.on('close', (code) => resolve(code)));
  }

  describe('stderr on a full disk (/dev/full)', () => {
    beforeAll(() => needs(!HAS_DEV_FULL && '/dev/full'));
    it.each([
      [['threads', 'list', '--bogus'], 2],
      [['threds'], 2],
      [['help', 'threds'], 2],
      [['threads', 'list', '--since', 'soon'], 2],
      [['threads', 'list'], 3],
    ])('gurusup %j still exits %i', async (args, code) => {
      const fd = fs.openSync('/dev/full', 'w');
      try {
        expect(await runWithStderr(args as string[], fd)).toBe(code);
      } finally {
        fs.closeSync(fd);
      }
    });
  });
});
